"""``bp4.check_all``: check a student's BP1–BP4, then train with them.

Each function is checked with :func:`bp4.teaching.check.check`; then the
student's functions replace bp4's in :mod:`bp4.backprop`, by name, exactly
as a student would by hand (``bp4.backprop.hidden_error = hidden_error``;
one that leaves out ``out=`` is called without it),
and a network trains on the digits with fixed settings. bp4's own
functions are put back afterwards, whatever happens (an error, Ctrl-C).
The training runs in :mod:`bp4.teaching.sandbox` like the checks, so a
function that crashes or hangs there is reported too. The cost is the
quadratic one, whose BP1 is :func:`bp4.backprop.output_error`, so the
student's BP1 is the one that runs.
"""

from __future__ import annotations

import functools
import types
import warnings
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from .. import backprop
from .check import _takes_out, check
from .messages import check_lang, say
from .report import CheckReport
from .sandbox import DEFAULT_TIMEOUT, run_calls

EQUATIONS = ("output_error", "hidden_error", "bias_gradient", "weight_gradient")
# The training: fixed, so the student's accuracy and bp4's can be compared.
SIZES, SEED, EPOCHS, BATCH_SIZE, ETA = (64, 30, 10), 0, 10, 10, 3.0
TRAINING_TIMEOUT = 120.0  # seconds; the reference trains in well under one


@dataclass
class CheckAllReport:
    """``passed`` (every function passed and training matched bp4's own),
    ``reports`` (one :class:`CheckReport` per function), ``accuracy`` (test
    accuracy after training with the student's functions, None if training
    failed) and ``reference_accuracy`` (with bp4's own, the same seed)."""

    passed: bool
    reports: list[CheckReport]
    accuracy: float | None
    reference_accuracy: float
    lang: str = "en"
    training_error: str | None = field(default=None, repr=False)

    def summary(self) -> str:
        n, failed = len(self.reports), sum(not r.passed for r in self.reports)
        if self.passed:
            return say(
                self.lang, "check_all_passed", n=n, accuracy=self.accuracy,
                reference=self.reference_accuracy,
            )  # fmt: skip
        lines = (
            [say(self.lang, "check_all_failed", n=n, failed=failed)] if failed else []
        )
        if self.training_error is not None:
            lines.append(say(self.lang, "training_failed", error=self.training_error))
        else:
            accuracy = f"{self.accuracy:.1%}" if self.accuracy is not None else "—"
            lines.append(
                say(
                    self.lang, "trained", accuracy=accuracy,
                    reference=self.reference_accuracy,
                )
            )  # fmt: skip
        return " ".join(lines)

    def __str__(self) -> str:
        return "\n".join([*(str(r) for r in self.reports), self.summary()])

    def _repr_markdown_(self) -> str:
        parts = [r._repr_markdown_() for r in self.reports]
        return "\n\n".join([*parts, f"**{self.summary()}**"]) + "\n"

    def __bool__(self) -> bool:
        return self.passed


def check_all(
    functions: Mapping[str, Callable[..., Any]] | types.ModuleType,
    *,
    lang: str = "en",
    timeout: float = DEFAULT_TIMEOUT,
) -> CheckAllReport:
    """Check each of the student's BP1–BP4, then train with them on the digits.

    ``functions`` maps bp4.backprop's names (``output_error``,
    ``hidden_error``, ``bias_gradient``, ``weight_gradient``) to the
    student's functions, or is a module that defines some of them; the ones
    not given are bp4's own during training. ``timeout`` is each check's
    time limit, in seconds.
    """
    lang = check_lang(lang)
    given = student_functions(functions)
    if not given:
        raise ValueError(
            f"functions must define at least one of {', '.join(EQUATIONS)}; got "
            f"{type(functions).__name__} with none of them"
        )
    reports = [
        check(fn, name, lang=lang, timeout=timeout) for name, fn in given.items()
    ]
    reference = reference_accuracy()
    (outcome,) = run_calls(train_accuracy, [((given,), {})], TRAINING_TIMEOUT)
    accuracy, error = None, None
    if outcome.kind == "returned" and isinstance(outcome.value, float):
        accuracy = outcome.value
    elif outcome.kind == "raised":
        error = outcome.error
    else:
        error = f"no result within {TRAINING_TIMEOUT:g} s"
    passed = all(r.passed for r in reports) and accuracy == reference
    return CheckAllReport(passed, reports, accuracy, reference, lang, error)


def student_functions(
    functions: Mapping[str, Callable[..., Any]] | types.ModuleType,
) -> dict[str, Callable[..., Any]]:
    if isinstance(functions, types.ModuleType):
        found = {name: getattr(functions, name, None) for name in EQUATIONS}
    elif isinstance(functions, Mapping):
        found = {name: functions.get(name) for name in EQUATIONS}
    else:
        raise TypeError(
            "functions must be a mapping of name to function, or a module; got "
            f"{type(functions).__name__}"
        )
    return {name: fn for name, fn in found.items() if fn is not None}


@contextmanager
def swapped_in(functions: Mapping[str, Callable[..., Any]]) -> Iterator[None]:
    """bp4.backprop with the student's functions, bp4's own restored after, always."""
    originals = {name: getattr(backprop, name) for name in functions}
    try:
        for name, fn in functions.items():
            setattr(backprop, name, fn if _takes_out(fn) else _ignoring_out(fn))
        yield
    finally:  # on an exception and on KeyboardInterrupt alike
        for name, fn in originals.items():
            setattr(backprop, name, fn)


def train_accuracy(functions: Mapping[str, Callable[..., Any]]) -> float:
    """Test accuracy on the digits after training with ``functions`` swapped in."""
    from ..data import load_digits
    from ..network import Network

    data = load_digits()
    with swapped_in(functions), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a stalled or overflowing run still reports
        net = Network(SIZES, "sigmoid", "quadratic", init="scaled", seed=SEED)
        net.sgd(data.X_train, data.y_train, EPOCHS, BATCH_SIZE, ETA)
        return net.evaluate(data.X_test, data.y_test) / data.X_test.shape[1]


def _ignoring_out(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn``, which leaves out ``out=``, called as bp4's backward pass calls it."""

    @functools.wraps(fn)
    def call(*args: Any, out: Any = None) -> Any:
        return fn(*args)

    return call


@functools.cache
def reference_accuracy() -> float:
    return train_accuracy({})
