"""The address guard: outbound connections go to public addresses only, checked where they are made.

A feed URL is typed by an editor, a webhook address by an administrator, and
a redirect is chosen by someone else's server: any of them could point us at
the database, a cloud metadata service or an admin panel on the local
network. ``GuardedBackend`` is the network backend of the client's
connection pool, so the check happens where the connection is made: the
host name is resolved once, every address it resolves to is checked (one
bad address is enough to refuse: DNS may hand out a different one next
time), and the socket is connected to an address that was checked, never to
a second lookup's answer. DNS rebinding has nothing to slip through.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time

import httpcore

from .deadline import DeadlineStream, connect, time_left
from .errors import FetchError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class AddressGuard:
    """Says which addresses may be connected to.

    Public addresses always may. ``allowed_networks`` (CIDR strings, or one
    comma-separated string as a setting gives it) opens whole networks;
    ``allowed_addresses`` ("127.0.0.1:8000", "[::1]:8000"; a list or one
    comma-separated string) opens one port of one address only, which is all
    a site fetching from itself needs.
    """

    def __init__(self, allowed_networks=(), allowed_addresses=()):
        self.allowed_networks = tuple(
            ipaddress.ip_network(cidr, strict=False) for cidr in _split(allowed_networks)
        )
        self.allowed_addresses = frozenset(_address_and_port(text) for text in _split(allowed_addresses))

    def refusal(self, address: str, port: int | None = None) -> str | None:
        """Why ``address`` (on ``port``) may not be connected to, or None when it may."""
        ip = _unmapped(ipaddress.ip_address(address.split("%", 1)[0]))
        if (ip, port) in self.allowed_addresses:
            return None
        if any(ip in network for network in self.allowed_networks):
            return None
        if ip.is_loopback:
            return "loopback address"
        if ip.is_link_local:
            return "link-local address"
        if ip.is_multicast:
            return "multicast address"
        if ip.is_unspecified or ip.is_reserved:
            return "reserved address"
        if ip.is_private:
            return "private address"
        if not ip.is_global:
            return "non-public address"
        return None

    def check(self, host: str, port: int) -> list[str]:
        """The addresses ``host`` resolves to, all of them allowed; else ``FetchError``.

        The lookup ends by the request's deadline when there is one.
        """
        addresses = _resolve(host, port)
        for address in addresses:
            reason = self.refusal(address, port)
            if reason is not None:
                shown = host if host == address else f"{host} ({address})"
                raise FetchError("blocked_address", f"Refused to connect to {shown}: {reason}")
        return addresses


class GuardedBackend(httpcore.NetworkBackend):
    """An httpcore network backend that connects only to addresses the guard let through."""

    def __init__(self, guard: AddressGuard):
        self.guard = guard

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None) -> DeadlineStream:
        last_error = None
        for address in self.guard.check(host, port):
            try:
                return connect(address, port, timeout)
            except httpcore.ConnectError as error:  # try the host's next address
                last_error = error
        raise last_error

    def connect_unix_socket(self, path, timeout=None, socket_options=None):
        raise httpcore.ConnectError("Outbound requests go over TCP only")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def allowance(host: str, port: int) -> str:
    """The ``allowed_addresses`` text that opens ``port`` on every address ``host`` resolves to.

    For a site that fetches from itself: ``newsdesk run`` serves on one
    host and port and lets its wire desk read exactly that.
    """
    pairs = []
    for address in _resolve(host, port):
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        pairs.append(f"[{ip}]:{port}" if ip.version == 6 else f"{ip}:{port}")
    return ",".join(pairs)


def _resolve(host: str, port: int) -> list[str]:
    try:
        return [str(ipaddress.ip_address(host))]  # an address already: nothing to look up
    except ValueError:
        pass
    try:
        infos = _getaddrinfo_within(host, port, time_left(None, httpcore.ConnectTimeout))
    except (OSError, UnicodeError) as error:
        reason = getattr(error, "strerror", None) or str(error) or error.__class__.__name__
        raise FetchError("network", f"Could not resolve {host}: {reason}") from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise FetchError("network", f"Could not resolve {host}: no addresses")
    return addresses


def _getaddrinfo_within(host: str, port: int, seconds: float | None):
    """``socket.getaddrinfo``, given up after ``seconds``.

    The OS resolver cannot be interrupted, so it runs in a thread of its own
    that the caller stops waiting for; that thread ends when the resolver's
    own timeouts (seconds, in resolv.conf) are spent.
    """
    if seconds is None:
        return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    outcome = {}

    def lookup():
        try:
            outcome["infos"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except BaseException as error:  # handed to the waiting thread
            outcome["error"] = error

    thread = threading.Thread(target=lookup, name=f"resolve {host}", daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        raise httpcore.ConnectTimeout(f"Resolving {host} took too long")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["infos"]


def _split(values) -> list[str]:
    if isinstance(values, str):  # "127.0.0.1/32, 10.0.0.0/8", as an environment variable gives it
        values = values.replace(",", " ").split()
    return [value.strip() for value in values if value.strip()]


def _address_and_port(text: str) -> tuple[IPAddress, int]:
    """("127.0.0.1:8000") → (IPv4Address('127.0.0.1'), 8000); IPv6 is written "[::1]:8000"."""
    address, separator, port = text.strip().rpartition(":")
    if not separator or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"Not an address:port pair: {text!r}")
    if address.startswith("[") and address.endswith("]"):
        address = address[1:-1]
    elif ":" in address:
        raise ValueError(f"Write an IPv6 address with its port as [address]:port: {text!r}")
    return _unmapped(ipaddress.ip_address(address)), int(port)


def _unmapped(ip: IPAddress) -> IPAddress:
    # ::ffff:10.0.0.5 reaches 10.0.0.5: judge it as the IPv4 address it is.
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip
