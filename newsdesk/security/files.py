"""Files and folders only their owner may read: the secret key, the admin password."""

import os
import secrets
from pathlib import Path


def make_private_dir(path):
    """Create folder `path` (and its parents) readable by its owner only.

    A folder that already exists keeps its mode: the operator may have
    chosen it (a volume shared with a web server, say).
    """
    path = Path(path)
    # mkdir's mode can only lose bits to the umask, so the folder is never
    # wider than owner-only, not even for a moment.
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def write_private_file(path, text):
    """Create `path` holding `text`, readable by its owner only; FileExistsError if it exists.

    The text goes first into a new file that is born 0600 (O_CREAT with the
    mode, O_EXCL so no file or link planted beforehand is reused), so no
    other user can open it between its creation and a chmod. It is then
    hard-linked to its name, which fails if the name is taken: two processes
    starting at once (the web server's workers) never see a half-written file, and
    the second one keeps the first one's content.
    """
    path = Path(path)
    scratch = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    descriptor = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.link(scratch, path)
    finally:
        scratch.unlink(missing_ok=True)
