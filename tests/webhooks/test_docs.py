import re

import pytest

from tests.support import REPO_ROOT

pytestmark = pytest.mark.django_db

DOCS = REPO_ROOT / "docs" / "webhooks.md"


def documented_check():
    """The first Python example under "Checking the signature" in docs/webhooks.md."""
    text = DOCS.read_text()
    section = text[text.index("## Checking the signature"):]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


@pytest.fixture(scope="module")
def verify_signature():
    """The signature check exactly as docs/webhooks.md shows it to receivers."""
    namespace = {}
    exec(compile(documented_check(), str(DOCS), "exec"), namespace)
    return namespace["verify_signature"]


def test_the_documented_check_accepts_a_real_delivery(verify_signature, receiver, webhook, new_story, publish):
    """The example verifies what newsdesk actually sends, and rejects a changed body or a wrong secret."""
    publish(new_story)
    [request] = receiver.requests
    header = request.headers["X-Newsdesk-Signature"]
    assert verify_signature(request.body, header, webhook.secret)
    assert not verify_signature(request.body.replace(b"Harbour", b"Harb0ur"), header, webhook.secret)
    assert not verify_signature(request.body, header, "not-the-secret")
    assert not verify_signature(request.body, header.removeprefix("sha256="), webhook.secret)
    assert not verify_signature(request.body, None, webhook.secret)


def test_the_documented_check_compares_in_constant_time():
    assert "hmac.compare_digest(" in documented_check()


def test_the_docs_name_every_event_and_header():
    from newsdesk.webhooks.models import Event

    text = DOCS.read_text()
    for name in [*Event.values, "X-Newsdesk-Event", "X-Newsdesk-Delivery", "X-Newsdesk-Signature",
                 "NEWSDESK_WEBHOOK_TIMEOUT", "NEWSDESK_WEBHOOK_MAX_ATTEMPTS"]:
        assert f"`{name}`" in text, name
