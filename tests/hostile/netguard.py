"""Run ``python -m newsdesk …`` with the network held to loopback, and log what it tried.

Usage: ``python netguard.py LOG_FILE newsdesk-arguments…``

The hostile feeds name hosts that must never be reached (a cloud metadata
address, 100,000 made-up hosts). An audit hook, installed before newsdesk
starts, lets name lookups of IP literals and ``localhost`` through and
answers every other lookup as an unknown name, as a machine with no
network would, without sending a DNS query anywhere; it refuses connections
to any address outside loopback. Each refused lookup or connection, and any
opening of ``/etc/passwd``, is written to LOG_FILE as one line
(``lookup HOST``, ``connect ADDRESS``, ``open PATH``), so a test can see what
the product tried even when the product itself says nothing about it.

This guards the test machine; it does not stand in for newsdesk's own
address guard, which must refuse such addresses before any of this is
reached.
"""

import atexit
import ipaddress
import os
import runpy
import socket
import sys

WATCHED_FILES = {"/etc/passwd", "/etc/shadow"}


def _is_loopback_or_literal(host):
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    host = host.strip("[]")
    if host in {"localhost", ""}:
        return True
    try:
        ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        pass
    else:
        return True
    try:
        # Numeric forms the C library reads without DNS: 2852039166, 0xa9fea9fe, 169.254.43518.
        socket.inet_aton(host)
    except OSError:
        return False
    return True


def _is_loopback_address(address):
    if not isinstance(address, tuple):
        return True  # AF_UNIX paths and the like
    try:
        return ipaddress.ip_address(str(address[0]).split("%")[0]).is_loopback
    except ValueError:
        return False


def install(log_fd):
    def note(line):
        os.write(log_fd, (line.replace("\n", " ") + "\n").encode("utf-8", "replace"))

    def hook(event, args):
        if event == "socket.getaddrinfo":
            if not _is_loopback_or_literal(args[0]):
                note(f"lookup {args[0]}")
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        elif event in {"socket.gethostbyname", "socket.gethostbyname_ex", "socket.gethostbyaddr"}:
            if not _is_loopback_or_literal(args[0]):
                note(f"lookup {args[0]}")
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        elif event in {"socket.connect", "socket.sendto"}:
            address = args[1] if event == "socket.connect" else args[-1]
            if not _is_loopback_address(address):
                note(f"connect {address[0]}")
                raise OSError(101, "Network is unreachable")
        elif event == "open":
            path = args[0]
            if isinstance(path, (str, bytes)) and os.fsdecode(path) in WATCHED_FILES:
                note(f"open {os.fsdecode(path)}")

    sys.addaudithook(hook)


def record_peak_memory(path):
    """Write this process's peak resident memory (VmHWM, in kB) to ``path``.

    The figure ``wait4`` gives a parent is not enough: Linux carries the
    starting process's size at fork over into the child's ``ru_maxrss``, so
    a newsdesk command started from a large test process would seem as large.
    VmHWM belongs to the program after exec alone.
    """
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                os.write(descriptor, line.split()[1].encode())
                os.close(descriptor)
                return


def main():
    log_file, *arguments = sys.argv[1:]
    atexit.register(record_peak_memory, log_file + ".peak")
    # Opened before the hook exists; written with os.write, which raises no audit event.
    log_fd = os.open(log_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    install(log_fd)
    sys.argv = ["newsdesk", *arguments]
    runpy.run_module("newsdesk", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
