"""The command line's argument types, their limits, and its help texts.

Each argument type names what it got and what it expects when it refuses a value.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable, Iterable

EXIT_STATUS = (
    "exit status: 0 done; 1 the run failed (data unavailable, a file unreadable or "
    "unwritable, training diverged, not enough memory, a gradient that reads "
    "wrong); 2 bad arguments or bad input; 130 interrupted (Ctrl-C); 141 standard "
    "output closed early"
)

# The widest layer --sizes and --hidden accept. It only catches slips such as
# an extra run of zeros before NumPy sees them; whether a network of
# acceptable widths fits in memory is checked separately (check_memory).
MAX_WIDTH = 10**9

# What each choice is for, shown in --help.
ACTIVATION_HELP = {
    "sigmoid": "σ(z) = 1/(1 + e^-z), the text's",
    "tanh": "tanh z, in (-1, 1)",
    "relu": "max(0, z), with a smaller --eta such as 0.5",
    "softmax": "a probability vector over the classes, for --cost log-likelihood",
    "identity": "a = z, for regression with --cost quadratic",
}
COST_HELP = {
    "quadratic": "(1/2n) Σ ||y - a||², the text's cost in chapters 1 and 2",
    "cross-entropy": "no learning slowdown when sigmoid outputs saturate, with "
    "--output-activation sigmoid or softmax",
    "log-likelihood": "-ln a_y, with --output-activation softmax",
}
INIT_HELP = {
    "standard": "every weight and bias from N(0, 1), the text's",
    "scaled": "weights from N(0, 1/n_in), so hidden neurons start unsaturated",
}


def _integer(
    minimum: int, maximum: int | None = None, noun: str = "an integer"
) -> Callable[[str], int]:
    if maximum is None:
        expects = f"{noun} >= {minimum}"
    else:
        expects = f"{noun} from {minimum} to {maximum:,}"

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        too_big = maximum is not None and value is not None and value > maximum
        if value is None or value < minimum or too_big:
            raise argparse.ArgumentTypeError(f"expected {expects}, got {text!r}")
        return value

    return parse


def _real(positive: bool) -> Callable[[str], float]:
    expects = "a positive finite number" if positive else "a finite number >= 0"

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or value < 0 or (positive and value == 0):
            raise argparse.ArgumentTypeError(f"expected {expects}, got {text!r}")
        return value

    return parse


WIDTH = _integer(1, MAX_WIDTH, "a layer width")


def _choices(help_by_name: dict[str, str], names: Iterable[str]) -> str:
    return "; ".join(f"{n}: {help_by_name[n]}" for n in sorted(names))
