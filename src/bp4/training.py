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
    ``correct`` and ``total`` count the test samples (``test=``);
    ``validation_*`` and ``training_*`` likewise for the validation data and,
    when asked, the training data. ``learning_speeds`` holds ‖∂C/∂b^l‖ for
    l = 2 … L when asked.
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


class History(list):
    """The records of :meth:`bp4.Network.sgd`, one :class:`EpochRecord` per epoch.

    A list, so ``history[-1].accuracy`` and ``len(history)`` work as they
    read. ``best_epoch`` is the epoch with the best validation accuracy (the
    parameters ``patience`` restores), ``stopped_early`` whether ``patience``
    ended training before the last epoch.
    """

    stopped_early: bool = False

    @property
    def best_epoch(self) -> int | None:
        """The first epoch with the most validation samples right, if validated."""
        scored = [r for r in self if r.validation_correct is not None]
        if not scored:
            return None
        return max(scored, key=lambda r: r.validation_correct or 0).epoch

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
            notes.append(f"best validation accuracy at epoch {self.best_epoch}")
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

        The left axes show the training cost (and the validation cost, if
        measured), the right axes every accuracy measured, in percent; with no
        accuracy there is only the left. Needs matplotlib
        (``pip install "bp4[plot]"``).
        """
        from .history_display import plot_history

        return plot_history(self)


class Checkpoint:
    """A copy of the parameters at the end of one epoch, to go back to.

    :meth:`bp4.Network.sgd` keeps one so that whatever ends training (a
    divergence, Ctrl-C, an error in a callback) leaves the network in a
    stated state: ``epoch`` is the epoch whose parameters it holds (0: those
    before training) and ``what`` says why that one. :meth:`keep` copies into
    the same arrays each time: no allocation after the first.
    """

    def __init__(self, weights: Sequence[Array], biases: Sequence[Array]) -> None:
        self.weights = [w.copy() for w in weights]
        self.biases = [b.copy() for b in biases]
        self.epoch = 0
        self.what = "the parameters it had before training"

    def keep(
        self, weights: Sequence[Array], biases: Sequence[Array], epoch: int, why: str
    ) -> None:
        """Copy the parameters of ``epoch`` (``why``: the reason it is the one kept)."""
        for kept, now in zip([*self.weights, *self.biases], [*weights, *biases]):
            np.copyto(kept, now)
        self.epoch = epoch
        self.what = f"the parameters of epoch {epoch}, {why}"

    def restore(self, weights: Sequence[Array], biases: Sequence[Array]) -> None:
        """Put the kept parameters back, in place."""
        for now, kept in zip([*weights, *biases], [*self.weights, *self.biases]):
            np.copyto(now, kept)


class TrainingDivergedError(FloatingPointError):
    """:meth:`bp4.Network.sgd` stopped because the training cost became NaN or infinite.

    ``record`` is the epoch that diverged; ``history`` the records of the
    epochs before it, which were fine. ``restored_epoch`` is the epoch whose
    parameters the network was given back (0: those before training), as the
    message says: the best validation epoch when validation data was given,
    else the last epoch before the divergence.
    """

    def __init__(
        self,
        record: EpochRecord,
        eta: float,
        history: list[EpochRecord],
        advice: str | None = None,
        restored_epoch: int | None = None,
        restored: str | None = None,
    ):
        self.record = record
        self.history = history
        self.restored_epoch = restored_epoch
        advice = advice or f"try a smaller learning rate, such as eta = {eta / 10:g}"
        # What went wrong and what to change, without what the network holds.
        self.cause = (
            f"training diverged at epoch {record.epoch}: the cost C became "
            f"{record.cost} with eta = {eta:g}; {advice}"
        )
        kept = f". The network now holds {restored}" if restored else ""
        super().__init__(self.cause + kept)


class TrainingStalledWarning(UserWarning):
    """:meth:`bp4.Network.sgd` sees a cost that stopped moving at chance accuracy."""
