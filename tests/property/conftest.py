"""Hypothesis profiles: repeatable by default, exploring on request.

`make test` (and CI) must give the same answer on every run, so by default
each test draws the same examples every time (`derandomize`). To hunt for
new failures, run with fresh random examples each time:

    HYPOTHESIS_PROFILE=explore .venv/bin/pytest tests/property

A failure found that way goes into the test as an `@example`, so it is kept.
"""

import os

from hypothesis import settings

settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))
