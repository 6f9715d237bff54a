"""What the example scripts share: their command line and their figures.

Not an example itself. The scripts import it as ``_support`` (Python puts the
script's own folder first on ``sys.path``), which keeps each of them about
bp4 rather than about argparse and matplotlib.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

PLOT_EXTRA = 'pip install "bp4[plot]"'
# matplotlib's built-in backends that draw to files only: plt.show() on them
# shows nothing, so the figure goes to a file instead.
NON_INTERACTIVE = frozenset({"agg", "cairo", "pdf", "pgf", "ps", "svg", "template"})


class _HelpFormatter(
    argparse.RawDescriptionHelpFormatter, argparse.ArgumentDefaultsHelpFormatter
):
    """Keeps the docstring's layout and shows each option's default (not None)."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        if action.default is None or action.default is False:
            return action.help
        return super()._get_help_string(action)


class ArgumentParser(argparse.ArgumentParser):
    """argparse, with the script's docstring as its description and every
    error on one line (no usage block), as bp4's own command line has them."""

    def __init__(self, doc: str | None) -> None:
        super().__init__(description=doc, formatter_class=_HelpFormatter)

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")

    @contextmanager
    def reporting_bad_input(self) -> Iterator[None]:
        """bp4's ValueError or TypeError (bad sizes, names, numbers) as an
        argument error: one line, exit status 2."""
        try:
            yield
        except (ValueError, TypeError) as error:
            self.error(str(error))

    def add_sgd_options(self, epochs: int = 30, eta: float = 3.0) -> None:
        """--epochs, --batch-size, --eta and --seed: the arguments of Network.sgd."""
        self.add_argument(
            "--epochs",
            type=count(1),
            default=epochs,
            metavar="N",
            help="passes over the data",
        )
        self.add_argument(
            "--batch-size",
            type=count(1),
            default=10,
            metavar="M",
            help="samples per mini-batch",
        )
        self.add_argument("--eta", type=positive, default=eta, help="learning rate η")
        self.add_argument(
            "--seed",
            type=count(0),
            default=0,
            help="seed for the weights and the shuffling",
        )

    def add_save_option(self, default: str) -> None:
        self.add_argument(
            "--save",
            type=figure_path,
            metavar="PATH",
            help="write the figure to PATH (.png, .pdf, .svg, ...) instead of "
            "showing it; when there is no window to show it in (no display, or "
            f"a file-only matplotlib backend) it goes to {default} in the current "
            "folder",
        )


def run(main: Callable[[], int]) -> NoReturn:
    """Exit with ``main()``'s status; on Ctrl-C say so in one line (status 130,
    the shell's for SIGINT), and end quietly when stdout is closed early, as by
    ``| head``."""
    try:
        status = main()
        sys.stdout.flush()
    except KeyboardInterrupt:
        print(f"{os.path.basename(sys.argv[0])}: interrupted", file=sys.stderr)
        status = 130
    except BrokenPipeError:
        # Python's documented recipe: point stdout at /dev/null so that the
        # flush at exit does not fail a second time.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        status = 1
    sys.exit(status)


def count(minimum: int) -> Any:
    """An argparse type: an integer that is at least ``minimum``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = minimum - 1
        if value < minimum:
            raise argparse.ArgumentTypeError(
                f"expected an integer >= {minimum}, got {text!r}"
            )
        return value

    return parse


def positive(text: str) -> float:
    """An argparse type: a finite number greater than 0 (a learning rate η)."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(
            f"expected a positive finite number, got {text!r}"
        )
    return value


def figure_path(text: str) -> str:
    """An argparse type: a file name matplotlib can write, in a folder that exists."""
    folder = os.path.dirname(os.path.abspath(text))
    if not os.path.isdir(folder):
        raise argparse.ArgumentTypeError(f"no folder {folder!r} to write {text!r} in")
    suffix = os.path.splitext(text)[1].lstrip(".").lower()
    try:
        from matplotlib.backend_bases import FigureCanvasBase
    except ImportError:
        return text  # no figure will be drawn; the script says so
    formats = FigureCanvasBase.get_supported_filetypes()
    if suffix and suffix not in formats:
        raise argparse.ArgumentTypeError(
            f"matplotlib cannot write .{suffix} files, got {text!r}; "
            f"use one of {', '.join('.' + f for f in sorted(formats))}"
        )
    return text


def pyplot(save: str | None) -> Any:
    """matplotlib.pyplot, or None after saying how to install it.

    With no display (Linux without DISPLAY or WAYLAND_DISPLAY) and no backend
    chosen in MPLBACKEND, it selects the file-only Agg backend, so the figure
    goes to a file rather than failing to open a window.
    """
    try:
        import matplotlib
    except ImportError:
        print(f"\n(matplotlib is not installed: {PLOT_EXTRA} to get the figure)")
        return None
    no_display = sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    )
    if save is not None or (no_display and "MPLBACKEND" not in os.environ):
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def show_or_save(plt: Any, figure: Any, save: str | None, default: str) -> None:
    """Show ``figure`` in a window, or write it to ``save`` (or to ``default``
    when there is nowhere to show it) and print the file's path."""
    if save is None and plt.get_backend().lower() not in NON_INTERACTIVE:
        plt.show()
        return
    path = os.path.abspath(save if save is not None else default)
    try:
        figure.savefig(path, dpi=100)
    except OSError as error:
        sys.exit(f"cannot write the figure to {path}: {error.strerror or error}")
    print(f"\nSaved the figure to {path}")
    if save is None:
        print("(matplotlib has no window to show it in; --save PATH chooses the file)")
