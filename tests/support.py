"""Helpers the tests share: paths, ports, and the newsdesk command."""

import socket
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def newsdesk_command(*args):
    return [sys.executable, "-m", "newsdesk", *args]
