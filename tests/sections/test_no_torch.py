"""A process that files and compares stories runs MiniLM in ONNX Runtime: torch is never loaded into it."""

import importlib.util
import subprocess
import sys
import textwrap

import pytest

from tests.support import REPO_ROOT

for module in ("onnx", "onnxruntime", "tokenizers", "safetensors", "all_minilm_l6_v2"):
    if importlib.util.find_spec(module) is None:  # importing the weights' package prints a line: only look it up
        pytest.skip(f"the `sections` extra ({module}) is not installed", allow_module_level=True)

SCRIPT = textwrap.dedent("""
    import json, os, sys, tempfile
    import django
    os.environ["NEWSDESK_DATA_DIR"] = tempfile.mkdtemp()
    os.environ["DJANGO_SETTINGS_MODULE"] = "newsdesk.settings"
    django.setup()
    from pathlib import Path
    from django.conf import settings
    from newsdesk.copies import meaning
    from newsdesk.sections.classifier import SectionClassifier

    texts = ["The striker scored twice as the club won the cup final",
             "The goalkeeper saved a penalty in the derby",
             "The league champions signed a new midfielder",
             "The central bank raised interest rates again",
             "Shares fell as the carmaker cut its profit forecast",
             "The retailer reported higher quarterly sales"] * 2
    labels = ["sport"] * 3 + ["business"] * 3
    model = SectionClassifier.train(texts, labels * 2, method="ensemble")
    prediction = model.predict(["The midfielder scored in the final"])[0]
    vectors = meaning.english_vectors(["Ferries go electric", "Electric ferries ordered"])
    print(json.dumps({
        "label": prediction.label,
        "cosine": float(vectors[0] @ vectors[1]),
        "torch": "torch" in sys.modules,
        "kept": sorted(path.suffix for path in (Path(settings.DATA_DIR) / "encoders").iterdir()),
    }))
""")


def test_filing_and_comparing_stories_never_load_torch():
    import json

    result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=REPO_ROOT, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["torch"] is False
    assert answer["label"] == "sport"
    assert 0.5 < answer["cosine"] < 1.0
    # Each encoder's int8 model is written once under the data folder, for the next process to read.
    assert answer["kept"] and set(answer["kept"]) == {".onnx"}
