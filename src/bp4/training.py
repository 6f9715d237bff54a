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
    *,
    l1_decay: float = 0.0,
) -> None:
    """The update rule :math:`w^l → w^l − η ∂C/∂w^l`, :math:`b^l → b^l − η ∂C/∂b^l`, in place.

    With L2 regularisation ``weight_decay`` is :math:`1 − ηλ/n`, and the rule
    is the text's :math:`w^l → (1 − ηλ/n) w^l − η ∂C_0/∂w^l` (biases are not
    decayed). With L1 regularisation, :math:`C = C_0 + (λ_1/n) Σ_w |w|`,
    ``l1_decay`` is :math:`ηλ_1/n` and the rule gains
    :math:`−(ηλ_1/n) sgn(w)`, with sgn(0) = 0 (NumPy's ``sign``):
    a weight at 0 stays there. The two combine, every term taken at the old w.
    ``step_w`` and ``step_b``, if given, are scratch arrays the shapes of the
    parameters for η ∂C/∂w and η ∂C/∂b, so that ``nabla_w`` and ``nabla_b``
    keep holding the gradients.
    """
    step_w = step_w or [None] * len(weights)  # type: ignore[list-item]
    step_b = step_b or [None] * len(biases)  # type: ignore[list-item]
    for w, b, nw, nb, sw, sb in zip(weights, biases, nabla_w, nabla_b, step_w, step_b):
        if l1_decay:
            sgn_w = np.sign(w)  # before the decay: the old w's sign
        if weight_decay != 1.0:
            w *= weight_decay
        if l1_decay:
            w -= np.multiply(l1_decay, sgn_w, out=sgn_w)
        w -= np.multiply(eta, nw, out=sw)
        b -= np.multiply(eta, nb, out=sb)


def momentum_update(
    weights: Sequence[Array],
    biases: Sequence[Array],
    nabla_w: Sequence[Array],
    nabla_b: Sequence[Array],
    eta: float,
    momentum: float,
    velocity_w: Sequence[Array],
    velocity_b: Sequence[Array],
    weight_decay: float = 1.0,
    l1_decay: float = 0.0,
) -> None:
    """Momentum-based gradient descent: :math:`v → v' = μv − η∇C`, :math:`w → w' = w + v'`, in place.

    One velocity per parameter (``velocity_w[i]`` the shape of ``weights[i]``),
    zero at the start of training. ∇C is the regularised gradient, so with L2
    and L1 :math:`η∇C = η ∂C_0/∂w + (ηλ/n) w + (ηλ_1/n) sgn(w)`,
    where ``weight_decay`` is :math:`1 − ηλ/n` and ``l1_decay``
    :math:`ηλ_1/n`, as in :func:`update_parameters`; biases are not
    regularised. With μ = 0 this is :func:`update_parameters`' step.
    """
    for w, b, nw, nb, vw, vb in zip(
        weights, biases, nabla_w, nabla_b, velocity_w, velocity_b
    ):
        eta_nabla_w = eta * nw  # η ∇C for w^l
        if weight_decay != 1.0:
            eta_nabla_w += (1.0 - weight_decay) * w
        if l1_decay:
            eta_nabla_w += l1_decay * np.sign(w)
        vw *= momentum
        vw -= eta_nabla_w
        w += vw
        vb *= momentum
        vb -= eta * nb
        b += vb


def dropout_masks(
    sizes: Sequence[int], p: float, rng: np.random.Generator, dtype: np.dtype
) -> list[Array]:
    """One dropout mask per hidden layer: a column (n_l, 1) of 0 and 1/(1 − p).

    Each hidden neuron is dropped (0) with probability p, for the whole
    mini-batch, as in the text; the kept ones are scaled by 1/(1 − p) so that
    the expected input to the next layer is unchanged and the network needs
    no change at test time ("inverted" dropout).
    """
    return [
        (rng.random((n, 1)) >= p).astype(dtype) / dtype.type(1.0 - p)
        for n in sizes[1:-1]
    ]


@dataclass
class Step:
    """The update rule of one epoch: η and what regularisation and momentum add.

    ``weight_decay`` is L2's :math:`1 − ηλ/n`, ``l1_decay`` L1's
    :math:`ηλ_1/n`; with ``velocities`` (one list for the weights, one for the
    biases) the step is :func:`momentum_update`'s, else
    :func:`update_parameters`'. :meth:`bp4.Network.update` and every batch of
    :meth:`bp4.Network.sgd` take their step through :meth:`apply`.
    """

    eta: float
    weight_decay: float = 1.0
    l1_decay: float = 0.0
    momentum: float = 0.0
    velocities: tuple[list[Array], list[Array]] | None = None

    @classmethod
    def of(
        cls,
        eta: float,
        n: int,
        lmbda: float = 0.0,
        l1: float = 0.0,
        momentum: float = 0.0,
        velocities: tuple[list[Array], list[Array]] | None = None,
    ) -> Step:
        """The step for η, the training set's size n, L2's λ, L1's λ₁ and μ."""
        return cls(eta, 1.0 - eta * lmbda / n, eta * l1 / n, momentum, velocities)

    def apply(
        self,
        weights: Sequence[Array],
        biases: Sequence[Array],
        nabla_w: Sequence[Array],
        nabla_b: Sequence[Array],
        step_w: Sequence[Array] | None = None,
        step_b: Sequence[Array] | None = None,
    ) -> None:
        """Change ``weights`` and ``biases`` in place by one step down the gradient."""
        if self.velocities is None:
            update_parameters(
                weights, biases, nabla_w, nabla_b, self.eta, self.weight_decay,
                step_w, step_b, l1_decay=self.l1_decay,
            )  # fmt: skip
        else:
            momentum_update(
                weights, biases, nabla_w, nabla_b, self.eta, self.momentum,
                *self.velocities, self.weight_decay, self.l1_decay,
            )  # fmt: skip


class EtaSchedule:
    """The text's variable learning rate: halve η when validation stops improving.

    Each time the validation score has not improved for ``epochs`` epochs
    (counted from the best epoch or the last halving, whichever is later),
    η is halved; training stops once η has fallen to 1/128 of its first
    value (seven halvings). ``eta`` is the η of the next epoch.
    """

    STOP_FRACTION = 1 / 128

    def __init__(self, eta: float, epochs: int) -> None:
        self.first = self.eta = eta
        self.epochs = epochs
        self.waited = 0  # epochs without improvement since the best or the halving

    def after_epoch(self, improved: bool) -> bool:
        """Take the epoch's verdict (a new best or not); True when training should stop."""
        self.waited = 0 if improved else self.waited + 1
        if self.waited >= self.epochs:
            self.eta /= 2
            self.waited = 0
        return self.eta <= self.first * self.STOP_FRACTION


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
    asked. ``eta`` is the learning rate the epoch trained with (it changes
    only under ``sgd(..., halve_eta=N)``).
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
    eta: float | None = None

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
    measured, else the cost. ``stopped_early`` says whether ``patience`` or
    the learning-rate schedule ended training before the last epoch, and
    ``stop_reason`` which of them. ``etas`` lists each epoch's η.
    """

    stopped_early: bool = False
    stop_reason: str | None = None
    monitor: str | None = None

    @property
    def etas(self) -> list[float | None]:
        """The learning rate η of each epoch, in order."""
        return [r.eta for r in self]

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
        halved = [
            later.epoch
            for earlier, later in zip(self[:-1], self[1:])
            if earlier.eta is not None and later.eta != earlier.eta
        ]
        if halved:
            notes.append(
                f"eta halved before epoch{'s' * (len(halved) > 1)} "
                f"{', '.join(map(str, halved))}, to {self[-1].eta:g}"
            )
        if self.stopped_early:
            notes.append(f"stopped early ({self.stop_reason or 'patience'})")
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
