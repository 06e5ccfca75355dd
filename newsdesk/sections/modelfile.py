"""The site's model file: where it lives, how it is replaced, and one loaded copy per process."""

import logging
import os
import threading
from pathlib import Path

from django.conf import settings

MODEL_NAME = "model.bin"

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_loaded = {}  # path -> (file signature, classifier)


def model_dir():
    """sections/ in the site's data folder, read when used so tests can point it elsewhere."""
    return Path(settings.DATA_DIR) / "sections"


def model_path():
    return model_dir() / MODEL_NAME


def signature(path):
    """What changes when the file is replaced: a worker's retrain reaches every web process by this."""
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return None
    return (stat.st_mtime_ns, stat.st_size, stat.st_ino)


def current_model():
    """The site's classifier, or None while it has none (or has a damaged one, after raising once).

    Loaded once per process and again only when the file changes: one stat
    per call, so every story asks it without reading the file each time.
    """
    path = model_path()
    found = signature(path)
    if found is None:
        return None
    cached = _loaded.get(path)
    if cached is not None and cached[0] == found:
        return cached[1]
    with _lock:
        cached = _loaded.get(path)
        if cached is not None and cached[0] == found:
            return cached[1]
        from .classifier import SectionClassifier

        try:
            classifier = SectionClassifier.load(path)
        except Exception:
            # Remembered as no model, so a damaged file is read (and
            # reported) once, not once per story.
            _loaded[path] = (found, None)
            raise
        _loaded[path] = (found, classifier)
        return classifier


def usable_model():
    """current_model(), or None when the file cannot be read (a damaged file, or one from an older version).

    Filing then falls back to the descriptions, and the next retrain
    replaces the file; neither stops on it.
    """
    try:
        return current_model()
    except Exception:
        logger.exception("The section model at %s cannot be read; filing by descriptions until it is retrained",
                         model_path())
        return None


def install(classifier):
    """Make `classifier` the site's model: saved beside the old file, then moved over it in one step.

    A process loading the model meanwhile reads the old file or the new one,
    never half of either.
    """
    path = model_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{MODEL_NAME}.{os.getpid()}.partial")
    try:
        classifier.save(partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    _loaded.pop(path, None)
