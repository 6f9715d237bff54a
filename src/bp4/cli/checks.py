"""The checks every command makes before anything is printed or loaded.

Widths against the data, the --save file, memory, and option names in
messages: a mistake is reported before a long run starts, not after.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from ..text import printable
from .data import DATASETS


def train_sizes(args: argparse.Namespace) -> list[int]:
    """The network's widths from --sizes or --hidden, checked against the data."""
    n_in, n_out = DATASETS[args.dataset].sizes[0], DATASETS[args.dataset].sizes[-1]
    if args.hidden is not None:
        return [n_in, *args.hidden, n_out]
    if args.sizes is None:
        return list(DATASETS[args.dataset].sizes)
    # The data's input width and number of classes (10 for both), whatever
    # labels a small or custom copy happens to contain.
    if len(args.sizes) < 2 or args.sizes[0] != n_in or args.sizes[-1] != n_out:
        raise ValueError(
            f"--sizes must start with {n_in} inputs and end with {n_out} outputs for "
            f"{args.dataset}, got {' '.join(map(str, args.sizes))} (or give only the "
            f"hidden layers with --hidden)"
        )
    return list(args.sizes)


def check_save_path(path: str) -> None:
    """Fail before training, not after the first epoch, if FILE cannot be written."""
    from ..files.saving import check_save_target

    shown, given = printable(path), Path(path)
    if given.is_dir():
        raise ValueError(f"--save {shown}: that is a directory, not a file name")
    if given.exists() and not given.is_file():
        raise ValueError(
            f"--save {shown}: that is not a regular file (a FIFO, socket or device); "
            f"name a new file or an existing .npz"
        )
    try:
        target, _ = check_save_target(path)
    except ValueError as error:
        raise ValueError(f"--save {shown}: {_after_name(error)}") from None
    except OSError as error:
        raise ValueError(f"--save {shown}: {_after_name(error)}") from None
    directory = Path(target).parent
    try:  # the save writes a temporary file in the directory, then renames it
        with tempfile.TemporaryFile(dir=directory):
            pass
    except OSError as error:
        raise ValueError(
            f"--save {shown}: cannot write in {printable(directory)} "
            f"({error.strerror or error})"
        ) from None


def _after_name(error: Exception) -> str:
    """A save error's reason, without its "cannot save the network to FILE: "."""
    text = (
        error.strerror if isinstance(error, OSError) and error.strerror else str(error)
    )
    return (
        text.split(": ", 1)[1]
        if text.startswith("cannot save the network to ")
        else text
    )


def check_memory(sizes: Sequence[int], samples: int, doing: str) -> None:
    """Refuse, before allocating anything, a network that cannot fit in memory.

    The estimate counts four float64 copies of the parameters (w^l, ∂C/∂w^l,
    the step η ∂C/∂w^l and the best epoch's, or the temporaries of
    initialisation) and four arrays of ``samples`` columns per layer (z^l,
    a^l, σ'(z^l), δ^l), against the machine's physical memory.
    """
    count = parameters(sizes)
    needed = 8 * (4 * count + 4 * samples * sum(sizes))
    # Looked up on bp4.cli when called, so that replacing bp4.cli.physical_memory
    # (to try a smaller machine, or to turn the estimate off) takes effect.
    from . import physical_memory as memory_of_this_machine

    total = memory_of_this_machine()
    if total is not None and needed > total:
        raise MemoryError(
            f"{doing} a network of sizes {list(sizes)} ({count:,} parameters) "
            f"on {samples:,} samples at once needs about {needed / 1e9:.3g} GB, and "
            f"this machine has {total / 1e9:.3g} GB"
        )


# The most parameters bp4 gradcheck differentiates one by one: 4 forward
# passes each, so 400,000 passes of a network of this size.
MAX_CHECKED_PARAMETERS = 100_000


def parameters(sizes: Sequence[int]) -> int:
    """How many weights and biases a network of these sizes has."""
    return sum(n * (m + 1) for m, n in zip(sizes[:-1], sizes[1:]))


def check_gradcheck_size(sizes: Sequence[int]) -> None:
    """Refuse a gradient check that would run millions of forward passes."""
    count = parameters(sizes)
    if count > MAX_CHECKED_PARAMETERS:
        raise ValueError(
            f"--sizes {' '.join(map(str, sizes))}: checking {count:,} parameters "
            f"one by one takes {4 * count:,} forward passes; bp4 gradcheck checks "
            f"at most {MAX_CHECKED_PARAMETERS:,} parameters, so choose smaller "
            "--sizes (the check of a small network tests the same code)"
        )


def physical_memory() -> int | None:
    """Bytes of physical memory, where the system says (Linux, macOS)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None


# bp4.Network's messages name its keywords (cost='quadratic'); the command
# line's name the options that set them (--cost quadratic).
_KEYWORD = re.compile(r"\b(output_activation|activation|cost|init)=(['\"]?)([\w.-]+)\2")
_ALTERNATIVE = re.compile(r"(--[\w-]+ [\w.-]+) or '([\w.-]+)'")


def in_option_names(message: str) -> str:
    """``message`` with ``output_activation='relu'`` as ``--output-activation relu``."""
    message = _KEYWORD.sub(lambda m: f"--{m[1].replace('_', '-')} {m[3]}", message)
    return _ALTERNATIVE.sub(r"\1 or \2", message)


@contextlib.contextmanager
def _option_names() -> Iterator[None]:
    """Re-raise a ValueError of building a network in the options' names."""
    try:
        yield
    except ValueError as error:
        raise ValueError(in_option_names(str(error))) from None


def _check_data_dir(args: argparse.Namespace, dataset: str) -> None:
    if args.data_dir is not None and dataset != "mnist":
        raise ValueError(f"--data-dir applies to --dataset mnist only, not {dataset}")
