"""Run a student's function where a crash or a hang cannot reach the caller.

:func:`run_calls` calls ``fn`` on each argument tuple in a child process
(forked, so a function defined in a notebook or a lambda needs no pickling)
and sends back, call by call, what happened: the value returned, the
exception raised (its type, message and the line of the student's code), or
nothing, when the time limit ran out, in which case the child is killed. Each
call also reports whether it changed its arguments.

Where a process cannot be forked (Windows, or macOS's default), the calls run
in a daemon thread instead: a hang is still reported after the time limit,
but the thread cannot be killed and runs on in the background until Python
exits. That is the one limit of an in-process check; ``bp4 check FILE.py``
runs the whole file in a subprocess, so there it does not arise.
"""

from __future__ import annotations

import copy
import multiprocessing
import threading
import time
import traceback
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

DEFAULT_TIMEOUT = 10.0  # seconds, for all of one check's calls together


@dataclass(frozen=True)
class Outcome:
    """What one call did. ``kind`` is "returned", "raised" or "timeout"."""

    kind: str
    value: Any = None  # what it returned (kind "returned")
    error: str = ""  # "ValueError: matmul: …" (kind "raised")
    line: int | None = None  # the line of the student's code that raised
    modified: tuple[int, ...] = ()  # positions of the arguments it changed


Call = tuple[tuple[Any, ...], dict[str, Any]]


def run_calls(
    fn: Callable[..., Any], calls: Sequence[Call], timeout: float = DEFAULT_TIMEOUT
) -> list[Outcome]:
    """One :class:`Outcome` per call, in order; after a timeout the rest are timeouts too."""
    if "fork" in multiprocessing.get_all_start_methods():
        return _in_child(fn, calls, timeout)
    return _in_thread(fn, calls, timeout)


def _call(
    fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Outcome:
    before = copy.deepcopy(args)
    try:
        value = fn(*args, **kwargs)
    except (
        BaseException
    ) as error:  # SystemExit and KeyboardInterrupt are the student's too
        return Outcome("raised", error=_one_line(error), line=_student_line(error))
    modified = tuple(i for i, (a, b) in enumerate(zip(args, before)) if not _same(a, b))
    return Outcome("returned", value=_sendable(value), modified=modified)


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split())
    name = type(error).__name__
    return f"{name}: {text}" if text else name


def _student_line(error: BaseException) -> int | None:
    """The line, in the student's code, of the innermost frame outside bp4 and NumPy."""
    line = None
    for frame in traceback.extract_tb(error.__traceback__):
        path = frame.filename.replace("\\", "/")
        if "/bp4/teaching/" not in path and "/numpy/" not in path:
            line = frame.lineno
    return line


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, np.ndarray) and isinstance(b, np.ndarray):
        return a.shape == b.shape and bool(np.array_equal(a, b, equal_nan=True))
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return True  # numbers and functions: nothing the student's code could change


def _sendable(value: Any) -> Any:
    """Arrays and lists or tuples of them as they are; anything else as its type's name."""
    if isinstance(value, np.ndarray) and value.dtype != object:
        return np.array(value)  # a copy: not a view of the student's buffers
    if isinstance(value, (list, tuple)) and len(value) < 100:
        return type(value)(_sendable(v) for v in value)
    if isinstance(value, (bool, int, float, complex, np.generic)) or value is None:
        return value
    return TypeName(type(value).__name__)


class TypeName(str):
    """A returned value that is not an array, kept only by the name of its type."""


def _child(fn: Callable[..., Any], calls: Sequence[Call], conn: Any) -> None:
    for args, kwargs in calls:
        outcome = _call(fn, args, kwargs)
        try:
            conn.send(outcome)
        except Exception:  # a value that does not pickle: say only what type it was
            conn.send(Outcome("returned", value=TypeName(type(outcome.value).__name__)))
    conn.close()


def _in_child(
    fn: Callable[..., Any], calls: Sequence[Call], timeout: float
) -> list[Outcome]:
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    with warnings.catch_warnings():
        # Python 3.12+ warns about forking a process with threads (BLAS's, a
        # notebook's); the child only computes and sends, so it takes no lock.
        warnings.simplefilter("ignore", DeprecationWarning)
        child = context.Process(target=_child, args=(fn, calls, send), daemon=True)
        child.start()
    send.close()
    outcomes: list[Outcome] = []
    deadline = time.monotonic() + timeout
    try:
        while len(outcomes) < len(calls):
            left = deadline - time.monotonic()
            if left <= 0 or not receive.poll(left):
                break
            try:
                outcomes.append(receive.recv())
            except EOFError:  # the child died (os._exit, a signal, a crash in C)
                child.join(1)
                error = f"SystemExit: the process ended (exit status {child.exitcode})"
                outcomes.append(Outcome("raised", error=error))
                break
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receive.close()
    return _pad(outcomes, len(calls))


def _in_thread(
    fn: Callable[..., Any], calls: Sequence[Call], timeout: float
) -> list[Outcome]:
    outcomes: list[Outcome] = []

    def work() -> None:
        for args, kwargs in calls:
            outcomes.append(_call(fn, args, kwargs))

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    worker.join(timeout)
    return _pad(list(outcomes), len(calls))


def _pad(outcomes: list[Outcome], n: int) -> list[Outcome]:
    if len(outcomes) < n and outcomes and outcomes[-1].kind == "raised":
        return outcomes + [outcomes[-1]] * (n - len(outcomes))
    return outcomes + [Outcome("timeout")] * (n - len(outcomes))
