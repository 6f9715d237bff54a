"""Gradient descent's update rule, and what training records: epochs and history.

:meth:`bp4.Network.sgd` runs the loop; this module holds the pieces it is
made of that are not the network itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

import numpy as np

from .array import Array

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def update_parameters(
    weights: Sequence[Array],
    biases: Sequence[Array],
    nabla_w: Sequence[Array],
    nabla_b: Sequence[Array],
    eta: float,
    weight_decay: float = 1.0,
    step_w: Sequence[Array] | None = None,
    step_b: Sequence[Array] | None = None,
) -> None:
    """The update rule :math:`w^l → w^l − η ∂C/∂w^l`, :math:`b^l → b^l − η ∂C/∂b^l`, in place.

    With L2 regularisation ``weight_decay`` is :math:`1 − ηλ/n`, and the rule
    is the text's :math:`w^l → (1 − ηλ/n) w^l − η ∂C_0/∂w^l` (biases are not
    decayed).
    ``step_w`` and ``step_b``, if given, are scratch arrays the shapes of the
    parameters for η ∂C/∂w and η ∂C/∂b, so that ``nabla_w`` and ``nabla_b``
    keep holding the gradients.
    """
    step_w = step_w or [None] * len(weights)  # type: ignore[list-item]
    step_b = step_b or [None] * len(biases)  # type: ignore[list-item]
    for w, b, nw, nb, sw, sb in zip(weights, biases, nabla_w, nabla_b, step_w, step_b):
        if weight_decay != 1.0:
            w *= weight_decay
        w -= np.multiply(eta, nw, out=sw)
        b -= np.multiply(eta, nb, out=sb)


@dataclass(frozen=True)
class EpochRecord:
    """What one epoch of :meth:`bp4.Network.sgd` measured.

    ``cost`` is the training cost: by default the mean of the costs of the
    epoch's mini-batches, each computed by the forward pass of its own update
    (so it costs nothing extra, and describes the network as it changed
    during the epoch, as Keras reports it); with
    ``sgd(..., monitor_training_cost=True)``, the cost over the whole training
    set after the epoch. With L2 regularisation it includes (λ/2n) Σ w².
    ``seconds`` is the whole epoch: its updates and every evaluation.
    ``correct`` and ``total`` count the test samples (``test=``) classified
    correctly, and ``test_cost`` is their cost; ``validation_*`` and
    ``training_*`` likewise for the validation data and, when asked, the
    training data. Counts exist only for targets that are classes
    (:func:`bp4.validation.targets`): for regression or soft targets they are
    None, and only the costs are recorded. A sample whose output a^L is NaN
    counts as wrong. ``learning_speeds`` holds ‖∂C/∂b^l‖ for l = 2 … L when
    asked.
    """

    epoch: int
    cost: float
    seconds: float
    correct: int | None = None
    total: int | None = None
    validation_cost: float | None = None
    validation_correct: int | None = None
    validation_total: int | None = None
    training_correct: int | None = None
    training_total: int | None = None
    learning_speeds: tuple[float, ...] | None = None
    test_cost: float | None = None

    @property
    def accuracy(self) -> float | None:
        """Fraction of test samples classified correctly, if test data was given."""
        return _fraction(self.correct, self.total)

    @property
    def validation_accuracy(self) -> float | None:
        """Fraction of validation samples classified correctly, if any were given."""
        return _fraction(self.validation_correct, self.validation_total)

    @property
    def training_accuracy(self) -> float | None:
        """Fraction of training samples classified correctly, if it was measured."""
        return _fraction(self.training_correct, self.training_total)

    def __str__(self) -> str:
        """One labelled line, as ``sgd(..., verbose=True)`` and the CLI print it."""
        parts = [f"epoch {self.epoch}: training cost {self.cost:.4f}"]
        if self.training_correct is not None:
            parts.append(_score("training", self.training_correct, self.training_total))
        if self.validation_cost is not None:
            parts.append(f"validation cost {self.validation_cost:.4f}")
        if self.validation_correct is not None:
            parts.append(
                _score("validation", self.validation_correct, self.validation_total)
            )
        if self.test_cost is not None:
            parts.append(f"test cost {self.test_cost:.4f}")
        if self.correct is not None:
            parts.append(_score("test", self.correct, self.total))
        parts.append(f"{self.seconds:.2f} s")
        return ", ".join(parts)

    def __repr__(self) -> str:
        shown = []
        for field in fields(self):
            value = getattr(self, field.name)
            if value is None:
                continue
            if isinstance(value, float):
                value = float(f"{value:.4g}")
            elif isinstance(value, tuple):
                value = tuple(float(f"{v:.3g}") for v in value)
            shown.append(f"{field.name}={value!r}")
        return f"EpochRecord({', '.join(shown)})"


def _fraction(part: int | None, whole: int | None) -> float | None:
    if part is None or not whole:
        return None
    return part / whole


def _score(label: str, correct: int | None, total: int | None) -> str:
    percent = 100 * (correct or 0) / (total or 1)
    return f"{label} accuracy {correct} / {total} ({percent:.1f}%)"


# What chooses the best epoch (sgd's ``monitor``): the highest validation
# accuracy, or the lowest validation cost.
MONITORS = ("accuracy", "cost")


def default_monitor(has_classes: bool) -> str:
    """Accuracy when the validation targets are classes, else the cost."""
    return "accuracy" if has_classes else "cost"


def best_record(records: Sequence[EpochRecord], monitor: str) -> EpochRecord | None:
    """The first record with the highest validation accuracy, or the lowest cost.

    ``monitor`` is ``"accuracy"`` or ``"cost"``; None if nothing was validated.
    A NaN validation cost is never the lowest.
    """
    if monitor == "accuracy":
        scored = [r for r in records if r.validation_correct is not None]
        if not scored:
            return None
        return max(scored, key=lambda r: r.validation_correct or 0)
    costs = [r for r in records if r.validation_cost is not None]
    if not costs:
        return None
    return min(costs, key=lambda r: _lowest_first(r.validation_cost))


def _lowest_first(cost: float | None) -> float:
    return np.inf if cost is None or np.isnan(cost) else cost


class History(list):
    """The records of :meth:`bp4.Network.sgd`, one :class:`EpochRecord` per epoch.

    A list, so ``history[-1].accuracy`` and ``len(history)`` work as they
    read. ``best_epoch`` is the best epoch on the validation data (the
    parameters ``patience`` restores): by ``monitor``, the highest validation
    accuracy (``"accuracy"``) or the lowest validation cost (``"cost"``);
    ``sgd`` sets it, and a History made by hand uses accuracy if it was
    measured, else the cost. ``stopped_early`` says whether ``patience``
    ended training before the last epoch.
    """

    stopped_early: bool = False
    monitor: str | None = None

    @property
    def chosen_by(self) -> str:
        """What chooses ``best_epoch``: ``"accuracy"`` or ``"cost"``."""
        if self.monitor is not None:
            return self.monitor
        return default_monitor(any(r.validation_correct is not None for r in self))

    @property
    def best_epoch(self) -> int | None:
        """The first epoch with the best validation accuracy or cost, if validated."""
        best = best_record(self, self.chosen_by)
        return None if best is None else best.epoch

    def __repr__(self) -> str:
        if not self:
            return "History([])"
        lines = [f"History of {len(self)} epoch{'s' * (len(self) != 1)}:"]
        lines += [f"  {record}" for record in self]
        lines += [f"  {note}" for note in self._notes()]
        return "\n".join(lines)

    def _notes(self) -> list[str]:
        notes = []
        if self.best_epoch is not None:
            best = (
                "best validation accuracy"
                if self.chosen_by == "accuracy"
                else "lowest validation cost"
            )
            notes.append(f"{best} at epoch {self.best_epoch}")
        if self.stopped_early:
            notes.append("stopped early (patience)")
        return notes

    def _repr_html_(self) -> str:
        """A table, one row per epoch, of the quantities that were measured."""
        from .history_display import history_html

        caption = "; ".join(
            [f"History of {len(self)} epoch{'s' * (len(self) != 1)}", *self._notes()]
        )
        return history_html(self, caption)

    def plot(self) -> Figure:
        """Cost and accuracy curves, epoch by epoch; returns the matplotlib Figure.

        The left axes show the training cost (and the validation and test
        costs, if measured), the right axes every accuracy measured, in
        percent; with no accuracy (regression) there is only the left. The
        figure is not held by pyplot, so a notebook cell ending in
        ``history.plot()`` shows it once (``fig.savefig`` writes it to a
        file). Needs matplotlib
        (``pip install "bp4[plot]"``).
        """
        from .history_display import plot_history

        return plot_history(self)


class TrainingDivergedError(FloatingPointError):
    """:meth:`bp4.Network.sgd` stopped because the training cost became NaN or infinite.

    ``record`` is the epoch that diverged; ``history`` the records of the
    epochs before it, which were fine.
    """

    def __init__(
        self,
        record: EpochRecord,
        eta: float,
        history: list[EpochRecord],
        advice: str | None = None,
    ):
        self.record = record
        self.history = history
        advice = advice or f"try a smaller learning rate, such as eta = {eta / 10:g}"
        super().__init__(
            f"training diverged at epoch {record.epoch}: the cost C became "
            f"{record.cost} with eta = {eta:g}; {advice}"
        )


class TrainingStalledWarning(UserWarning):
    """:meth:`bp4.Network.sgd` sees a cost that stopped moving at chance accuracy."""


class InputScaleWarning(UserWarning):
    """:meth:`bp4.Network.sgd` was given inputs far from the scale the initial weights assume.

    The weights start at N(0, 1) or N(0, 1/n_in), which suits inputs of about
    unit size centred near 0; features of size 1,000 saturate every sigmoid
    hidden neuron from the first step. Standardise each feature with the
    training set's mean and standard deviation.
    """


class NaNOutputWarning(RuntimeWarning):
    """Some outputs a^L were NaN: those samples were counted as wrong."""


def predicted_classes(a: Array, midpoint: float) -> Array:
    """The class of each column of a^L: the largest output's index, shape (m,).

    With one output neuron there are two classes: 1 where a ≥ ``midpoint``,
    else 0. A column holding NaN has no class: −1.
    """
    if a.shape[0] == 1:
        classes = (a[0] >= midpoint).astype(np.int64)
    else:
        classes = np.argmax(a, axis=0)
    nan = np.isnan(a).any(axis=0)
    if nan.any():
        classes[nan] = -1
    return classes


def count_correct(a: Array, labels: Array, midpoint: float) -> tuple[int, int]:
    """How many columns of a^L have the class ``labels`` says, and how many are NaN.

    A NaN column has no class (:func:`predicted_classes` gives −1), so it is
    counted as wrong, never as class 0.
    """
    classes = predicted_classes(a, midpoint)
    return int(np.sum(classes == labels)), int(np.sum(classes < 0))


def nan_message(n_nan: int, m: int, what: str) -> str:
    """The warning for NaN outputs, counted as wrong."""
    return (
        f"{n_nan} of the {m} {what} have a NaN output a^L (the weights or z^l "
        f"overflowed); they are counted as wrong"
    )
