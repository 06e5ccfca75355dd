"""bm25 for the newest matches of a search on SQLite, at a cost that does not grow with the archive.

FTS5's bm25() needs to know, for each word searched, how many entries hold
it, and it counts them by walking the word's whole list of entries once per
statement: a common word costs in proportion to the archive. A search for
"council" took 28 ms among a million stories, against 12 ms for the whole
search page of a thousand (docs/performance.md). Here FTS5's formula is
computed for just the newest matches the page ranks, from what FTS5 stores
for each entry (its length in words) and for the index (the number of
entries and their total length). Each word's count is estimated from where
its newest entries start: if its 200 newest entries reach back over the
newest 2,000 of the index, about one entry in ten holds it. A word with
fewer entries than that is counted exactly, at the same small cost. The
estimate is what ranking among recent stories should weigh anyway: how
common a word is in what is being written now.

A word's occurrences in an entry are counted here the way FTS5's default
tokenizer (unicode61) splits and folds text: runs of letters and digits,
case and Latin diacritics ignored.
"""

import math
import re
import unicodedata

# FTS5's bm25() constants.
K1 = 1.2
B = 0.75
# Each word's newest entries read to estimate how common it is.
SAMPLE = 200
# Characters unicode61 treats as part of a word.
WORD = r"[^\W_]"
WORD_CHARACTER = re.compile(WORD)
# The combining marks NFKD splits from Latin letters (é = e + U+0301).
COMBINING_MARK = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def bm25_scores(cursor, table, entries, words, columns=("title", "body")):
    """{entry id: score} for these index entries (higher is better), as FTS5's bm25() would score the query.

    `table` is the FTS5 table (its rows share ids with `entries`' table, the
    content table named by stripping "_fts"), `words` the searched words,
    `columns` the columns the query matched in: a word's occurrences count
    only there, while an entry's length is that of all its columns.
    """
    # A "word" of underscores alone holds no token FTS5 would index: nothing to count.
    words = [word for word in words if WORD_CHARACTER.search(folded(word))]
    if not entries or not words:
        return {}
    rows, average_length, newest = index_totals(cursor, table)
    patterns = [word_pattern(word) for word in words]
    weights = [
        inverse_document_frequency(rows, count)
        for count in estimated_counts(cursor, table, columns, words, rows, newest)
    ]
    scores = {}
    for entry_id, text, length in entry_texts(cursor, table, entries, columns):
        score = 0.0
        for pattern, weight in zip(patterns, weights):
            hits = occurrences(pattern, text)
            score += weight * hits * (K1 + 1) / (hits + K1 * (1 - B + B * length / average_length))
        scores[entry_id] = score
    return scores


def index_totals(cursor, table):
    """(entries, average entry length in words, largest entry id).

    The first two from FTS5's averages record (id 1 of its data table).
    """
    block, newest = cursor.execute(
        f'SELECT (SELECT block FROM "{table}_data" WHERE id = 1), (SELECT max(id) FROM "{content_table(table)}")'
    ).fetchone()
    numbers = varints(block) if block else []
    if not numbers or numbers[0] == 0:
        return 0, 1.0, newest or 0
    return numbers[0], max(sum(numbers[1:]) / numbers[0], 1.0), newest or 0


def estimated_counts(cursor, table, columns, words, rows, newest):
    """How many entries hold each word: exact below SAMPLE, else from the span of its newest SAMPLE entries.

    One statement for every word: each reads at most SAMPLE entries of its word.
    """
    sample = (
        f'SELECT %s, count(*), min(rowid) FROM (SELECT rowid FROM "{table}" WHERE "{table}" MATCH %s '
        f"ORDER BY rowid DESC LIMIT {SAMPLE})"
    )
    parameters = []
    for number, word in enumerate(words):
        parameters += [number, f"{{{' '.join(columns)}}} : {quoted(word)}"]
    found = {
        number: (count, oldest)
        for number, count, oldest in cursor.execute(" UNION ALL ".join([sample] * len(words)), parameters)
    }
    counts = []
    for number in range(len(words)):
        count, oldest = found[number]
        if count < SAMPLE:
            counts.append(count)
        else:
            span = max(newest - oldest + 1, SAMPLE)
            counts.append(min(rows, round(SAMPLE * rows / span)) if rows else SAMPLE)
    return counts


def inverse_document_frequency(rows, count):
    """FTS5's: log((N - n + 0.5) / (n + 0.5)), and a tiny positive weight for a word in most entries."""
    if rows <= 0:
        return 1e-6
    value = math.log((rows - count + 0.5) / (count + 0.5))
    return value if value > 0 else 1e-6


def entry_texts(cursor, table, entries, columns):
    """(id, folded text of the matched columns, length in words of the whole entry) for each entry.

    The columns are joined with a line break, which no word spans: a word's
    occurrences in the joined text are its occurrences in each column.
    """
    marks = ", ".join(["%s"] * len(entries))
    selected = ", ".join(f'e."{column}"' for column in columns)
    rows = cursor.execute(
        f'SELECT e.id, {selected}, d.sz FROM "{content_table(table)}" e '
        f'JOIN "{table}_docsize" d ON d.id = e.id WHERE e.id IN ({marks})',
        list(entries),
    ).fetchall()
    for entry_id, *texts, sizes in rows:
        yield entry_id, folded("\n".join(text or "" for text in texts)), sum(varints(sizes))


def content_table(table):
    return table.removesuffix("_fts")


def word_pattern(word):
    """The word as FTS5 finds a quoted string: its tokens in a row, separated by anything else.

    The pattern checks only the end of a match: one that starts with its
    literal lets the regular expression engine skip ahead to it (a
    look-behind first made it 40 times slower), and `occurrences` checks the
    start.
    """
    tokens = re.findall(WORD + "+", folded(word))
    return re.compile(r"[\W_]+".join(map(re.escape, tokens)) + f"(?!{WORD})")


def occurrences(pattern, text):
    """Matches of the pattern that start a word."""
    count = 0
    for match in pattern.finditer(text):
        start = match.start()
        if start == 0 or not WORD_CHARACTER.match(text, start - 1):
            count += 1
    return count


def quoted(word):
    return '"' + word.replace('"', '""') + '"'


def folded(text):
    """Lower case without Latin diacritics, as unicode61 (remove_diacritics 1) indexes words."""
    if not text.isascii():
        text = COMBINING_MARK.sub("", unicodedata.normalize("NFKD", text))
    return text.lower()


def varints(data):
    """SQLite's variable-length integers, one after another (FTS5's records are written with them)."""
    numbers, value, count = [], 0, 0
    for byte in data or b"":
        count += 1
        if count == 9:
            numbers.append((value << 8) | byte)
            value, count = 0, 0
        elif byte & 0x80:
            value = (value << 7) | (byte & 0x7F)
        else:
            numbers.append((value << 7) | byte)
            value, count = 0, 0
    return numbers
