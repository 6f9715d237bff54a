"""bp4's command line: ``python -m bp4 COMMAND`` (or the ``bp4`` script).

Commands: ``train``, ``evaluate``, ``explain``, ``gradcheck``. Every argument
is checked before anything is printed or loaded: layer widths are at most
:data:`MAX_WIDTH` (10^9), and a network that would not fit in the machine's
memory is refused before it is allocated (:func:`check_memory`).

:func:`main` is the one place that turns an expected failure into one line on
stderr (never a traceback) and an exit status:

- 0: done;
- 1: the run failed: data unavailable, a file that cannot be read or
  written, training that diverged, not enough memory, a gradient check
  that reads "wrong";
- 2: bad arguments or bad input (argparse's convention);
- 130: interrupted with Ctrl-C (128 + SIGINT, as shells report it); ``train``
  says at which epoch and where the best network so far was saved;
- 141: standard output was closed early (``bp4 train | head -1``): bp4 stops
  silently with the status a Unix tool stopped by SIGPIPE reports
  (128 + SIGPIPE).

Each command is a module of this package (``train``, ``evaluate``,
``explain`` for explain and gradcheck), built into one parser by ``parser``
from the argument types of ``arguments``, after the checks of ``checks``;
:func:`main`, here, runs them.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from ..text import printable, readable_streams
from ..training import TrainingStalledWarning
from .arguments import (
    ACTIVATION_HELP,
    COST_HELP,
    EXIT_STATUS,
    INIT_HELP,
    MAX_WIDTH,
    WIDTH,
)
from .checks import (
    check_memory,
    check_save_path,
    in_option_names,
    physical_memory,
    train_sizes,
)
from .data import DATASETS, DIGITS_VALIDATION, DataSet, Split
from .evaluate import mnist_test, run_evaluate
from .explain import run_explain, run_gradcheck
from .parser import build_parser
from .train import Interrupted, run_train

# The names bp4.cli has always offered, from the modules that now hold them.
__all__ = [
    "ACTIVATION_HELP",
    "build_parser",
    "check_memory",
    "check_save_path",
    "COST_HELP",
    "DataSet",
    "DATASETS",
    "DIGITS_VALIDATION",
    "EXIT_STATUS",
    "in_option_names",
    "INIT_HELP",
    "INTERRUPTED",
    "Interrupted",
    "main",
    "MAX_WIDTH",
    "mnist_test",
    "physical_memory",
    "run_evaluate",
    "run_explain",
    "run_gradcheck",
    "run_train",
    "Split",
    "STDOUT_CLOSED",
    "train_sizes",
    "WIDTH",
]

INTERRUPTED, STDOUT_CLOSED = 130, 141

# The longest error or warning line, in characters (the pieces from outside
# that it quotes are bounded too, by bp4.text.printable).
MAX_LINE = 4000


# -- the one place failures become messages and exit statuses ------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status of a run that ended, and
    raises SystemExit with the status of one that failed (its line printed)."""
    _without_a_stream_write_nowhere()
    readable_streams(sys.stdout, sys.stderr)  # δ as "delta" on a latin-1 terminal
    parser = build_parser()
    prefix = "bp4"
    try:
        try:
            args = parser.parse_args(argv)
        finally:  # --help exits here: flush now, so a closed pipe is seen below
            sys.stdout.flush()
        prefix = f"bp4 {args.command}"
        with warnings.catch_warnings():
            warnings.filterwarnings("default", category=TrainingStalledWarning)
            warnings.showwarning = _one_line_warning(prefix)
            status: int = args.run(args)
        sys.stdout.flush()
        return status
    except BrokenPipeError:
        _discard_stdout()
        raise SystemExit(STDOUT_CLOSED) from None
    except KeyboardInterrupt as interrupt:
        message = str(interrupt) if isinstance(interrupt, Interrupted) else ""
        _fail(parser, INTERRUPTED, f"{prefix}: {message or 'interrupted'}")
    except MemoryError as error:
        _fail(parser, 1, f"{prefix}: error: not enough memory: {error or 'no detail'}")
    except UnicodeEncodeError as error:  # output, not input: never exit 2
        _fail(parser, 1, f"{prefix}: error: cannot show the output: {error}")
    except (ValueError, TypeError) as error:
        _fail(parser, 2, f"{prefix}: error: {error}")
    except (OSError, ArithmeticError) as error:  # ArithmeticError: training diverged
        _fail(parser, 1, f"{prefix}: error: {_os_message(error)}")


def _without_a_stream_write_nowhere() -> None:
    """A closed stdout or stderr (``bp4 train >&-``) is None in Python: bp4
    still does its work, writing what would have been shown to nowhere, and
    reports through its exit status."""
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115


def _os_message(error: BaseException) -> str:
    """``FILE: No such file or directory`` rather than ``[Errno 2] No such …: 'FILE'``."""
    filename, strerror = (
        getattr(error, "filename", None),
        getattr(error, "strerror", None),
    )
    if filename is not None and strerror and getattr(error, "filename2", None) is None:
        return f"{filename}: {strerror}"
    return str(error)


def _fail(parser: argparse.ArgumentParser, status: int, line: str) -> NoReturn:
    # One line, however many the message had, so that it reads as one error;
    # printable, since it may quote file names and what a server sent.
    line = printable(" ".join(line.split("\n")), limit=MAX_LINE)
    parser.exit(status, line + "\n")


def _one_line_warning(prefix: str) -> Callable[..., None]:
    """A ``warnings.showwarning`` that prints ``bp4 train: warning: …``, one line."""

    def show(message: Warning | str, *args: Any, **kwargs: Any) -> None:
        line = " ".join(in_option_names(str(message)).split("\n"))
        line = printable(line, limit=MAX_LINE)
        print(f"{prefix}: warning: {line}", file=sys.stderr, flush=True)

    return show


def _discard_stdout() -> None:
    """Point stdout at /dev/null, so the exit's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no file descriptor (stdout replaced): nothing to do
        pass
