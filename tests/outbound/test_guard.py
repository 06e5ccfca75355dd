"""The address guard: the fetcher and the webhook sender refuse the same addresses, where they connect."""

import pytest

from newsdesk.outbound import AddressGuard, Fetcher, FetchError
from newsdesk.webhooks.delivery import post
from tests.webhooks.conftest import Receiver

from .conftest import LOCAL, USER_AGENT

PUBLIC = "93.184.216.34"

REFUSED = [
    ("127.0.0.1", "loopback address"),
    ("127.0.0.2", "loopback address"),
    ("::1", "loopback address"),
    ("10.0.0.5", "private address"),
    ("172.16.4.1", "private address"),
    ("192.168.1.20", "private address"),
    ("fd12:3456::1", "private address"),
    ("169.254.169.254", "link-local address"),  # cloud metadata services
    ("fe80::1", "link-local address"),
    ("240.0.0.1", "reserved address"),
    ("0.0.0.0", "reserved address"),
    ("::", "reserved address"),
    ("::ffff:127.0.0.1", "loopback address"),
    ("::ffff:169.254.169.254", "link-local address"),
    ("::ffff:10.0.0.5", "private address"),
    ("100.64.0.1", "non-public address"),  # carrier-grade NAT
    ("224.0.0.251", "multicast address"),
]


def fetch(url):
    with Fetcher(USER_AGENT, timeout=2.0, per_host_delay=0, respect_robots=False) as fetcher:
        return fetcher.fetch(url)


def deliver(url):
    return post(url, b"{}", {"Content-Type": "application/json"})


SENDERS = {"fetcher": fetch, "webhook": deliver}


@pytest.fixture(autouse=True)
def nothing_allowed(settings):
    settings.NEWSDESK_FETCH_ALLOWED_NETWORKS = ()
    settings.NEWSDESK_FETCH_ALLOWED_ADDRESSES = ()
    settings.NEWSDESK_WEBHOOK_TIMEOUT = 2


@pytest.mark.parametrize("sender", SENDERS)
@pytest.mark.parametrize(("address", "reason"), REFUSED)
def test_a_name_resolving_to_a_public_then_a_refused_address_is_refused(
    resolver, connections, sender, address, reason
):
    """One refused address among a name's answers refuses the name: no connection to any of them."""
    resolver.names["news.example"] = [PUBLIC, address]
    with pytest.raises(FetchError) as raised:
        SENDERS[sender]("http://news.example/feed.xml")
    assert raised.value.kind == "blocked_address"
    assert str(raised.value) == f"Refused to connect to news.example ({address}): {reason}"
    assert connections == []


@pytest.mark.parametrize("sender", SENDERS)
@pytest.mark.parametrize(("address", "reason"), REFUSED)
def test_a_refused_address_written_in_the_url_is_refused(connections, sender, address, reason):
    """An IP address in the URL itself goes through the same check."""
    host = f"[{address}]" if ":" in address else address
    with pytest.raises(FetchError) as raised:
        SENDERS[sender](f"http://{host}:8080/feed.xml")
    assert raised.value.kind == "blocked_address" and str(raised.value).endswith(reason)
    assert connections == []


def test_guard_classifies_every_address_alike():
    """The guard's verdicts, as both senders get them."""
    guard = AddressGuard()
    assert [guard.refusal(address) for address, _reason in REFUSED] == [reason for _address, reason in REFUSED]
    assert guard.refusal(PUBLIC) is None and guard.refusal("2606:4700::6810:85e5") is None


@pytest.mark.parametrize("sender", SENDERS)
def test_the_connection_goes_to_the_address_that_was_checked(resolver, connections, feed_server, sender, settings):
    """The name is resolved once, by the guard; the socket connects to that answer, not to a new lookup."""
    settings.NEWSDESK_FETCH_ALLOWED_NETWORKS = ("127.0.0.1/32",)
    resolver.names["feeds.example"] = ["127.0.0.1"]
    url = f"http://feeds.example:{feed_server.port}/rss.xml"
    if sender == "fetcher":
        with Fetcher(USER_AGENT, timeout=2.0, allowed_networks=LOCAL, per_host_delay=0) as fetcher:
            assert fetcher.fetch(url).status == 200
    else:
        assert deliver(url)[0] == 501  # FeedServer has no POST; it answered, which is what counts here
    assert connections and set(connections) == {("127.0.0.1", feed_server.port)}
    assert len(resolver.lookups) == len(connections)  # one lookup per connection, made by the guard


def test_a_redirect_to_the_metadata_service_is_refused(feed_server):
    """A server cannot bounce the fetcher to 169.254.169.254."""
    feed_server.redirect("/rss.xml", "http://169.254.169.254/latest/meta-data/")
    for respect_robots in (True, False):  # its robots.txt is refused first, or the page itself
        with Fetcher(
            USER_AGENT, timeout=2.0, allowed_networks=LOCAL, per_host_delay=0, respect_robots=respect_robots
        ) as fetcher:
            with pytest.raises(FetchError) as raised:
                fetcher.fetch(feed_server.url("/rss.xml"))
        assert raised.value.kind == "blocked_address"
        assert str(raised.value) == "Refused to connect to 169.254.169.254: link-local address"
        assert raised.value.url.startswith("http://169.254.169.254/")


# --- exact address:port allowances ----------------------------------------------


def test_an_allowed_address_and_port_lets_that_port_only(feed_server, other_server):
    """"127.0.0.1:<port>" opens that port; another port on 127.0.0.1 stays refused and is never contacted."""
    with Fetcher(
        USER_AGENT, timeout=2.0, per_host_delay=0, allowed_addresses=[f"127.0.0.1:{feed_server.port}"]
    ) as fetcher:
        assert fetcher.fetch(feed_server.url("/rss.xml")).status == 200
        with pytest.raises(FetchError) as raised:
            fetcher.fetch(other_server.url("/rss.xml"))
    assert (raised.value.kind, str(raised.value)) == ("blocked_address", "Refused to connect to 127.0.0.1: loopback address")
    assert other_server.requests == []


def test_webhooks_follow_the_allowed_addresses_setting(feed_server, other_server, settings):
    """NEWSDESK_FETCH_ALLOWED_ADDRESSES opens one port to webhook deliveries too."""
    settings.NEWSDESK_FETCH_ALLOWED_ADDRESSES = (f"127.0.0.1:{feed_server.port}",)
    status, _reason = deliver(feed_server.url("/hooks"))
    assert status == 501  # FeedServer has no POST: it answered, so the connection was allowed
    with pytest.raises(FetchError) as raised:
        deliver(other_server.url("/hooks"))
    assert raised.value.kind == "blocked_address"


def test_allowed_addresses_as_a_setting_string():
    """A comma-separated string, as an environment variable gives it; IPv6 in brackets."""
    guard = AddressGuard(allowed_addresses="127.0.0.1:8000, [::1]:8000")
    assert guard.refusal("127.0.0.1", 8000) is None and guard.refusal("::1", 8000) is None
    assert guard.refusal("::ffff:127.0.0.1", 8000) is None  # the same address, written as IPv6
    assert guard.refusal("127.0.0.1", 8001) == "loopback address"
    assert guard.refusal("127.0.0.1") == "loopback address"


@pytest.mark.parametrize("text", ["127.0.0.1", "::1:8000", "127.0.0.1:http", "127.0.0.1:70000", "host:80"])
def test_malformed_allowances_are_rejected(text):
    """A typo in the setting fails loudly rather than allowing something else."""
    with pytest.raises(ValueError):
        AddressGuard(allowed_addresses=[text])


# --- proxies ----------------------------------------------------------------------


@pytest.mark.parametrize("sender", SENDERS)
def test_proxy_variables_in_the_environment_are_ignored(feed_server, other_server, monkeypatch, settings, sender):
    """A proxy would hide the destination from the guard: requests go straight to the server, never via one."""
    settings.NEWSDESK_FETCH_ALLOWED_NETWORKS = ("127.0.0.1/32",)
    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(name, other_server.base)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)

    if sender == "fetcher":
        with Fetcher(USER_AGENT, timeout=2.0, allowed_networks=LOCAL, per_host_delay=0) as fetcher:
            assert fetcher.fetch(feed_server.url("/rss.xml")).status == 200
        assert feed_server.requests and other_server.requests == []
    else:
        receiver, proxy = Receiver(), Receiver()
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.setenv("http_proxy", proxy.url)
        try:
            assert deliver(receiver.url)[0] == 200
        finally:
            receiver.stop()
            proxy.stop()
        assert len(receiver.requests) == 1 and proxy.requests == []
