"""System checks for the operational settings: mistakes found at start, not at the first page hit."""

import os

from django.core import checks

from .switch import metrics_enabled


def multiprocess_folder(app_configs, **kwargs):
    """PROMETHEUS_MULTIPROC_DIR must be a folder this process can write, or every count fails."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not metrics_enabled() or not folder:
        return []
    if not os.path.isdir(folder) or not os.access(folder, os.W_OK):
        return [
            checks.Error(
                f"PROMETHEUS_MULTIPROC_DIR is {folder!r}, which is not a folder this process can write.",
                hint="Create it before starting newsdesk (docs/operations.md, Metrics), or unset it.",
                id="newsdesk.operations.E001",
            )
        ]
    return []


def register():
    checks.register(multiprocess_folder, checks.Tags.compatibility, deploy=False)
