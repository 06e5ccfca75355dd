"""Copies and same stories: agreement with human ratings, copy detection, look-up time and memory.

Run from the repository root:

    .venv/bin/python benchmarks/stories.py [--stored 1000000] [--skip-lookup] [--skip-semeval]

It prints Markdown tables:

1. SemEval-2022 Task 8 pairs (../shared/data/dedupe/semeval2022_task8_pairs.csv,
   rated 1 = same story to 4 = unrelated): Pearson correlation between
   `similarity` and the negated overall rating, and precision and recall of
   `same_story` against ratings ≤ 1.5, for all pairs and English-English
   pairs. Twice: with the blend weights the code ships (fitted on all the
   pairs, so optimistic), and cross-validated (weights fitted on four
   fifths, scored on the fifth left out). The same-story threshold is
   scored on the pairs whose id hashes odd, the half it was not chosen on.
2. Copies generated from BBC News stories (benchmarks/stories_copies.py)
   against distinct stories: precision and recall of `copy`, counting a copy
   as found only when it also shares a band with its original, as the index
   needs; recall per kind of copying.
3. Look-up: the time to find a story's original among --stored synthetic
   fingerprints in an SQLite database, through newsdesk.copies.index.
4. Memory: peak resident size of a fresh process that loads the encoder and
   compares one pair, as a worker does.
5. Speed: one pair at a time, both texts new (encoded, signed and read for
   names), as `newsdesk stories compare` handles a row; the encoders run on
   one thread.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SEMEVAL = REPO_ROOT.parent / "shared" / "data" / "dedupe" / "semeval2022_task8_pairs.csv"

if str(REPO_ROOT) not in sys.path:  # run as a script: make `newsdesk` and the copies set importable
    sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def read_semeval():
    csv.field_size_limit(10**8)
    with open(SEMEVAL, newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def pearson(xs, ys):
    import numpy as np

    return float(np.corrcoef(xs, ys)[0, 1]) if len(xs) > 2 else float("nan")


def precision_recall(predicted, actual):
    hits = sum(p and a for p, a in zip(predicted, actual))
    chosen, wanted = sum(predicted), sum(actual)
    return (hits / chosen if chosen else float("nan")), (hits / wanted if wanted else float("nan"))


def features_of(rows):
    """Per pair: the blend features, whether both are English, and the Comparison."""
    from newsdesk.copies import similarity

    started = time.perf_counter()
    stories = similarity.prepare_pairs([(row["text1"], row["text2"]) for row in rows])
    prepared = time.perf_counter() - started
    result = []
    for i in range(len(rows)):
        a, b = stories[2 * i], stories[2 * i + 1]
        result.append({**similarity.features_of(a, b), "both_english": a.english and b.english,
                       "comparison": similarity.compare(a, b)})
    return result, prepared / len(stories)


def cross_validated(features, ratings, folds=5):
    """Similarity per pair from blends fitted without its fold, by the shipped recipe (English / other)."""
    import numpy as np
    from sklearn.linear_model import LinearRegression

    from newsdesk.copies import similarity

    def usable(for_english):
        group = [f for f in features if f["both_english"] == for_english]
        return next(list(weights) for english, _, weights in similarity.BLENDS
                    if english in (for_english, None) and all(name in f for f in group for name in weights))

    english_names, other_names = usable(True), usable(False)
    fold = np.array([zlib.crc32(str(i).encode()) % folds for i in range(len(features))])
    english = np.array([f["both_english"] for f in features])
    y = np.array(ratings)
    result = np.zeros(len(features))
    for k in range(folds):
        for group, names in ((english, english_names), (~english, other_names)):
            x = np.array([[f.get(name, 0.0) for name in names] for f in features])
            train, test = (fold != k) & group, (fold == k) & group
            if test.any():
                model = LinearRegression().fit(x[train], y[train])
                result[test] = np.clip((4 - model.predict(x[test])) / 3, 0, 1)
    copies = np.array([f["comparison"].copy for f in features])
    containment = np.array([f["comparison"].containment for f in features])
    return np.where(copies, np.maximum(result, containment), result)


def semeval_table():
    from newsdesk.copies import similarity

    rows = read_semeval()
    features, seconds_per_text = features_of(rows)
    ratings = [float(row["Overall"]) for row in rows]
    same = [rating <= 1.5 for rating in ratings]
    english = [row["lang1"] == row["lang2"] == "en" for row in rows]
    held_out = [zlib.crc32(row["pair_id"].encode()) % 2 == 1 for row in rows]
    shipped = [f["comparison"].similarity for f in features]
    validated = cross_validated(features, ratings)
    lines = [
        "| SemEval pairs | pairs | Pearson (shipped) | Pearson (cross-validated) | same_story P | same_story R "
        "| P held-out half | R held-out half | copy flagged |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, chosen in (("all", [True] * len(rows)), ("English-English", english)):
        idx = [i for i, c in enumerate(chosen) if c]
        predicted = [features[i]["comparison"].same_story for i in idx]
        p, r = precision_recall(predicted, [same[i] for i in idx])
        held = [i for i in idx if held_out[i]]
        hp, hr = precision_recall([features[i]["comparison"].same_story for i in held], [same[i] for i in held])
        lines.append(
            f"| {name} | {len(idx)} | {pearson([shipped[i] for i in idx], [-ratings[i] for i in idx]):.3f} "
            f"| {pearson([validated[i] for i in idx], [-ratings[i] for i in idx]):.3f} | {p:.3f} | {r:.3f} "
            f"| {hp:.3f} | {hr:.3f} | {sum(features[i]['comparison'].copy for i in idx)} |"
        )
    by_pair = {}
    for row, f, rating in zip(rows, features, ratings):
        by_pair.setdefault(f"{row['lang1']}-{row['lang2']}", []).append((f["comparison"].similarity, -rating))
    lines += ["", "| language pair | pairs | Pearson (shipped) |", "|---|---:|---:|"]
    for pair, values in sorted(by_pair.items(), key=lambda kv: -len(kv[1])):
        lines.append(f"| {pair} | {len(values)} | {pearson(*zip(*values)):.3f} |")
    lines += ["", f"Preparing a text (sentence vector, signature, entities, n-grams): "
                  f"{seconds_per_text * 1000:.1f} ms a text, all {len(rows) * 2} at once on this machine; "
                  f"MiniLM {'installed' if similarity.meaning.english_available() else 'not installed'}, "
                  f"the multilingual encoder "
                  f"{'installed' if similarity.meaning.multilingual_available() else 'not installed'}."]
    return "\n".join(lines)


def copies_table(limit):
    from newsdesk.copies import similarity
    from stories_copies import COPY_KINDS, copy_pairs, read_bbc

    pairs = copy_pairs(read_bbc(limit))
    flagged, actual, kinds = [], [], []
    started = time.perf_counter()
    for kind, a, b, is_copy in pairs:
        sa, sb = (similarity.signature(text) for text in (a, b))
        findable = bool(set(sa.band_keys()) & set(sb.band_keys()))
        shorter = min(sa.size, sb.size)
        copy = findable and sa.containment(sb) >= similarity.COPY_CONTAINMENT and shorter >= similarity.MIN_COPY_SHINGLES
        flagged.append(copy)
        actual.append(is_copy)
        kinds.append(kind)
    per_pair = (time.perf_counter() - started) / len(pairs)
    p, r = precision_recall(flagged, actual)
    lines = [
        f"| {sum(actual)} copies, {len(pairs) - sum(actual)} distinct pairs | pairs | precision | recall |",
        "|---|---:|---:|---:|",
        f"| all kinds | {len(pairs)} | {p:.4f} | {r:.4f} |",
    ]
    for kind in COPY_KINDS:
        idx = [i for i, k in enumerate(kinds) if k == kind]
        lines.append(f"| {kind} | {len(idx)} | | {sum(flagged[i] for i in idx) / len(idx):.4f} |")
    false = sum(flagged[i] for i, k in enumerate(kinds) if k == "distinct")
    lines += ["", f"Distinct pairs flagged as copies: {false}. Signatures and containment: "
                  f"{per_pair * 1000:.2f} ms a pair."]
    return "\n".join(lines)


def lookup_table(stored, queries=200):
    """Time index.best_match among `stored` synthetic fingerprints plus the queries' originals, in SQLite."""
    import random

    import numpy as np

    directory = tempfile.mkdtemp(prefix="newsdesk-stories-bench-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "newsdesk.settings"
    os.environ["NEWSDESK_DATABASE_URL"] = os.environ["DATABASE_URL"] = f"sqlite:///{directory}/bench.sqlite3"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from newsdesk.copies import index, minhash
    from newsdesk.copies.similarity import COPY_CONTAINMENT
    from stories_copies import copy_pairs, read_bbc

    call_command("migrate", "copies", verbosity=0)
    started = time.perf_counter()
    rng = np.random.default_rng(0)
    connection.ensure_connection()
    raw = connection.connection  # the sqlite3 connection: Django's cursor would convert 42 million rows in Python
    raw.execute("PRAGMA foreign_keys=OFF")
    raw.execute("PRAGMA synchronous=OFF")
    definitions = [sql for (sql,) in raw.execute(
        "SELECT sql FROM sqlite_master WHERE type='index' AND tbl_name='copies_band' AND sql IS NOT NULL")]
    for (name,) in list(raw.execute(
            "SELECT name FROM sqlite_master WHERE type='index' AND tbl_name='copies_band' AND sql IS NOT NULL")):
        raw.execute(f'DROP INDEX "{name}"')
    chunk = 50_000
    for start in range(1, stored + 1, chunk):
        ids = np.arange(start, min(start + chunk, stored + 1))
        values = rng.integers(0, 2**32, size=(len(ids), minhash.NUM_PERM), dtype=np.uint64).astype("<u4")
        raw.executemany(
            "INSERT INTO copies_fingerprint (id, wire_item_id, signature, shingle_count, created_at) "
            "VALUES (?, ?, ?, 400, '2026-01-01')",
            zip(ids.tolist(), ids.tolist(), (row.tobytes() for row in values)),
        )
        keys = rng.integers(-2**63, 2**63 - 1, size=(len(ids), minhash.BANDS), dtype=np.int64)
        raw.executemany("INSERT INTO copies_band (key, fingerprint_id) VALUES (?, ?)",
                        zip(keys.ravel().tolist(), np.repeat(ids, minhash.BANDS).tolist()))
        raw.commit()
    for sql in definitions:
        raw.execute(sql)
    raw.execute("ANALYZE")
    raw.commit()
    filled = time.perf_counter() - started
    size = os.path.getsize(f"{directory}/bench.sqlite3")
    # Real originals among them, and their copies as the queries.
    pairs = [p for p in copy_pairs(read_bbc(queries)) if p[3]][:queries]
    with connection.cursor() as cursor:
        for n, (_, original, _, _) in enumerate(pairs):
            pk, sig = stored + 1 + n, minhash.signature(original)
            cursor.execute(
                "INSERT INTO copies_fingerprint (id, wire_item_id, signature, shingle_count, created_at) "
                "VALUES (%s, %s, %s, %s, '2026-01-01')", (pk, pk, sig.to_bytes(), sig.size))
            cursor.executemany("INSERT INTO copies_band (key, fingerprint_id) VALUES (%s, %s)",
                               [(key, pk) for key in sig.band_keys()])
    timings, found = [], 0
    for n, (_, original, copy, _) in enumerate(pairs):
        query = minhash.signature(copy)
        started = time.perf_counter()
        match, _ = index.best_match(query, COPY_CONTAINMENT)
        timings.append(time.perf_counter() - started)
        found += match is not None and match.wire_item_id == stored + 1 + n
    misses = []
    for _ in range(queries):
        query = minhash.signature(" ".join(random.choice(["alpha", "beta", "gamma", "delta"]) + str(random.randrange(10**6))
                                           for _ in range(400)))
        started = time.perf_counter()
        index.best_match(query, COPY_CONTAINMENT)
        misses.append(time.perf_counter() - started)
    timings.sort()
    misses.sort()
    return "\n".join([
        f"| look-up among {stored + len(pairs):,} fingerprints (SQLite, {size / 2**30:.2f} GiB) | median ms | p95 ms | found |",
        "|---|---:|---:|---:|",
        f"| a copy of a stored story | {statistics.median(timings) * 1000:.2f} | {timings[int(len(timings) * 0.95)] * 1000:.2f} "
        f"| {found}/{len(pairs)} |",
        f"| a new story (no copy held) | {statistics.median(misses) * 1000:.2f} | {misses[int(len(misses) * 0.95)] * 1000:.2f} | |",
        "",
        f"Filling the table took {filled:.0f} s. Database: {directory}/bench.sqlite3 (delete it when done).",
    ])


WORKER_SCRIPT = """
import resource, sys
sys.path.insert(0, {root!r})
from newsdesk.copies.similarity import compare_texts
compare_texts([("The council said that the budget was approved on Tuesday by the members.",
                "The budget was approved by the council on Tuesday, and the mayor said it was good news."),
               ("Der Stadtrat hat am Dienstag den Haushalt beschlossen.", "The council approved its budget.")])
# VmHWM, not ru_maxrss: Linux starts a child's ru_maxrss at its parent's peak.
print(next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:")) / 1024)
"""


def memory_line():
    output = subprocess.run([sys.executable, "-c", WORKER_SCRIPT.format(root=str(REPO_ROOT))],
                            capture_output=True, text=True, check=True).stdout.split()[-1]
    return f"Peak memory of a process that loads both encoders and compares two pairs: {float(output):.0f} MB."


def compare_speed_table(pairs_per_kind=40):
    """Milliseconds to compare one pair whose two texts are both new, as `newsdesk stories compare` does a row."""
    from newsdesk.copies import similarity

    rows = read_semeval()
    kinds = {
        "English-English": [row for row in rows if row["lang1"] == row["lang2"] == "en"],
        "one language, not English": [row for row in rows if row["lang1"] == row["lang2"] != "en"],
        "two languages": [row for row in rows if row["lang1"] != row["lang2"]],
    }
    similarity.compare_texts([("Warm the encoders up.", "Die Kodierer aufwärmen.")])
    lines = ["| pair, both texts new | pairs | median ms a pair | p95 |", "|---|---:|---:|---:|"]
    for kind, chosen in kinds.items():
        times = []
        for row in chosen[:pairs_per_kind]:
            started = time.perf_counter()
            similarity.compare_texts([(row["text1"], row["text2"])])
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        lines.append(f"| {kind} | {len(times)} | {statistics.median(times):.1f} | "
                     f"{times[int(0.95 * (len(times) - 1))]:.1f} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stored", type=int, default=1_000_000, help="Synthetic fingerprints for the look-up.")
    parser.add_argument("--copies-from", type=int, default=1200, help="BBC stories to make copies of.")
    parser.add_argument("--skip-lookup", action="store_true")
    parser.add_argument("--skip-semeval", action="store_true")
    args = parser.parse_args()
    if not args.skip_semeval:
        print(semeval_table(), end="\n\n", flush=True)
    print(compare_speed_table(), end="\n\n", flush=True)
    print(copies_table(args.copies_from), end="\n\n", flush=True)
    print(memory_line(), end="\n\n", flush=True)
    if not args.skip_lookup:
        print(lookup_table(args.stored), flush=True)


if __name__ == "__main__":
    main()
