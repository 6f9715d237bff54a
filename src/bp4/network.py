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
    chance_level,
    divergence_advice,
    input_scale_message,
    is_stalled,
    sampled_magnitude,
    stall_message,
)
from .files.saving import NetworkState, generator_from_state, load_state, save_state
from .forward import feedforward, forward
from .training import (
    MONITORS,
    Checkpoint,
    EpochRecord,
    EtaSchedule,
    History,
    InputScaleWarning,
    NaNOutputWarning,
    Step,
    TrainingDivergedError,
    TrainingStalledWarning,
    count_correct,
    default_monitor,
    dropout_masks,
    nan_message,
    predicted_classes,
)
from .validation import (
    Targets,
    check_batch,
    check_callback,
    check_count,
    check_data,
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
    check_training_set_size,
    class_midpoint,
    class_values,
    targets,
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
        check_parameters(self.weights, self.biases, self.sizes, self.dtype)
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

        Y is one target column per sample, shape (n_L, m), or integer labels
        (m,): see :meth:`cost` for what targets mean.
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
        """The cost C over the samples (columns) of X with targets Y.

        Targets mean what they say, by one rule (:func:`bp4.validation.targets`)
        that training, validation and test share, so that ``sgd``'s recorded
        validation cost is this cost of the validation data. Classes are
        integer labels (m,), one-hot columns (n_L, m), or a one-output
        network's 0/1 targets; labels become one-hot columns, and a one-output
        network's classes become its class targets (0 and 1, or −1 and 1 for
        a tanh output). Any other (n_L, m) array — regression targets, soft
        targets — is used exactly as given.
        """
        self._check_parameters()
        return self._cost(*self._check_batch(X, Y))

    def predict(self, X: Any) -> Array:
        """The class of each column of X, shape (m,).

        With two or more outputs, the index of the largest output. With one
        output there are two classes: 1 where a^L is at least the midpoint
        between the two classes' targets — 0.5 for a sigmoid (and for an
        identity or relu output, trained towards 0 and 1), 0 for tanh (trained
        towards −1 and 1) — else 0. A regression network's prediction is its
        output itself: use :meth:`feedforward`. An output that is NaN has no
        class: ValueError, naming how many.
        """
        a = self.feedforward(X)
        classes = predicted_classes(a, self._midpoint)
        nan = np.flatnonzero(classes < 0)
        if nan.size:
            raise ValueError(
                f"the output a^L of {nan.size} of the {a.shape[1]} samples is NaN "
                f"(the first at column {nan[0]}), which is no class: the weights or "
                f"z^l overflowed; check np.isfinite on net.weights and net.biases"
            )
        return classes

    def evaluate(self, X: Any, y: Any) -> int:
        """How many columns of X the network classifies as y says.

        y must be classes (integer labels, one-hot columns, or a one-output
        network's 0/1 targets), counted as :meth:`predict` classifies. A
        sample whose output is NaN counts as wrong, with a
        :class:`~bp4.training.NaNOutputWarning` saying how many. Targets that
        are not classes (regression, soft targets) have no accuracy:
        ValueError, pointing to :meth:`cost`.
        """
        self._check_parameters()
        X = check_inputs(X, self.sizes[0], self.dtype)
        found = targets(y, self.sizes[-1], X.shape[1], self.dtype, "y", self._values)
        if found.labels is None:
            raise ValueError(
                "evaluate counts the samples classified correctly, but y holds "
                "targets that are not classes (not integer labels, one-hot columns, "
                "or 0/1 for one output: regression or soft targets), so there is "
                "nothing to count; measure them with net.cost(X, y)"
            )
        correct, n_nan = count_correct(self._output(X), found.labels, self._midpoint)
        if n_nan:
            message = nan_message(n_nan, X.shape[1], "samples")
            warnings.warn(NaNOutputWarning(message), stacklevel=2)
        return correct

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
        self._check_parameters(changes=True)  # all layers updated, or none
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
        monitor: str | None = None,
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
        ``test=(X_test, y_test)`` the cost (exactly :meth:`cost` of that data,
        plus the L2 term when λ > 0) and, when the targets are classes, how
        many samples are classified correctly. Every target — training,
        validation, test — follows the one rule of :meth:`cost`: regression
        and soft targets have no accuracy, only costs. A one-output network's
        classes are counted as :meth:`predict` classifies them.
        ``monitor_training_cost`` evaluates the cost on the whole training set
        instead of averaging the batch costs; ``monitor_training_accuracy``
        (training targets that are classes only) counts the training samples
        classified correctly; ``monitor_learning_speeds`` records ‖∂C/∂b^l‖
        per layer on the first 1000 training samples. ``verbose`` prints each
        record's line; ``callback`` receives each record as it is made.

        The best epoch is chosen on the validation data only (test data is
        reported, never used to choose), by ``monitor``: ``"accuracy"``, the
        highest validation accuracy, or ``"cost"``, the lowest validation
        cost. By default it is the accuracy when the validation targets are
        classes and the cost when they are not. ``patience=N`` (needs
        ``validation``) stops after N epochs without a better one and restores
        the parameters of the best epoch; ``History.best_epoch`` names it.

        Inputs far from unit scale (a feature whose root-mean-square
        √(mean x²) exceeds 5) get one
        :class:`~bp4.training.InputScaleWarning` as training starts, saying
        how to standardise them. A run whose cost stops moving while its
        accuracy stays near the most common class's share gets one
        :class:`~bp4.training.TrainingStalledWarning`.

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
          best epoch (by ``monitor``) has not improved for N epochs, and stops when η
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
        X, training = self._check_data(X, Y)
        Y = training.Y
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
        monitor = self._check_monitor(monitor, held_out.get("validation"))
        if monitor_training_accuracy and training.labels is None:
            raise ValueError(
                "monitor_training_accuracy needs training targets that are classes "
                "(integer labels, one-hot columns, or 0/1 for one output); Y holds "
                "other targets (regression or soft targets), which have no accuracy"
            )
        labels = {name: t.labels for name, (_, t) in held_out.items()}
        labels["training"] = training.labels
        self._warn_about_scale(X)
        self._check_parameters(changes=True)  # before the first update
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
        history.monitor = monitor
        nan_seen: set[str] = set()  # NaN outputs are reported once per data set
        kept = Checkpoint(self.weights, self.biases)
        largest_input = sampled_magnitude(X_rows)  # to tell if X changes under sgd
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
                        epoch, cost, start, X, training, lmbda, held_out,
                        monitor_training_cost, monitor_training_accuracy,
                        monitor_learning_speeds, nan_seen, l1,
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
                    warned = self._warn_if_stalled(history, X, labels)
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
        training: Targets,
        lmbda: float,
        held_out: dict[str, tuple[Array, Targets]],
        monitor_training_cost: bool,
        monitor_training_accuracy: bool,
        monitor_learning_speeds: bool,
        nan_seen: set[str],
        l1: float = 0.0,
    ) -> EpochRecord:
        """The epoch's record: the costs and counts asked for, timed from ``start``."""
        n, Y = X.shape[1], training.Y
        l2 = self._l2_term(lmbda, n) + self._l1_term(l1, n)
        cost = (self._cost(X, Y) if monitor_training_cost else batch_cost) + l2
        found: dict[str, Any] = {}
        if not np.isfinite(cost):  # sgd reports the divergence, not NaN outputs
            nan_seen = {"validation", "test", "training"}
        for name, (X_held, T) in held_out.items():
            prefix = "validation_" if name == "validation" else "test_"
            a = self._output(X_held)  # once, for the cost and the count
            found[prefix + "cost"] = self.cost_function.fn(a, T.Y) + l2
            if T.labels is not None:
                count = "validation_correct" if name == "validation" else "correct"
                total = "validation_total" if name == "validation" else "total"
                found[count] = self._count(a, T.labels, name, nan_seen)
                found[total] = len(T.labels)
        if monitor_training_accuracy and training.labels is not None:
            a = self._output(X)
            found["training_correct"] = self._count(
                a, training.labels, "training", nan_seen
            )
            found["training_total"] = n
        if monitor_learning_speeds:
            m = min(n, LEARNING_SPEED_SAMPLES)
            _, nabla_b = self._backprop(X[:, :m], Y[:, :m])
            found["learning_speeds"] = tuple(float(np.linalg.norm(g)) for g in nabla_b)
        return EpochRecord(epoch, cost, time.perf_counter() - start, **found)

    def _count(self, a: Array, labels: Array, name: str, nan_seen: set[str]) -> int:
        """Samples classified correctly; NaN outputs count as wrong, warned once."""
        correct, n_nan = count_correct(a, labels, self._midpoint)
        if n_nan and name not in nan_seen:
            nan_seen.add(name)
            message = nan_message(n_nan, len(labels), f"{name} samples")
            # 4: past this method, _record and sgd, to the caller.
            warnings.warn(NaNOutputWarning(message), stacklevel=4)
        return correct

    def _check_monitor(
        self, monitor: Any, validation: tuple[Array, Targets] | None
    ) -> str | None:
        """What chooses the best epoch: the ``monitor`` asked for, or the default."""
        has_classes = validation is not None and validation[1].labels is not None
        if monitor is None:
            return None if validation is None else default_monitor(has_classes)
        if not isinstance(monitor, str) or monitor not in MONITORS:
            raise ValueError(
                f"monitor must be one of {list(MONITORS)} or None, got {monitor!r}"
            )
        if validation is None:
            raise ValueError(
                f"monitor={monitor!r} chooses the best epoch on validation data: "
                f"pass validation=(X_val, y_val)"
            )
        if monitor == "accuracy" and not has_classes:
            raise ValueError(
                "monitor='accuracy' needs validation targets that are classes "
                "(integer labels, one-hot columns, or 0/1 for one output); "
                "validation[1] holds other targets (regression or soft targets): "
                "use monitor='cost'"
            )
        return monitor

    def _warn_about_scale(self, X: Array) -> None:
        """One InputScaleWarning if X is far from the scale the initialisation assumes."""
        message = input_scale_message(X)
        if message is not None:
            # 3: past this method and sgd, to the caller.
            warnings.warn(InputScaleWarning(message), stacklevel=3)

    def _warn_if_stalled(
        self, history: History, X: Array, labels: dict[str, Array | None]
    ) -> bool:
        """Warn (once) when the cost stopped moving at chance accuracy; True if so.

        Chance is the majority class's share of the samples the accuracy
        counts: always answering that class scores it without learning.
        """
        last = history[-1]
        measured = (
            (last.validation_accuracy, labels.get("validation")),
            (last.accuracy, labels.get("test")),
            (last.training_accuracy, labels.get("training")),
        )
        accuracy, y = next(((a, y) for a, y in measured if a is not None), (0, None))
        if y is None:
            return False
        chance = chance_level(y, max(self.sizes[-1], 2))
        if not is_stalled([r.cost for r in history], accuracy, chance):
            return False
        message = stall_message(
            self.weights, self.biases, X, self.activation,
            self.output_activation, accuracy, chance,
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

    @property
    def _values(self) -> tuple[float, float]:
        """The targets of class 0 and class 1 when there is one output."""
        return class_values(self.output_activation)

    @property
    def _midpoint(self) -> float:
        """A one-output network's classes are split here: 0.5, or 0 for tanh."""
        return class_midpoint(self.output_activation)

    def _check_parameters(self, changes: bool = False) -> None:
        """The weights and biases as they are now (students set them by hand).

        Finite values are required where a NaN would spread or persist:
        training (``changes=True``, which also needs writeable arrays) and
        saving. Elsewhere a NaN parameter gives NaN outputs, which the result
        shows and evaluate and predict report.
        """
        check_parameters(
            self.weights, self.biases, self.sizes, self.dtype, finite=changes,
            writeable=changes,
        )  # fmt: skip

    def _check_batch(self, X: Any, Y: Any) -> tuple[Array, Array]:
        return check_batch(
            X, Y, self.sizes, self.dtype, self.cost_function, self._values
        )

    def _check_data(self, X: Any, Y: Any, name: str = "") -> tuple[Array, Targets]:
        return check_data(
            X, Y, self.sizes, self.dtype, self.cost_function, self._values, name
        )

    def _check_held_out(self, pair: Any, name: str) -> tuple[Array, Targets]:
        """Checked (X, Targets) of a validation or test pair, by the training rule."""
        return self._check_data(*check_pair(pair, name), name=name)


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
