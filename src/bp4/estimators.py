"""bp4's Network with scikit-learn's conventions: rows are samples.

``NetworkClassifier`` and ``NetworkRegressor`` take data as scikit-learn
gives it, ``X`` of shape ``(n_samples, n_features)``, and train a
:class:`bp4.Network` on its transpose, whose columns are the samples, through
:meth:`bp4.Network.sgd`: the same forward pass, BP1–BP4 and update rule as
every other way of training in bp4. The trained network is ``network_``, to
explain, check or save like any other.

This module needs scikit-learn (``pip install "bp4[sklearn]"``); the rest of
bp4 never imports it, and ``import bp4`` does not import this module.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np

try:
    import sklearn  # noqa: F401 (only to say how to install it)
except ImportError:
    raise ImportError(
        'bp4.estimators needs scikit-learn: pip install "bp4[sklearn]"'
    ) from None
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import (
    _check_partial_fit_first_call,
    check_classification_targets,
)
from sklearn.utils.validation import check_is_fitted, validate_data

from .array import Array
from .diagnosis import input_scale_message
from .network import Network
from .training import History, InputScaleWarning
from .validation import check_count

# The cost each output layer is paired with when ``cost=None``: the one whose
# δ^L simplifies with it (chapter 3), or the quadratic cost.
PAIRED_COST = {"softmax": "log-likelihood", "sigmoid": "cross-entropy"}


class _NetworkEstimator(BaseEstimator):
    """What the classifier and the regressor share: the network, its training."""

    # scikit-learn's check_estimator checks that cannot pass, name → reason
    # (pass it as check_estimator(est, expected_failed_checks=...)). Both
    # classes pass every check, so there are none.
    _expected_failed_checks: dict[str, str] = {}

    def __init__(
        self,
        hidden_layer_sizes: Sequence[int] = (100,),
        activation: str = "sigmoid",
        output_activation: str = "identity",
        cost: str | None = None,
        init: str = "scaled",
        eta: float = 0.1,
        batch_size: int = 10,
        epochs: int = 100,
        lmbda: float = 0.0,
        patience: int | None = None,
        validation_fraction: float = 0.1,
        random_state: Any = None,
        dtype: Any = np.float64,
    ) -> None:
        # scikit-learn's rule: __init__ stores its arguments and checks none
        # of them; fit checks them (by building the Network).
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.output_activation = output_activation
        self.cost = cost
        self.init = init
        self.eta = eta
        self.batch_size = batch_size
        self.epochs = epochs
        self.lmbda = lmbda
        self.patience = patience
        self.validation_fraction = validation_fraction
        self.random_state = random_state
        self.dtype = dtype

    # -- what the subclasses say ----------------------------------------------

    def _targets(self, y: Array) -> Array:
        """Targets as Network.sgd takes them: labels (m,) or a (n_L, m) matrix."""
        raise NotImplementedError

    def _n_outputs(self) -> int:
        raise NotImplementedError

    # What patience chooses the best epoch by: Network.sgd's ``monitor``.
    _monitor: str | None = None

    def _split(self, X: Array, y: Array, rng: np.random.RandomState) -> tuple:
        return train_test_split(
            X, y, test_size=self.validation_fraction, random_state=rng
        )

    # -- training ---------------------------------------------------------------

    def _new_network(self, n_features: int) -> Network:
        hidden: Any = self.hidden_layer_sizes
        if isinstance(hidden, (int, np.integer)):
            hidden = (hidden,)
        output = self.output_activation
        cost = (
            self.cost if self.cost is not None else PAIRED_COST.get(output, "quadratic")
        )
        return Network(
            [n_features, *hidden, self._n_outputs()],
            activation=self.activation,
            output_activation=output,
            cost=cost,
            init=self.init,
            seed=self._seed(),
            dtype=self.dtype,
        )

    def _seed(self) -> int:
        """The Network's seed: an int random_state as it is, so that
        ``random_state=0`` gives the parameters of ``bp4.Network(..., seed=0)``."""
        if isinstance(self.random_state, (int, np.integer)) and self.random_state >= 0:
            return int(self.random_state)
        return int(check_random_state(self.random_state).randint(2**31 - 1))

    def _train(self, X: Array, y: Array, epochs: int, validate: bool) -> None:
        """``epochs`` epochs of Network.sgd on X (rows are samples), recorded in history_."""
        validation = None
        if validate and self.patience is not None:
            fraction = self.validation_fraction
            if not (isinstance(fraction, (float, int)) and 0 < fraction < 1):
                raise ValueError(
                    f"validation_fraction must be a number in (0, 1), got {fraction!r}"
                )
            rng = check_random_state(self.random_state)
            X, X_val, y, y_val = self._split(X, y, rng)
            validation = (X_val.T, self._targets(y_val))
        self._warn_about_scale(X)
        with warnings.catch_warnings():
            # Said above in scikit-learn's terms (columns are features).
            warnings.simplefilter("ignore", InputScaleWarning)
            # Network.sgd wants samples as columns: X.T is a view, no copy.
            history = self.network_.sgd(
                X.T,
                self._targets(y),
                epochs=epochs,
                batch_size=self.batch_size,
                eta=self.eta,
                lmbda=self.lmbda,
                validation=validation,
                patience=self.patience if validation is not None else None,
                monitor=self._monitor if validation is not None else None,
            )
        # One history over every call of partial_fit, epochs counted on.
        done = len(self.history_)
        for record in history:
            self.history_.append(replace(record, epoch=done + record.epoch))
        self.history_.stopped_early = history.stopped_early
        self.history_.monitor = history.monitor

    def _warn_about_scale(self, X: Array) -> None:
        """sgd's InputScaleWarning, for X whose columns are the features."""
        if input_scale_message(X.T) is None:
            return
        rms = np.sqrt(np.mean(X * X, axis=0))
        j = int(np.argmax(rms))
        name = type(self).__name__
        warnings.warn(
            InputScaleWarning(
                f"the inputs are far from the scale the initial weights assume "
                f"(about unit size, centred near 0): feature {j} (column {j} of X) "
                f"has root-mean-square {rms[j]:.4g} (mean {X[:, j].mean():.4g}, "
                f"standard deviation {X[:, j].std():.4g}), so sigmoid or tanh "
                f"neurons start saturated. Standardise the features with the "
                f"training data's statistics: make_pipeline(StandardScaler(), "
                f"{name}(...)) does it, in cross-validation too"
            ),
            stacklevel=4,  # past this method, _train and fit: the caller's line
        )

    def _start(self, X: Array) -> None:
        self.network_ = self._new_network(X.shape[1])
        self.history_ = History()

    def _check_inputs(self, X: Any, reset: bool) -> Array:
        return validate_data(self, X, reset=reset, dtype=[np.float64, np.float32])

    def _output(self, X: Any) -> Array:
        """a^L for X, one row per sample: shape (n_samples, n_L)."""
        check_is_fitted(self)
        X = self._check_inputs(X, reset=False)
        return self.network_.feedforward(X.T).T


class NetworkClassifier(ClassifierMixin, _NetworkEstimator):
    """A bp4 Network as a scikit-learn classifier: one output neuron per class.

    ``X`` has one sample per row, ``y`` one label per sample (any labels:
    numbers or strings; ``classes_`` lists them in order, and output neuron j
    stands for ``classes_[j]``). ``fit`` builds
    ``Network([n_features, *hidden_layer_sizes, n_classes])`` and trains it
    with :meth:`bp4.Network.sgd` on the transpose of X for ``epochs`` epochs of
    mini-batches of ``batch_size``, learning rate ``eta`` and L2 parameter
    ``lmbda`` (λ). The default output layer is softmax with the
    log-likelihood cost; ``cost=None`` pairs sigmoid with the cross-entropy
    and any other output layer with the quadratic cost. Two classes with an
    output layer other than softmax get one output neuron, trained towards
    0 for ``classes_[0]`` and 1 for ``classes_[1]`` (−1 and 1 for tanh), as
    :meth:`bp4.Network.sgd` takes 0/1 labels.

    With ``patience=N``, a stratified ``validation_fraction`` of the training
    data is held out, and ``sgd`` stops after N epochs without a better
    validation accuracy, keeping the best epoch's parameters.
    ``partial_fit`` runs one epoch on the data it is given, without holding
    any out. The defaults learn on standardised inputs (for example after a
    ``StandardScaler`` in a ``Pipeline``).

    Attributes: ``network_`` (the trained :class:`bp4.Network`), ``history_``
    (its :class:`bp4.History`, one record per epoch), ``classes_`` and
    ``n_features_in_``.
    """

    def __init__(
        self,
        hidden_layer_sizes: Sequence[int] = (100,),
        activation: str = "sigmoid",
        output_activation: str = "softmax",
        cost: str | None = None,
        init: str = "scaled",
        eta: float = 0.1,
        batch_size: int = 10,
        epochs: int = 100,
        lmbda: float = 0.0,
        patience: int | None = None,
        validation_fraction: float = 0.1,
        random_state: Any = None,
        dtype: Any = np.float64,
    ) -> None:
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes,
            activation=activation,
            output_activation=output_activation,
            cost=cost,
            init=init,
            eta=eta,
            batch_size=batch_size,
            epochs=epochs,
            lmbda=lmbda,
            patience=patience,
            validation_fraction=validation_fraction,
            random_state=random_state,
            dtype=dtype,
        )

    def fit(self, X: Any, y: Any) -> NetworkClassifier:
        """Train a new network on X (rows are samples) and labels y; returns self."""
        X, y = self._check_data(X, y, reset=True)
        self.classes_ = np.unique(y)
        if len(self.classes_) < 2:
            raise ValueError(
                f"y has one class ({self.classes_[0]!r}); a classifier needs labels "
                f"of at least two classes"
            )
        self._start(X)
        self._train(X, y, check_count(self.epochs, "epochs", minimum=0), True)
        return self

    def partial_fit(self, X: Any, y: Any, classes: Any = None) -> NetworkClassifier:
        """One epoch of sgd on (X, y); the first call needs ``classes``, every label."""
        first = _check_partial_fit_first_call(self, classes)
        X, y = self._check_data(X, y, reset=first)
        if first:
            if len(self.classes_) < 2:
                raise ValueError(
                    f"classes has one class ({self.classes_[0]!r}); a classifier "
                    f"needs at least two"
                )
            self._start(X)
        unknown = np.setdiff1d(y, self.classes_)
        if unknown.size:
            raise ValueError(
                f"y has labels {unknown.tolist()} that are not in classes "
                f"{self.classes_.tolist()} given at the first call of partial_fit"
            )
        self._train(X, y, 1, False)
        return self

    def predict(self, X: Any) -> Array:
        """The class of each row of X, as :meth:`bp4.Network.predict` decides it.

        The class of the largest output; with one output (two classes),
        ``classes_[1]`` where a^L is at least the output's midpoint.
        """
        check_is_fitted(self)
        X = self._check_inputs(X, reset=False)
        return self.classes_[self.network_.predict(X.T)]

    def _has_probabilities(self) -> bool:
        return self.output_activation in ("softmax", "sigmoid")

    @available_if(_has_probabilities)
    def predict_proba(self, X: Any) -> Array:
        """The probability of each class for each row of X: shape (n_samples, n_classes).

        A softmax output is a probability vector already. One sigmoid output
        (two classes) is the probability of ``classes_[1]``, a^L, beside
        1 − a^L; sigmoid outputs, one per class, are divided by their sum so
        that each row sums to 1. Other output layers give no probabilities.
        """
        a = self._output(X)
        if self.output_activation == "softmax":
            return a
        if a.shape[1] == 1:
            return np.hstack([1.0 - a, a])
        return a / np.sum(a, axis=1, keepdims=True)

    def _check_data(self, X: Any, y: Any, reset: bool) -> tuple[Array, Array]:
        X, y = validate_data(self, X, y, reset=reset, dtype=[np.float64, np.float32])
        check_classification_targets(y)
        return X, y

    def _n_outputs(self) -> int:
        # Two classes need one output neuron (0 or 1, split at its midpoint),
        # except with softmax, whose one output would always be 1.
        if len(self.classes_) == 2 and self.output_activation != "softmax":
            return 1
        return len(self.classes_)

    def _targets(self, y: Array) -> Array:
        # Each label's index in classes_: the integer labels sgd makes one-hot.
        return np.searchsorted(self.classes_, y)

    def _split(self, X: Array, y: Array, rng: np.random.RandomState) -> tuple:
        return train_test_split(
            X, y, test_size=self.validation_fraction, random_state=rng, stratify=y
        )


class NetworkRegressor(RegressorMixin, _NetworkEstimator):
    """A bp4 Network as a scikit-learn regressor: one output neuron per target.

    ``X`` has one sample per row; ``y`` has shape (n_samples,) or
    (n_samples, n_targets). ``fit`` builds
    ``Network([n_features, *hidden_layer_sizes, n_targets])`` with an
    identity output layer and the quadratic cost, and trains it with
    :meth:`bp4.Network.sgd` on the transposes of X and y: the targets are used
    exactly as given. The defaults learn on standardised inputs and targets
    of order 1; scale large targets too (for example with
    ``TransformedTargetRegressor(regressor, transformer=StandardScaler())``).

    With ``patience=N``, a random ``validation_fraction`` of the training data
    is held out and ``sgd`` stops after N epochs without a lower validation
    cost, keeping the best epoch's parameters. ``partial_fit`` runs one epoch
    on the data it is given.

    The default learning rate, eta = 0.01, is a tenth of the classifier's:
    the errors a − y of real-valued targets are not bounded by 1 as those of
    a probability are, so BP1's δ^L, and each step, can be larger.

    Attributes: ``network_``, ``history_``, ``n_features_in_``.
    """

    def __init__(
        self,
        hidden_layer_sizes: Sequence[int] = (100,),
        activation: str = "sigmoid",
        output_activation: str = "identity",
        cost: str | None = None,
        init: str = "scaled",
        eta: float = 0.01,
        batch_size: int = 10,
        epochs: int = 100,
        lmbda: float = 0.0,
        patience: int | None = None,
        validation_fraction: float = 0.1,
        random_state: Any = None,
        dtype: Any = np.float64,
    ) -> None:
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes,
            activation=activation,
            output_activation=output_activation,
            cost=cost,
            init=init,
            eta=eta,
            batch_size=batch_size,
            epochs=epochs,
            lmbda=lmbda,
            patience=patience,
            validation_fraction=validation_fraction,
            random_state=random_state,
            dtype=dtype,
        )

    def fit(self, X: Any, y: Any) -> NetworkRegressor:
        """Train a new network on X (rows are samples) and targets y; returns self."""
        X, y = self._check_data(X, y, reset=True)
        self._start(X)
        self._train(X, y, check_count(self.epochs, "epochs", minimum=0), True)
        return self

    def partial_fit(self, X: Any, y: Any) -> NetworkRegressor:
        """One epoch of sgd on (X, y); the first call builds the network."""
        first = not hasattr(self, "network_")
        X, y = self._check_data(X, y, reset=first)
        if first:
            self._start(X)
        else:
            trained = (
                "(n_samples,)" if self._one_d else f"(n_samples, {self._n_targets})"
            )
            if y.shape[1:] != (() if self._one_d else (self._n_targets,)):
                raise ValueError(
                    f"y has shape {y.shape}; the network was trained on targets "
                    f"of shape {trained}"
                )
        self._train(X, y, 1, False)
        return self

    def predict(self, X: Any) -> Array:
        """The network's output a^L for each row of X: (n_samples,) or (n_samples, n_targets)."""
        a = self._output(X)
        return a[:, 0] if self._one_d else a

    def _check_data(self, X: Any, y: Any, reset: bool) -> tuple[Array, Array]:
        X, y = validate_data(
            self,
            X,
            y,
            reset=reset,
            dtype=[np.float64, np.float32],
            multi_output=True,
            y_numeric=True,
        )
        if reset:
            self._one_d = y.ndim == 1
            self._n_targets = 1 if y.ndim == 1 else y.shape[1]
        return X, y

    def _n_outputs(self) -> int:
        return self._n_targets

    # Targets of 0s and 1s are still regression targets here: choose by cost.
    _monitor = "cost"

    def _targets(self, y: Array) -> Array:
        # (n_L, m) real targets, used as given: one row per output neuron.
        return np.asarray(y, dtype=self.network_.dtype).reshape(len(y), -1).T

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        return tags
