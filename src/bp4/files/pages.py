"""Pages written whole or not at all: the stepper's and the playground's HTML.

A page is written to a temporary file beside it and renamed over the old one
with ``os.replace`` (atomic), so an interrupted write leaves the previous page
as it was, never half of the new one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from .saving import _umask


def write_page(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically, with the mode the umask gives."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp's 0600 is for secrets
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return path
