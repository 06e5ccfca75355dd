"""A worker does at start what its first request or job would.

A web worker imports its URL modules and compiles the reader templates; a task
worker imports what its jobs import, before it forks a work horse for each.
"""

import json
import os
import subprocess
import sys

from django.template import engines
from django.urls import clear_url_caches, get_resolver

from newsdesk.warmup import reader_templates, warm_up


def cached_template_names():
    loader = engines["django"].engine.template_loaders[0]  # the cached loader, as Django sets it up
    return {key.split(":", 1)[0] if ":" in key else key for key in loader.get_template_cache}


def test_warm_up_compiles_every_reader_template_and_indexes_the_urls():
    names = set(reader_templates())
    assert {"stories/home_page.html", "stories/article_page.html", "branding/base.html"} <= names
    assert not any(name.startswith(("wire/", "sections/", "demo/")) for name in names)
    engines["django"].engine.template_loaders[0].reset()
    clear_url_caches()
    warm_up()
    assert names <= cached_template_names()
    assert get_resolver()._populated


# Run in a fresh interpreter: this test process has imported everything already.
WORKER_WARM_UP = """
import json, os, sys, threading
import django
django.setup()
from django.db import connections
from newsdesk.warmup import warm_up_worker
before = set(sys.modules)
warm_up_worker()
report = {
    "imported": sorted(set(sys.modules) - before),
    "threads": threading.active_count(),
    "connected": [alias for alias in connections if connections[alias].connection is not None],
}
# A job in a forked child, as RQ's work horse runs it: OpenBLAS's threads
# (numpy's product), the extraction a poll does and a MinHash signature.
# A child that hangs is killed by the test's time limit.
reader, writer = os.pipe()
child = os.fork()
if child == 0:
    import numpy
    from newsdesk.copies.minhash import signature
    from newsdesk.wire.extraction import extract
    page = "<html><body><article>" + "<p>The harbour board voted to raise the mooring dues by six per cent.</p>" * 5
    product = float((numpy.ones((300, 300)) @ numpy.ones((300, 300)))[0, 0])
    done = {"product": product, "text": extract(page + "</article></body></html>").text[:25],
            "signature": bool(signature("the harbour board voted to raise the dues " * 10).size),
            "imported_in_child": sorted(set(sys.modules) - before - set(report["imported"]))}
    os.write(writer, json.dumps(done).encode())
    os._exit(0)
os.close(writer)
with os.fdopen(reader) as pipe:
    report["child"] = json.loads(pipe.read())
report["child_exit"] = os.waitpid(child, 0)[1]
print(json.dumps(report))
"""


def test_a_task_worker_imports_what_its_jobs_need_before_it_forks_and_nothing_that_forbids_forking(tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("NEWSDESK_", "DJANGO_"))}
    env.update(DJANGO_SETTINGS_MODULE="newsdesk.settings", NEWSDESK_DATA_DIR=str(tmp_path))
    ran = subprocess.run([sys.executable, "-c", WORKER_WARM_UP], env=env, capture_output=True, text=True,
                         timeout=300, check=True)
    report = json.loads(ran.stdout.strip().splitlines()[-1])
    imported = set(report["imported"])
    # What each job's work horse used to import on its own: Wagtail's hooks (the
    # publish log, the reference index), the wire pipeline and its libraries.
    assert {"wagtail.documents.wagtail_hooks", "wagtail.images.wagtail_hooks", "newsdesk.wire.wagtail_hooks",
            "newsdesk.wire.pipeline", "newsdesk.copies.linking", "trafilatura", "datasketch", "sklearn"} <= imported
    # A fork copies one thread: no Python thread may be running (numpy's and
    # scipy's OpenBLAS start their own, and start them again in a forked
    # child), no pool that would not (ONNX Runtime's, torch's) may exist, and
    # no database connection may be shared with the horses.
    assert report["threads"] == 1
    assert not {"onnxruntime", "torch"} & imported
    assert report["connected"] == []
    # And a job forked after it runs: BLAS, extraction and signatures work in the child.
    assert report["child_exit"] == 0
    assert report["child"]["product"] == 300.0
    assert report["child"]["text"] == "The harbour board voted t"
    assert report["child"]["signature"]
    assert report["child"]["imported_in_child"] == [], "the forked job still imported these itself"
