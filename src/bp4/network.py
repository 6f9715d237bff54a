"""The Network: per-layer weights w^l and biases b^l, trained by mini-batch SGD.

It holds the parameters and delegates the mathematics: :mod:`bp4.forward` for
z^l and a^l, :mod:`bp4.cost` for C and ∇_a C, :mod:`bp4.backprop` for BP1–BP4,
:mod:`bp4.training` for the update rule and the records. Every method that
computes a gradient (``backprop``, ``update``, ``sgd``) runs the same forward
and backward pass.

A Network is not thread-safe: ``sgd`` and ``update`` change ``weights`` and
``biases`` in place and draw from the network's one generator, so two threads
training one network at once give results that depend on timing. Give each
thread its own network.
"""

from __future__ import annotations

import dataclasses
import os
import time
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from . import backprop as bp
from .activations import (
    ACTIVATIONS,
    OUTPUT_ACTIVATIONS,
    Activation,
    get_activation,
    get_output_activation,
)
from .array import Array
from .cost import COSTS, Cost, get_cost
from .diagnosis import (
    divergence_advice,
    is_stalled,
    largest_magnitude,
    stall_message,
)
from .files.saving import NetworkState, generator_from_state, load_state, save_state
from .forward import feedforward, forward
from .training import (
    Checkpoint,
    EpochRecord,
    EtaSchedule,
    History,
    Step,
    TrainingDivergedError,
    TrainingStalledWarning,
    dropout_masks,
)
from .validation import (
    check_batch,
    check_callback,
    check_count,
    check_dropout,
    check_float_dtype,
    check_inputs,
    check_momentum,
    check_non_negative,
    check_output_and_cost,
    check_pair,
    check_parameters,
    check_positive,
    check_seed,
    check_sizes,
    check_targets,
    check_training_set_size,
    class_labels,
)
from .workspace import Workspace

INITS = ("standard", "scaled")

# How many training samples ``monitor_learning_speeds`` measures ‖∂C/∂b^l‖ on.
LEARNING_SPEED_SAMPLES = 1000


class Network:
    """A fully connected feedforward network with ``sizes = [n_1, …, n_L]``.

    ``weights[i]`` is :math:`w^{i+2}` with shape :math:`(n_{i+2}, n_{i+1})` and
    ``biases[i]`` is :math:`b^{i+2}` with shape :math:`(n_{i+2}, 1)`: Python
    counts from 0 and the input layer has no weights, so ``weights[0]`` is the
    text's :math:`w^2`.

    A relu output layer suits regression with targets ≥ 0, not classes: the
    many 0 targets of one-hot columns push its neurons to z ≤ 0, where
    σ'(z) = 0 in BP1 and they stop learning. For classes use sigmoid or
    softmax.

    ``init="standard"`` draws every weight and bias from :math:`N(0, 1)`;
    ``init="scaled"`` draws weights from :math:`N(0, 1/n_{in})` instead,
    :math:`n_{in}` the number of inputs to the neuron. ``activation`` is the hidden layers' σ and
    ``output_activation`` the output layer's; both, and ``cost``, take a name
    or an object (:class:`bp4.activations.Activation`, a cost with ``fn`` and
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
        output_activation: str | Activation = "sigmoid",
    ) -> None:
        self.sizes = check_sizes(sizes)
        self.activation = get_activation(activation)
        self.output_activation = get_output_activation(output_activation)
        self.cost_function = get_cost(cost)
        check_output_and_cost(self.output_activation, self.cost_function)
        self.dtype = check_float_dtype(dtype)
        if not isinstance(init, str) or init not in INITS:
            raise ValueError(f"init must be one of {list(INITS)}, got {init!r}")
        self.init = init
        self.rng = check_seed(seed)
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
            f"output_activation={self.output_activation.name!r}, "
            f"cost={getattr(self.cost_function, 'name', self.cost_function)!r}, "
            f"dtype={self.dtype.name})"
        )

    @property
    def num_layers(self) -> int:
        """L, the number of layers, input layer counted."""
        return len(self.sizes)

    # -- saving -----------------------------------------------------------------

    def save(self, path: str | os.PathLike) -> None:
        """Write the network to a ``.npz`` file: see :mod:`bp4.files.saving`.

        Only the built-in activations and costs can be saved, by name: a
        saved network is data, never code.
        """
        self._check_parameters()
        for what, sigma, known in (
            ("activation", self.activation, ACTIVATIONS),
            ("output activation", self.output_activation, OUTPUT_ACTIVATIONS),
        ):
            if known.get(sigma.name) != sigma:
                raise ValueError(
                    f"cannot save a network with the custom {what} {sigma!r}: only "
                    f"the built-in {what}s {sorted(known)} can be saved (a saved "
                    f"network is data, never code)"
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
            activation=self.activation.name,
            output_activation=self.output_activation.name,
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
                output_activation=state.output_activation,
                cost=state.cost,
                init=state.init,
                dtype=state.dtype,
            )
        except (ValueError, TypeError) as error:
            raise ValueError(f"{os.fspath(path)}: {error}") from None
        net.weights, net.biases = state.weights, state.biases
        net.rng = generator_from_state(state.rng_state)
        return net

    # -- the mathematics, delegated -------------------------------------------

    def feedforward(self, X: Any) -> Array:
        """The output a^L for inputs X of shape (n_1, m): shape (n_L, m)."""
        self._check_parameters()
        return self._output(check_inputs(X, self.sizes[0], self.dtype))

    def forward(self, X: Any) -> tuple[list[Array], list[Array]]:
        """Every z^l and a^l for inputs X: see :func:`bp4.forward.forward`."""
        self._check_parameters()
        X = check_inputs(X, self.sizes[0], self.dtype)
        p = forward(
            self.weights, self.biases, X, self.activation, self.output_activation
        )
        return p.zs, p.activations

    def backprop(self, X: Any, Y: Any) -> tuple[list[Array], list[Array]]:
        """``(nabla_w, nabla_b)``: :math:`∂C/∂w^l`, :math:`∂C/∂b^l` averaged over X's columns.

        Y is one target column per sample, shape (n_L, m), or integer labels (m,).
        """
        self._check_parameters()
        return self._backprop(*self._check_batch(X, Y))

    def learning_speeds(self, X: Any, Y: Any) -> list[float]:
        """:math:`‖∂C/∂b^l‖` for l = 2 … L on the batch (X, Y): how fast each layer learns.

        The text's measure of a layer's "speed of learning" (chapter 5): by
        BP3 it is the size of δ^l averaged over the batch. Returned in the
        order of ``biases``.
        """
        # A network whose gradients explode gives inf here, which says so;
        # NumPy's overflow warning on top of it would only repeat it.
        with np.errstate(over="ignore", invalid="ignore"):
            _, nabla_b = self.backprop(X, Y)
            return [float(np.linalg.norm(nb)) for nb in nabla_b]

    def cost(self, X: Any, Y: Any) -> float:
        """The cost C over the samples (columns) of X with targets Y."""
        self._check_parameters()
        return self._cost(*self._check_batch(X, Y))

    def predict(self, X: Any) -> Array:
        """The class of each column of X: the index of its largest output, shape (m,)."""
        return np.argmax(self.feedforward(X), axis=0)

    def evaluate(self, X: Any, y: Any) -> int:
        """How many columns of X the network classifies as y says (labels or one-hot)."""
        self._check_parameters()
        X = check_inputs(X, self.sizes[0], self.dtype)
        return self._count_correct(X, class_labels(y, self.sizes[-1], X.shape[1]))

    # -- learning ---------------------------------------------------------------

    def update(
        self,
        X: Any,
        Y: Any,
        eta: float,
        *,
        lmbda: float = 0.0,
        n: int | None = None,
    ) -> None:
        """One gradient-descent step on the batch (X, Y): network2's ``update_mini_batch``.

        :math:`w → (1 − ηλ/n) w − η ∂C_0/∂w` and :math:`b → b − η ∂C_0/∂b`,
        with ∂C₀/∂w, ∂C₀/∂b averaged over the batch's m columns and n the
        size of the training set the batch comes from (default: m). With
        ``lmbda = 0`` it is the plain :math:`w → w − η ∂C/∂w`. It is the step
        every batch of :meth:`sgd` takes (the same :class:`~bp4.training.Step`),
        so a run of network2 can be replayed batch by batch.
        """
        X, Y = self._check_batch(X, Y)
        eta = check_positive(eta, "eta")
        lmbda = check_non_negative(lmbda, "lmbda")
        m = X.shape[1]
        n = m if n is None else check_training_set_size(n, m)
        self._check_parameters(writeable=True)  # all layers updated, or none
        nabla_w, nabla_b = self._backprop(X, Y)
        Step.of(eta, n, lmbda).apply(self.weights, self.biases, nabla_w, nabla_b)

    def sgd(
        self,
        X: Any,
        Y: Any,
        epochs: int,
        batch_size: int,
        eta: float,
        *,
        lmbda: float = 0.0,
        l1: float = 0.0,
        momentum: float = 0.0,
        dropout: float = 0.0,
        validation: tuple[Any, Any] | None = None,
        test: tuple[Any, Any] | None = None,
        patience: int | None = None,
        halve_eta: int | None = None,
        monitor_training_cost: bool = False,
        monitor_training_accuracy: bool = False,
        monitor_learning_speeds: bool = False,
        verbose: bool = False,
        callback: Callable[[EpochRecord], None] | None = None,
    ) -> History:
        """Mini-batch stochastic gradient descent.

        Each epoch shuffles the samples (with the network's seeded generator),
        cuts them into batches of ``batch_size`` columns (the last may be
        smaller) and, for each, runs the forward pass, the backward pass
        (BP1–BP4) and the update rule :math:`w → w − η ∂C/∂w`,
        :math:`b → b − η ∂C/∂b`, as :meth:`update` does. With ``lmbda`` = λ > 0
        the cost is L2-regularised, :math:`C = C_0 + (λ/2n) Σ_w w^2` with n the
        number of training samples, and the update is
        :math:`w → (1 − ηλ/n) w − η ∂C_0/∂w`.

        After every epoch it makes an :class:`~bp4.training.EpochRecord`: the
        training cost, and for ``validation=(X_val, y_val)`` and
        ``test=(X_test, y_test)`` how many samples are classified correctly
        (and the validation cost). ``monitor_training_cost`` evaluates the cost
        on the whole training set instead of averaging the batch costs;
        ``monitor_training_accuracy`` counts the training samples classified
        correctly; ``monitor_learning_speeds`` records ‖∂C/∂b^l‖ per layer on
        the first 1000 training samples. ``verbose`` prints each record's
        line; ``callback`` receives each record as it is made.

        ``patience=N`` (needs ``validation``) stops after N epochs without a
        better validation accuracy and restores the parameters of the best
        epoch. Model selection uses the validation data only: test data is
        reported, never used to choose.

        Chapter 3's other techniques (see the docs' chapter-3 page):

        - ``l1`` = λ₁ > 0 adds L1 regularisation,
          :math:`C = C_0 + (λ_1/n) Σ_w |w|`, so the step gains
          :math:`−(ηλ_1/n) sgn(w)` (sgn(0) = 0); it combines with ``lmbda``.
        - ``momentum`` = μ in [0, 1) gives each parameter a velocity, zero at
          the start of the call: :math:`v → μv − η∇C`, :math:`w → w + v`.
        - ``dropout`` = p in [0, 1) drops each hidden neuron with probability
          p, a new choice each mini-batch, and scales the kept ones by
          1/(1 − p), so the trained network is used unchanged: the forward
          pass multiplies a^l by the mask, BP2 multiplies δ^l by it. The
          records (costs, accuracies) are of the whole network.
        - ``halve_eta=N`` (needs ``validation``) halves η each time the
          validation accuracy has not improved for N epochs, and stops when η
          has fallen to 1/128 of ``eta``; each record's ``eta`` is the η it
          trained with. The network keeps its last epoch's parameters, as in
          the text (add ``patience`` to restore the best epoch).

        Returns a :class:`~bp4.training.History` (a list of the records). If
        the cost becomes NaN or infinite, raises
        :class:`~bp4.training.TrainingDivergedError` naming the epoch.

        Whatever ends training with an exception (a divergence, Ctrl-C, an
        error in ``callback``), the network is first given back the
        parameters of a finished epoch: with ``validation``, the best epoch so
        far; without, the last epoch that finished; before the first, the
        parameters it started with. The exception says which, in its message
        (TrainingDivergedError, with ``restored_epoch``) or in a note
        (``add_note``, shown under the traceback) and an attribute
        ``restored_epoch`` (any other). A copy of the parameters is made per
        epoch without validation, per better epoch with it: never per batch.
        ``callback`` runs under the caller's NumPy error settings (training
        itself silences overflow warnings: the check after each epoch reports
        a divergence once).

        X is used in place when it has the network's dtype and is
        Fortran-ordered (one sample contiguous, as :func:`bp4.load_digits`
        returns it); otherwise one copy of it is made per call, so convert
        large data once beforehand with ``np.asfortranarray(X, dtype=net.dtype)``.
        """
        X, Y = self._check_batch(X, Y)
        epochs = check_count(epochs, "epochs", minimum=0)
        batch_size = check_count(batch_size, "batch_size", minimum=1)
        eta = check_positive(eta, "eta")
        lmbda = check_non_negative(lmbda, "lmbda")
        l1 = check_non_negative(l1, "l1")
        momentum = check_momentum(momentum)
        dropout = check_dropout(dropout, self.sizes)
        check_callback(callback)
        for name, value in (("patience", patience), ("halve_eta", halve_eta)):
            if value is None:
                continue
            check_count(value, name, minimum=1)
            if validation is None:
                raise ValueError(
                    f"{name} needs validation data: pass validation=(X_val, y_val)"
                )
        schedule = None if halve_eta is None else EtaSchedule(eta, halve_eta)
        held_out = {
            name: self._check_held_out(pair, name)
            for name, pair in (("validation", validation), ("test", test))
            if pair is not None
        }
        self._check_parameters(writeable=True)  # before the first update
        n = X.shape[1]
        # One sample per contiguous row, so that gathering a batch copies rows.
        X_rows, Y_rows = np.ascontiguousarray(X.T), np.ascontiguousarray(Y.T)
        workspace = Workspace(self.sizes, min(batch_size, n), self.dtype)
        velocities = None
        if momentum:  # v = 0 at the start
            velocities = (
                [np.zeros_like(w) for w in self.weights],
                [np.zeros_like(b) for b in self.biases],
            )
        history = History()
        kept = Checkpoint(self.weights, self.biases)
        largest_input = largest_magnitude(X_rows)  # to tell if X changes under sgd
        caller_errors = np.geterr()  # the callback runs under the caller's settings
        warned = False  # a stalled run is reported once
        epoch = 0
        try:
            for epoch in range(1, epochs + 1):
                start = time.perf_counter()
                # A diverging run overflows long before its cost is NaN; the
                # check after each epoch reports it once, as
                # TrainingDivergedError, rather than NumPy warning on every batch.
                step = Step.of(eta, n, lmbda, l1, momentum, velocities)
                with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                    cost = self._train_epoch(X_rows, Y_rows, workspace, step, dropout)
                    record = self._record(
                        epoch, cost, start, X, Y, lmbda, held_out,
                        monitor_training_cost, monitor_training_accuracy,
                        monitor_learning_speeds, l1,
                    )  # fmt: skip
                record = dataclasses.replace(record, eta=eta)
                if not np.isfinite(record.cost):
                    kept.restore(self.weights, self.biases)
                    advice = divergence_advice(eta, X_rows, lmbda, n, largest_input)
                    raise TrainingDivergedError(
                        record, eta, history, advice, kept.epoch, kept.what
                    )
                history.append(record)
                self._keep(kept, history, "validation" in held_out)
                if verbose:
                    print(record, flush=True)
                if callback is not None:
                    with np.errstate(**caller_errors):
                        callback(record)
                if not warned:
                    warned = self._warn_if_stalled(history, X)
                if patience is not None and history.best_epoch is not None:
                    if epoch - history.best_epoch >= patience:
                        history.stopped_early = epoch < epochs
                        history.stop_reason = "patience"
                        break
                if schedule is not None:
                    if schedule.after_epoch(history.best_epoch == epoch):
                        history.stopped_early = epoch < epochs
                        history.stop_reason = "eta fell to 1/128 of its first value"
                        break
                    eta = schedule.eta
        except BaseException as error:
            if not isinstance(error, TrainingDivergedError):
                kept.restore(self.weights, self.biases)
                _say_what_was_kept(error, epoch, kept)
            raise
        if patience is not None:  # early stopping keeps the best epoch's parameters
            kept.restore(self.weights, self.biases)
        return history

    def _keep(self, kept: Checkpoint, history: History, validated: bool) -> None:
        """Copy the parameters an exception would restore: the best epoch, or the last."""
        epoch = history[-1].epoch
        if not validated:
            kept.keep(self.weights, self.biases, epoch, "the last epoch that finished")
        elif history.best_epoch == epoch:
            kept.keep(self.weights, self.biases, epoch, "the best validation epoch")

    def _train_epoch(
        self,
        X_rows: Array,
        Y_rows: Array,
        workspace: Workspace,
        step: Step,
        dropout: float = 0.0,
    ) -> float:
        """One epoch of updates; returns the mean of the batches' costs C_0."""
        n = X_rows.shape[0]
        order = self.rng.permutation(n)
        total = 0.0
        for k in range(0, n, workspace.batch_size):
            batch = order[k : k + workspace.batch_size]
            p, y = workspace.gather(X_rows, Y_rows, batch)
            masks = (
                dropout_masks(self.sizes, dropout, self.rng, self.dtype)
                if dropout
                else None
            )
            forward(
                self.weights, self.biases, p.activations[0], self.activation,
                self.output_activation, out=p, masks=masks,
            )  # fmt: skip
            total += self.cost_function.fn(p.activations[-1], y) * len(batch)
            nabla_w, nabla_b = bp.backward(
                self.weights, y, self.cost_function, p, self.output_activation
            )
            step.apply(
                self.weights, self.biases, nabla_w, nabla_b, workspace.step_w,
                workspace.step_b,
            )  # fmt: skip
        return total / n

    def _record(
        self,
        epoch: int,
        batch_cost: float,
        start: float,
        X: Array,
        Y: Array,
        lmbda: float,
        held_out: dict[str, tuple[Array, Array, Array]],
        monitor_training_cost: bool,
        monitor_training_accuracy: bool,
        monitor_learning_speeds: bool,
        l1: float = 0.0,
    ) -> EpochRecord:
        """The epoch's record: the costs and counts asked for, timed from ``start``."""
        n = X.shape[1]
        l2 = self._l2_term(lmbda, n) + self._l1_term(l1, n)
        cost = (self._cost(X, Y) if monitor_training_cost else batch_cost) + l2
        found: dict[str, Any] = {}
        if "validation" in held_out:
            X_val, Y_val, y_val = held_out["validation"]
            found["validation_cost"] = self._cost(X_val, Y_val) + l2
            found["validation_correct"] = self._count_correct(X_val, y_val)
            found["validation_total"] = len(y_val)
        if "test" in held_out:
            X_test, _, y_test = held_out["test"]
            found["correct"] = self._count_correct(X_test, y_test)
            found["total"] = len(y_test)
        if monitor_training_accuracy:
            found["training_correct"] = self._count_correct(X, np.argmax(Y, axis=0))
            found["training_total"] = n
        if monitor_learning_speeds:
            m = min(n, LEARNING_SPEED_SAMPLES)
            _, nabla_b = self._backprop(X[:, :m], Y[:, :m])
            found["learning_speeds"] = tuple(float(np.linalg.norm(g)) for g in nabla_b)
        return EpochRecord(epoch, cost, time.perf_counter() - start, **found)

    def _warn_if_stalled(self, history: History, X: Array) -> bool:
        """Warn (once) when the cost stopped moving at chance accuracy; True if so."""
        last = history[-1]
        measured = (last.validation_accuracy, last.accuracy, last.training_accuracy)
        accuracy = next((a for a in measured if a is not None), None)
        n_classes = self.sizes[-1]
        if not is_stalled([r.cost for r in history], accuracy, n_classes):
            return False
        message = stall_message(
            self.weights, self.biases, X, self.activation,
            self.output_activation, accuracy or 0.0, n_classes,
        )  # fmt: skip
        # 3: past this method and sgd, to the caller.
        warnings.warn(TrainingStalledWarning(message), stacklevel=3)
        return True

    # -- on arrays already checked ------------------------------------------------

    def _backprop(self, X: Array, Y: Array) -> tuple[list[Array], list[Array]]:
        p = forward(
            self.weights, self.biases, X, self.activation, self.output_activation
        )
        return bp.backward(
            self.weights, Y, self.cost_function, p, self.output_activation
        )

    def _output(self, X: Array) -> Array:
        return feedforward(
            self.weights, self.biases, X, self.activation, self.output_activation
        )

    def _cost(self, X: Array, Y: Array) -> float:
        return self.cost_function.fn(self._output(X), Y)

    def _l2_term(self, lmbda: float, n: int) -> float:
        """(λ/2n) Σ_w w², the L2 term of the regularised cost."""
        if lmbda == 0:
            return 0.0
        return lmbda / (2 * n) * sum(float(np.sum(w * w)) for w in self.weights)

    def _l1_term(self, l1: float, n: int) -> float:
        """(λ₁/n) Σ_w |w|, the L1 term of the regularised cost."""
        if l1 == 0:
            return 0.0
        return l1 / n * sum(float(np.sum(np.abs(w))) for w in self.weights)

    def _count_correct(self, X: Array, labels: Array) -> int:
        return int(np.sum(np.argmax(self._output(X), axis=0) == labels))

    def _check_parameters(self, writeable: bool = False) -> None:
        """The weights and biases as they are now (students set them by hand)."""
        check_parameters(
            self.weights, self.biases, self.sizes, self.dtype, writeable=writeable
        )

    def _check_batch(self, X: Any, Y: Any) -> tuple[Array, Array]:
        return check_batch(X, Y, self.sizes, self.dtype, self.cost_function)

    def _check_held_out(self, pair: Any, name: str) -> tuple[Array, Array, Array]:
        """Checked (X, Y, labels) of a validation or test pair."""
        X_raw, y_raw = check_pair(pair, name)
        X = check_inputs(X_raw, self.sizes[0], self.dtype, name=f"{name}[0]")
        labels = class_labels(y_raw, self.sizes[-1], X.shape[1], name=f"{name}[1]")
        Y = check_targets(labels, self.sizes[-1], X.shape[1], self.dtype)
        return X, Y, labels


def _say_what_was_kept(error: BaseException, epoch: int, kept: Checkpoint) -> None:
    """Tell whoever catches ``error`` what the network holds now: a note and an attribute."""
    note = (
        f"bp4: sgd stopped during epoch {epoch}; the network now holds {kept.what} "
        f"(restored_epoch = {kept.epoch})"
    )
    try:
        error.restored_epoch = kept.epoch  # type: ignore[attr-defined]
    except AttributeError:  # an exception class with __slots__
        pass
    if hasattr(error, "add_note"):  # Python 3.11+
        error.add_note(note)
