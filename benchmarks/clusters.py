"""Story clusters: the time to place one new wire item among 200 other outlets' recent stories.

Run from the repository root:

    .venv/bin/python benchmarks/clusters.py [--candidates 200] [--runs 5]

Stores --candidates English news texts from SemEval-2022 Task 8
(../shared/data/dedupe/semeval2022_task8_pairs.csv) as wire items of other
sources in a fresh SQLite database, then times newsdesk.copies.clusters.place
for new items: "cold" when no candidate's sentence vector is kept yet (the
first check after an upgrade reads and encodes all of them), "warm" when they
are (every later check: only the new item is read and encoded). Prints a
Markdown table.
"""

import argparse
import csv
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
PAIRS = REPO_ROOT.parent / "shared" / "data" / "dedupe" / "semeval2022_task8_pairs.csv"


def english_texts(count):
    csv.field_size_limit(sys.maxsize)
    texts = []
    with PAIRS.open(newline="", encoding="utf-8") as file:
        for row in csv.DictReader(file):
            for lang, text in ((row["lang1"], row["text1"]), (row["lang2"], row["text2"])):
                if lang == "en" and len(text) > 400 and text not in texts:
                    texts.append(text)
            if len(texts) >= count:
                return texts[:count]
    return texts


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    directory = tempfile.mkdtemp(prefix="newsdesk-clusters-bench-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "newsdesk.settings"
    os.environ["NEWSDESK_DATABASE_URL"] = os.environ["DATABASE_URL"] = f"sqlite:///{directory}/bench.sqlite3"
    os.environ["NEWSDESK_DATA_DIR"] = directory
    sys.path.insert(0, str(REPO_ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from newsdesk.copies import clusters, meaning
    from newsdesk.copies.linking import note_story
    from newsdesk.copies.minhash import signature
    from newsdesk.copies.models import Fingerprint
    from newsdesk.wire.models import Source, WireItem

    call_command("migrate", verbosity=0)
    texts = english_texts(args.candidates + args.runs * 2)
    meaning.english_vectors(["warm up the encoder"])
    other = Source.objects.create(name="Other outlets", url="http://example.org/feed")
    ours = Source.objects.create(name="New outlet", url="http://example.net/feed")

    def stored(source, text, number):
        item = WireItem.objects.create(source=source, identity=f"{source.pk}-{number}", url=f"http://example.org/{number}",
                                       title=text[:80], text=text)
        return item, note_story(signature(text), wire_item=item)

    for number, text in enumerate(texts[:args.candidates]):
        stored(other, text, number)
    timings = {"cold": [], "warm": []}
    for run, text in enumerate(texts[args.candidates:]):
        kind = "cold" if run == 0 else "warm"
        if kind == "cold":
            Fingerprint.objects.update(english_vector=None, multilingual_vector=None, english=None, entities=None)
        item, fingerprint = stored(ours, text, f"new-{run}")
        started = time.perf_counter()
        if os.environ.get("PROFILE") and kind == "warm":
            import cProfile
            cProfile.runctx("clusters.place(fingerprint, item)", globals(), locals(), sort="cumulative")
        else:
            clusters.place(fingerprint, item)
        timings[kind].append(time.perf_counter() - started)
    print(f"| check against {args.candidates} candidates | median ms | runs |")
    print("| --- | --- | --- |")
    for kind, values in timings.items():
        print(f"| {kind} | {statistics.median(values) * 1000:.0f} | {len(values)} |")


if __name__ == "__main__":
    main()
