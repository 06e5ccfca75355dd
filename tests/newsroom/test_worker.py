"""The real worker process publishes a scheduled story on time, with no cron."""

import subprocess
import time

import httpx

from tests.support import newsdesk_command

SCHEDULE = """
from datetime import timedelta
from django.utils import timezone
from newsdesk.stories.models import ArticlePage
story = ArticlePage.objects.live().order_by("first_published_at").first()
story.unpublish()
story.go_live_at = timezone.now() + timedelta(seconds=5)
story.save_revision().publish()
print(story.url_path.split("/", 2)[2])
"""


def test_story_scheduled_in_five_seconds_is_live_within_a_minute(running_site, site_environment):
    scheduled = subprocess.run(
        newsdesk_command("shell", "-c", SCHEDULE), env=site_environment, capture_output=True, text=True, timeout=120
    )
    assert scheduled.returncode == 0, scheduled.stderr
    url = running_site + "/" + scheduled.stdout.strip().splitlines()[-1]
    assert httpx.get(url).status_code == 410  # withdrawn until its time comes
    go_live = time.monotonic() + 5
    worker = subprocess.Popen(
        newsdesk_command("worker"), env=site_environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        while httpx.get(url).status_code != 200:
            assert worker.poll() is None, "the worker stopped"
            assert time.monotonic() < go_live + 60, "not live within 60 s of its scheduled time"
            time.sleep(1)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
