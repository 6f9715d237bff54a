"""``python -m bp4.cli.check_file FILE LANG TIMEOUT``: the subprocess of ``bp4 check``.

It loads the student's file, checks each function bp4 recognises, and writes
the verdicts as one JSON line after ``MARKER``; what the student's code
prints goes to standard error.
"""

from __future__ import annotations

import contextlib
import json
import os
import runpy
import signal
import sys
from collections.abc import Iterator
from typing import Any

from .check import MARKER


def child(path: str, lang: str, timeout: float) -> dict[str, Any]:
    """Load ``path`` and check its functions: the subprocess's work, as a record."""
    from ..teaching.check import check
    from ..teaching.tasks import NAMES

    folder = os.path.dirname(os.path.abspath(path))
    sys.path.insert(0, folder)  # its own imports, as when run from its folder
    try:
        with _time_limit(timeout):  # a file that never finishes loading
            namespace = runpy.run_path(path, run_name="__bp4_check__")
    except SyntaxError as error:
        where = f"{path}, line {error.lineno}" if error.lineno else path
        return _failed(f"{where}: SyntaxError: {error.msg}")
    except BaseException as error:
        line = _line(error, path)
        return _failed(
            f"{path} could not be loaded: {type(error).__name__}: {error}{line}"
        )
    found = {
        name: fn for name, fn in namespace.items() if name in NAMES and callable(fn)
    }
    if not found:
        return _failed(
            f"{path} defines no function bp4 recognises (expected one of: "
            f"{', '.join(NAMES)})"
        )
    reports = [
        check(fn, name, lang=lang, timeout=timeout) for name, fn in found.items()
    ]
    return {
        "error": None,
        "records": [r.record() for r in reports],
        "texts": [str(r) for r in reports],
    }


class LoadTimeoutError(Exception):
    pass


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Raise LoadTimeoutError after ``seconds`` (where there is SIGALRM; else no limit
    but the parent's, which kills this process)."""
    if not hasattr(signal, "setitimer"):
        yield
        return

    def stop(signum: int, frame: Any) -> None:
        raise LoadTimeoutError(f"did not finish loading within {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _failed(message: str) -> dict[str, Any]:
    return {"error": message, "records": [], "texts": []}


def _line(error: BaseException, path: str) -> str:
    import traceback

    lines = [
        f.lineno
        for f in traceback.extract_tb(error.__traceback__)
        if os.path.abspath(f.filename) == os.path.abspath(path)
    ]
    return f" (line {lines[-1]})" if lines else ""


if __name__ == "__main__":
    out = sys.stdout
    with contextlib.redirect_stdout(sys.stderr):  # the student's prints
        result = child(sys.argv[1], sys.argv[2], float(sys.argv[3]))
    out.write(MARKER + json.dumps(result, ensure_ascii=False) + "\n")
