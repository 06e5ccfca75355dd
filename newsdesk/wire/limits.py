"""Size limits on what one poll stores, so a hostile or broken feed cannot fill the database.

A feed is someone else's file: it may carry a 300-million-character story,
a GUID the length of a novel or a JSON item nested a thousand levels deep.
The fetch layer already caps the bytes of one download; these caps bound
what is kept of it, row by row.
"""

# The longest story in trafilatura's 990-page evaluation set is well under
# 200,000 characters of HTML. A million is five times that with room for
# long-form reporting, and still a row the desk's pages render at once.
MAX_STORY_CHARS = 1_000_000

# The feed's own item, kept for reference (WireItem.raw). Nobody reads more
# than its first screens; the caps keep the JSON small and shallow whatever
# its shape: a budget of characters for the whole item, shared by every
# string and key in it, and a cap on entries and depth.
MAX_RAW_CHARS = 100_000
MAX_RAW_ENTRIES = 100
MAX_RAW_DEPTH = 6

# A story's URL and identity (GUID) longer than this is not a real one; the
# URL column holds 2,000 characters.
MAX_URL_CHARS = 2_000


def clip(text, limit):
    """`text` cut to `limit` characters, NUL characters removed (PostgreSQL refuses them)."""
    text = (text or "").replace("\x00", "")
    return text[:limit]


def bounded_raw(value):
    """A copy of a feed item's JSON-like data within the MAX_RAW_* limits.

    Strings are cut once the item's character budget is spent, lists and
    objects keep their first MAX_RAW_ENTRIES entries, anything nested deeper
    than MAX_RAW_DEPTH is dropped, and values JSON cannot hold become strings.
    """
    budget = [MAX_RAW_CHARS]

    def text(raw):
        kept = clip(str(raw), max(budget[0], 0))
        budget[0] -= len(kept) + 1  # every value costs something, empty or not
        return kept

    def copy(raw, depth):
        if raw is None or isinstance(raw, (bool, int, float)):
            return raw
        if isinstance(raw, str):
            return text(raw)
        if depth >= MAX_RAW_DEPTH or budget[0] <= 0:
            return None
        if isinstance(raw, dict):
            kept = {}
            for key, item in list(raw.items())[:MAX_RAW_ENTRIES]:
                if budget[0] <= 0:
                    break
                name = text(key)  # before the value, which may spend the rest of the budget
                kept[name] = copy(item, depth + 1)
            return kept
        if isinstance(raw, (list, tuple)):
            kept = []
            for item in list(raw)[:MAX_RAW_ENTRIES]:
                if budget[0] <= 0:
                    break
                kept.append(copy(item, depth + 1))
            return kept
        return text(raw)

    return copy(value, 0)


def fits(value, model, field_name):
    """`value` when it fits `model.field_name`, else "": a validator cut short would be wrong."""
    value = value or ""
    return value if len(value) <= model._meta.get_field(field_name).max_length else ""
