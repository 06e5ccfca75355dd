"""Section classifier: accuracy, per-section precision and recall, training time, speed and size, per method.

Run from the repository root:

    .venv/bin/python benchmarks/sections.py [--methods linear,ensemble] [--output FILE.md] [--no-bbc]

It prints (and with --output writes) Markdown: one summary table, then for
each data set and method a confusion matrix with per-section precision and
recall. The data sets are read from ../shared/data/classification beside the
repository and never copied into it:

- ag_news_subset: train.csv (5,000 stories) and dev.csv (1,000). Every dev
  story is also in train.csv, so the model is trained on the 4,000 train.csv
  stories that are not in dev.csv; scoring it on stories it learnt would
  measure memory, not filing.
- bbc_news: 2,225 BBC stories in five folders; scored by stratified 5-fold
  cross-validation.

Stories per second are measured on one core (torch and BLAS held to one
thread) predicting the dev stories in batches of 32, and one by one as a
worker files them; "× linear" compares each method with the linear method
timed in the same run, so a busy machine shifts both alike. Memory is the
peak resident size of a fresh process that loads the model file and files
one story, as a worker does.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = REPO_ROOT.parent / "shared" / "data" / "classification"
AG_NEWS = DATA_DIR / "ag_news_subset"
BBC_NEWS = DATA_DIR / "bbc_news"

if str(REPO_ROOT) not in sys.path:  # run as a script: make `newsdesk` importable
    sys.path.insert(0, str(REPO_ROOT))


@contextmanager
def one_core():
    """Hold torch and the BLAS libraries to one thread, as the speed budget is stated for one core."""
    from threadpoolctl import threadpool_limits

    try:
        import torch
    except ImportError:
        torch = None
    threads = torch.get_num_threads() if torch else None
    with threadpool_limits(limits=1):
        if torch:
            torch.set_num_threads(1)
        try:
            yield
        finally:
            if torch:
                torch.set_num_threads(threads)


def ag_news():
    """(train texts, train labels, dev texts, dev labels, label names) with dev stories left out of training."""
    names = (AG_NEWS / "classes.txt").read_text(encoding="utf-8").split()

    def rows(name):
        with open(AG_NEWS / name, newline="", encoding="utf-8") as file:
            return [(text, names[int(label)]) for text, label in csv.reader(file)]

    dev = rows("dev.csv")
    dev_texts = {text for text, _ in dev}
    train = [row for row in rows("train.csv") if row[0] not in dev_texts]
    return ([t for t, _ in train], [label for _, label in train], [t for t, _ in dev], [label for _, label in dev])


def bbc_news():
    """(texts, labels): each story's title and body, labelled by its folder."""
    texts, labels = [], []
    for folder in sorted(path for path in BBC_NEWS.iterdir() if path.is_dir()):
        for story in sorted(folder.glob("*.txt")):
            texts.append(" ".join(story.read_text(encoding="latin-1").split()))
            labels.append(folder.name)
    return texts, labels


@dataclass
class Result:
    dataset: str
    method: str
    truth: list = field(default_factory=list)
    predicted: list = field(default_factory=list)
    train_seconds: float = 0.0
    batch_rate: float | None = None  # stories per second in batches of 32, one core
    single_rate: float | None = None  # stories per second one at a time, one core
    size_mb: float | None = None
    memory_mb: float | None = None

    @property
    def accuracy(self):
        return sum(t == p for t, p in zip(self.truth, self.predicted)) / len(self.truth)


def train_and_score(method, train_texts, train_labels, test_texts, options):
    from newsdesk.sections.classifier import SectionClassifier

    started = time.perf_counter()
    classifier = SectionClassifier.train(train_texts, train_labels, method=method, **options)
    seconds = time.perf_counter() - started
    predictions = [p.label for p in classifier.predict(test_texts, top=1)]
    return classifier, predictions, seconds


def rates(classifier, texts, single=200):
    started = time.perf_counter()
    for start in range(0, len(texts), 32):
        classifier.predict(texts[start:start + 32])
    batch = len(texts) / (time.perf_counter() - started)
    started = time.perf_counter()
    for text in texts[:single]:
        classifier.predict([text])
    return batch, min(single, len(texts)) / (time.perf_counter() - started)


WORKER_PROBE = """
import resource, sys
from newsdesk.sections.classifier import SectionClassifier
SectionClassifier.load(sys.argv[1]).predict(["Shares rose in early trading after the central bank held rates."])
# VmHWM, not ru_maxrss: Linux starts a child's ru_maxrss at its parent's peak.
print(next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:")))
"""


def worker_memory_mb(path):
    """Peak resident memory of a fresh process that loads the model and files one story."""
    # One thread, as a worker filing stories is budgeted; torch reads this too.
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    output = subprocess.run([sys.executable, "-c", WORKER_PROBE, str(path)], capture_output=True, text=True,
                            check=True, cwd=REPO_ROOT, env=env).stdout
    return int(output.split()[-1]) / 1024


def run_ag_news(method, options):
    train_texts, train_labels, dev_texts, dev_labels = ag_news()
    classifier, predicted, seconds = train_and_score(method, train_texts, train_labels, dev_texts, options)
    result = Result("AG News dev", method, dev_labels, predicted, seconds)
    with one_core():
        result.batch_rate, result.single_rate = rates(classifier, dev_texts)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.bin"
        classifier.save(path)
        result.size_mb = path.stat().st_size / 1e6
        result.memory_mb = worker_memory_mb(path)
    return result


def run_bbc(method, options, folds=5):
    from sklearn.model_selection import StratifiedKFold

    texts, labels = bbc_news()
    result = Result(f"BBC News {folds}-fold", method)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    for train_index, test_index in splitter.split(texts, labels):
        _, predicted, seconds = train_and_score(
            method, [texts[i] for i in train_index], [labels[i] for i in train_index],
            [texts[i] for i in test_index], options,
        )
        result.truth += [labels[i] for i in test_index]
        result.predicted += predicted
        result.train_seconds += seconds / folds
    return result


def confusion_table(result):
    names = sorted(set(result.truth))
    lines = [f"**{result.dataset}, {result.method}**: accuracy {result.accuracy:.3f}", "",
             "| true \\ predicted | " + " | ".join(names) + " | recall |",
             "|---|" + "---:|" * (len(names) + 1)]
    for name in names:
        row = [sum(t == name and p == other for t, p in zip(result.truth, result.predicted)) for other in names]
        recall = row[names.index(name)] / max(1, sum(row))
        lines.append(f"| {name} | " + " | ".join(map(str, row)) + f" | {recall:.3f} |")
    precision = []
    for name in names:
        chosen = [t for t, p in zip(result.truth, result.predicted) if p == name]
        precision.append(f"{sum(t == name for t in chosen) / max(1, len(chosen)):.3f}")
    lines.append("| precision | " + " | ".join(precision) + " | |")
    return "\n".join(lines)


def summary_table(results):
    baseline = {r.dataset: r for r in results if r.method == "linear"}
    lines = ["| data set | method | accuracy | training (s) | stories/s, batches, 1 core | stories/s, one by one "
             "| × linear (batches) | model file (MB) | worker memory (MB) |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        base = baseline.get(r.dataset)
        ratio = f"{r.batch_rate / base.batch_rate:.2f}" if base and r.batch_rate and base.batch_rate else ""
        fmt = lambda value, spec: format(value, spec) if value is not None else ""
        lines.append(f"| {r.dataset} | {r.method} | {r.accuracy:.3f} | {r.train_seconds:.0f} "
                     f"| {fmt(r.batch_rate, '.0f')} | {fmt(r.single_rate, '.0f')} | {ratio} "
                     f"| {fmt(r.size_mb, '.1f')} | {fmt(r.memory_mb, '.0f')} |")
    return "\n".join(lines)


def main():
    from newsdesk.sections.classifier import METHODS, best_method

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--methods", default=None,
                        help=f"comma-separated, from {', '.join(METHODS)} (default: linear and the best installed)")
    parser.add_argument("--no-bbc", action="store_true", help="skip the BBC cross-validation")
    parser.add_argument("--output", type=Path, help="also write the Markdown here")
    args = parser.parse_args()
    methods = args.methods.split(",") if args.methods else sorted({"linear", best_method()}, key=list(METHODS).index)
    results = []
    for method in methods:
        print(f"AG News, {method}…", file=sys.stderr, flush=True)
        results.append(run_ag_news(method, {}))
    if not args.no_bbc:
        for method in methods:
            print(f"BBC News, {method}…", file=sys.stderr, flush=True)
            results.append(run_bbc(method, {}))
    report = "\n\n".join([summary_table(results)] + [confusion_table(r) for r in results]) + "\n"
    print(report)
    if args.output:
        args.output.write_text(report, encoding="utf-8")
    print(f"peak memory of this run: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB",
          file=sys.stderr)


if __name__ == "__main__":
    main()
