"""The Network: per-layer weights w^l and biases b^l, trained by mini-batch SGD.

It holds the parameters and delegates the mathematics: :mod:`bp4.forward` for
z^l and a^l, :mod:`bp4.cost` for C and ∇_a C, :mod:`bp4.backprop` for BP1–BP4.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import backprop as bp
from .activations import ACTIVATIONS, Activation, get_activation
from .cost import COSTS, Cost, get_cost
from .fast import BatchStep, feedforward_in_blocks
from .forward import forward
from .saving import NetworkState, generator_from_state, load_state, save_state
from .validation import (
    check_float_dtype,
    check_inputs,
    check_target_range,
    check_targets,
    class_labels,
)

Array = np.ndarray

INITS = ("standard", "scaled")


class TrainingDivergedError(FloatingPointError):
    """:meth:`Network.sgd` stopped because the training cost became NaN or infinite.

    ``record`` is the epoch that diverged; ``history`` the records of the
    epochs before it, which were fine.
    """

    def __init__(self, record: EpochRecord, eta: float, history: list[EpochRecord]):
        self.record = record
        self.history = history
        super().__init__(
            f"training diverged at epoch {record.epoch}: the cost C became "
            f"{record.cost} with eta = {eta:g}; try a smaller learning rate, "
            f"such as eta = {eta / 10:g}"
        )


@dataclass(frozen=True)
class EpochRecord:
    """What one epoch of :meth:`Network.sgd` measured."""

    epoch: int
    cost: float  # training cost C after the epoch
    seconds: float  # time spent on the epoch's updates
    correct: int | None = None  # test samples classified correctly, if test data
    total: int | None = None  # test samples, if test data

    @property
    def accuracy(self) -> float | None:
        """Fraction of test samples classified correctly, if test data was given."""
        if self.correct is None or not self.total:
            return None
        return self.correct / self.total


class Network:
    """A fully connected feedforward network with ``sizes = [n_1, …, n_L]``.

    ``weights[i]`` is w^{i+2} with shape (n_{i+2}, n_{i+1}) and ``biases[i]`` is
    b^{i+2} with shape (n_{i+2}, 1): Python counts from 0 and the input layer
    has no weights, so ``weights[0]`` is the text's w^2.

    ``init="standard"`` draws every weight and bias from N(0, 1);
    ``init="scaled"`` draws weights from N(0, 1/n_in) instead, n_in the
    number of inputs to the neuron. ``activation`` and ``cost`` take a name or
    an object (:class:`bp4.activations.Activation`, a cost with ``fn`` and
    ``nabla_a``). ``seed`` fixes the initial parameters and the SGD shuffling.
    """

    def __init__(
        self,
        sizes: Sequence[int],
        activation: str | Activation = "sigmoid",
        cost: str | Cost = "quadratic",
        init: str = "standard",
        seed: int | None = None,
        dtype: np.dtype | type = np.float64,
    ) -> None:
        self.sizes = _check_sizes(sizes)
        self.activation = get_activation(activation)
        self.cost_function = get_cost(cost)
        self.dtype = check_float_dtype(dtype)
        if not isinstance(init, str) or init not in INITS:
            raise ValueError(f"init must be one of {list(INITS)}, got {init!r}")
        self.init = init
        self.rng = _check_seed(seed)
        self.weights: list[Array] = []
        self.biases: list[Array] = []
        for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:]):
            scale = 1.0 if init == "standard" else 1.0 / np.sqrt(n_in)
            w = self.rng.standard_normal((n_out, n_in)) * scale
            b = self.rng.standard_normal((n_out, 1))
            self.weights.append(w.astype(self.dtype))
            self.biases.append(b.astype(self.dtype))

    def __repr__(self) -> str:
        return (
            f"Network({self.sizes}, activation={self.activation.name!r}, "
            f"cost={getattr(self.cost_function, 'name', self.cost_function)!r}, "
            f"dtype={self.dtype.name})"
        )

    @property
    def num_layers(self) -> int:
        """L, the number of layers, input layer counted."""
        return len(self.sizes)

    # -- saving -----------------------------------------------------------------

    def save(self, path: str | os.PathLike) -> None:
        """Write the network to a ``.npz`` file: see :mod:`bp4.saving`."""
        activation = self.activation
        if ACTIVATIONS.get(activation.name) != activation:
            raise ValueError(
                f"cannot save a network with the custom activation {activation!r}: "
                f"only the built-in activations {sorted(ACTIVATIONS)} can be saved "
                f"(a saved network is data, never code)"
            )
        cost = self.cost_function
        name = getattr(cost, "name", None)
        if not (isinstance(name, str) and type(COSTS.get(name)) is type(cost)):
            raise ValueError(
                f"cannot save a network with the custom cost {cost!r}: only the "
                f"built-in costs {sorted(COSTS)} can be saved (a saved network is "
                f"data, never code)"
            )
        state = NetworkState(
            sizes=list(self.sizes),
            activation=activation.name,
            output_activation=activation.name,
            cost=name,
            init=self.init,
            dtype=self.dtype,
            weights=list(self.weights),
            biases=list(self.biases),
            rng_state=dict(self.rng.bit_generator.state),
        )
        save_state(state, path)

    @classmethod
    def load(cls, path: str | os.PathLike) -> Network:
        """Read a network written by :meth:`save`, checking every shape."""
        state = load_state(path)
        try:
            net = cls(
                state.sizes,
                activation=state.activation,
                cost=state.cost,
                init=state.init,
                dtype=state.dtype,
            )
            if state.output_activation != state.activation:
                raise ValueError(
                    f"output_activation {state.output_activation!r} differs from "
                    f"activation {state.activation!r}; this Network uses one σ for "
                    f"every layer"
                )
        except (ValueError, TypeError) as error:
            raise ValueError(f"{os.fspath(path)}: {error}") from None
        net.weights, net.biases = state.weights, state.biases
        net.rng = generator_from_state(state.rng_state)
        return net

    # -- the mathematics, delegated -------------------------------------------

    def feedforward(self, X: Any) -> Array:
        """The output a^L for inputs X of shape (n_1, m): shape (n_L, m)."""
        return self._output(check_inputs(X, self.sizes[0], self.dtype))

    def forward(self, X: Any) -> tuple[list[Array], list[Array]]:
        """Every z^l and a^l for inputs X: see :func:`bp4.forward.forward`."""
        X = check_inputs(X, self.sizes[0], self.dtype)
        return forward(self.weights, self.biases, X, self.activation)

    def backprop(self, X: Any, Y: Any) -> tuple[list[Array], list[Array]]:
        """``(nabla_w, nabla_b)``: ∂C/∂w^l and ∂C/∂b^l averaged over the columns of X.

        Y is one target column per sample, shape (n_L, m), or integer labels (m,).
        """
        X, Y = self._check_batch(X, Y)
        zs, activations = forward(self.weights, self.biases, X, self.activation)
        return bp.backward(
            self.weights, zs, activations, Y, self.activation, self.cost_function
        )

    def cost(self, X: Any, Y: Any) -> float:
        """The cost C over the samples (columns) of X with targets Y."""
        X, Y = self._check_batch(X, Y)
        return self.cost_function.fn(self._output(X), Y)

    def predict(self, X: Any) -> Array:
        """The class of each column of X: the index of its largest output, shape (m,)."""
        return np.argmax(self.feedforward(X), axis=0)

    def evaluate(self, X: Any, y: Any) -> int:
        """How many columns of X the network classifies as y says (labels or one-hot)."""
        X = check_inputs(X, self.sizes[0], self.dtype)
        return self._count_correct(X, class_labels(y, self.sizes[-1], X.shape[1]))

    # -- learning ---------------------------------------------------------------

    def update(self, X: Any, Y: Any, eta: float) -> None:
        """One gradient-descent step on the batch: w → w − η ∂C/∂w, b → b − η ∂C/∂b."""
        X, Y = self._check_batch(X, Y)
        self._step(X, Y, _check_eta(eta))

    # A diverging run overflows long before its cost is NaN; the check after
    # each epoch reports it once, as TrainingDivergedError, rather than NumPy
    # warning on every batch.
    @np.errstate(over="ignore", invalid="ignore", divide="ignore")
    def sgd(
        self,
        X: Any,
        Y: Any,
        epochs: int,
        batch_size: int,
        eta: float,
        test: tuple[Any, Any] | None = None,
        callback: Callable[[EpochRecord], None] | None = None,
    ) -> list[EpochRecord]:
        """Mini-batch stochastic gradient descent.

        Each epoch shuffles the samples (with the network's seeded generator),
        cuts them into batches of ``batch_size`` columns (the last may be
        smaller) and applies :meth:`update` with learning rate ``eta`` to each.
        After every epoch it records the training cost and, if ``test`` is an
        ``(X_test, y_test)`` pair, how many test samples are classified
        correctly; ``callback`` receives each record as it is made.
        Returns the records, one per epoch. If the cost becomes NaN or
        infinite, raises :class:`TrainingDivergedError` naming the epoch.

        The updates run on :class:`bp4.fast.BatchStep`. X is used in place
        when it has the network's dtype and is Fortran-ordered (one sample
        contiguous, as :func:`bp4.load_digits` returns it); otherwise one copy
        of it is made per call, so convert large data once beforehand with
        ``np.asfortranarray(X, dtype=net.dtype)``.
        """
        X, Y = self._check_batch(X, Y)
        epochs = _check_count(epochs, "epochs", minimum=0)
        batch_size = _check_count(batch_size, "batch_size", minimum=1)
        eta = _check_eta(eta)
        if test is not None:
            X_test = check_inputs(test[0], self.sizes[0], self.dtype, name="test[0]")
            y_test = class_labels(
                test[1], self.sizes[-1], X_test.shape[1], name="test[1]"
            )
        n = X.shape[1]
        # The inner loop's update, on buffers reused from batch to batch.
        step = BatchStep(
            self.weights, self.biases, X, Y, batch_size, self.activation,
            self.cost_function,
        )  # fmt: skip
        history: list[EpochRecord] = []
        for epoch in range(1, epochs + 1):
            start = time.perf_counter()
            order = self.rng.permutation(n)
            for k in range(0, n, batch_size):
                batch = order[k : k + batch_size]
                step(batch, eta)  # as self._step(X[:, batch], Y[:, batch], eta)
            seconds = time.perf_counter() - start
            correct = total = None
            if test is not None:
                correct, total = self._count_correct(X_test, y_test), len(y_test)
            record = EpochRecord(
                epoch,
                self.cost_function.fn(self._output(X), Y),
                seconds,
                correct,
                total,
            )
            if not np.isfinite(record.cost):
                raise TrainingDivergedError(record, eta, history)
            history.append(record)
            if callback is not None:
                callback(record)
        return history

    def _step(self, X: Array, Y: Array, eta: float) -> None:
        """:meth:`update` on a batch already checked."""
        zs, activations = forward(self.weights, self.biases, X, self.activation)
        nabla_w, nabla_b = bp.backward(
            self.weights, zs, activations, Y, self.activation, self.cost_function
        )
        for w, b, nw, nb in zip(self.weights, self.biases, nabla_w, nabla_b):
            w -= eta * nw
            b -= eta * nb

    def _output(self, X: Array) -> Array:
        return feedforward_in_blocks(self.weights, self.biases, X, self.activation)

    def _count_correct(self, X: Array, labels: Array) -> int:
        return int(np.sum(np.argmax(self._output(X), axis=0) == labels))

    def _check_batch(self, X: Any, Y: Any) -> tuple[Array, Array]:
        X = check_inputs(X, self.sizes[0], self.dtype)
        Y = check_targets(Y, self.sizes[-1], X.shape[1], self.dtype)
        check_target_range(Y, self.cost_function)
        return X, Y


def _check_sizes(sizes: Sequence[int]) -> list[int]:
    try:
        if isinstance(sizes, (str, bytes)):
            raise TypeError
        out = [int(n) for n in sizes]
    except (TypeError, ValueError):
        raise TypeError(
            f"sizes must be a list of layer widths, such as [64, 30, 10]; got {sizes!r}"
        ) from None
    if len(out) < 2 or any(n < 1 or n != s for n, s in zip(out, sizes)):
        raise ValueError(
            f"sizes must list at least two layers of positive integer widths, "
            f"such as [64, 30, 10]; got {list(sizes)!r}"
        )
    return out


def _check_count(value: Any, name: str, minimum: int) -> int:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, np.integer))
        or value < minimum
    ):
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _check_seed(seed: Any) -> np.random.Generator:
    try:
        return np.random.default_rng(seed)
    except (TypeError, ValueError):
        raise ValueError(
            f"seed must be None or a non-negative integer, got {seed!r}"
        ) from None


def _check_eta(eta: Any) -> float:
    if isinstance(eta, bool) or not isinstance(
        eta, (int, float, np.integer, np.floating)
    ):
        raise TypeError(f"eta must be a positive finite number, got {eta!r}")
    if not np.isfinite(eta) or eta <= 0:
        raise ValueError(f"eta must be a positive finite number, got {eta!r}")
    return float(eta)
