"""Cost functions C and their gradients ∇_a C with respect to the output a^L.

The text makes two assumptions about the cost: it is an average of per-sample
costs, C = (1/n) Σ_x C_x, and each C_x is a function of the output activations
a^L only (y is a fixed parameter). Those are all backpropagation needs: BP1
uses ∇_a C and nothing else, so another cost plugs in by providing ``fn`` and
``nabla_a``. A cost may also name the output σ with which BP1 simplifies
(``output_error_forms``): the cross-entropy cost with a sigmoid output, and
the log-likelihood cost with a softmax output, give δ^L = a^L − y, and
:func:`bp4.backprop.backward` computes that rather than ∇_a C ⊙ σ'(z^L), which
is a quotient of rounded numbers once a^L saturates.

Arrays hold one sample per column: ``a`` and ``y`` have shape ``(n_L, m)``.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from .array import Array


class Cost(Protocol):
    """What BP1 and training need from a cost."""

    name: str

    def fn(self, a: Array, y: Array) -> float:
        """The cost C, averaged over the m columns of ``a`` and ``y``."""
        ...

    def nabla_a(self, a: Array, y: Array) -> Array:
        """∇_a C_x for every sample x, one column per sample."""
        ...


class QuadraticCost:
    """The quadratic cost :math:`C = 1/(2n) Σ_x ‖y(x) − a^L(x)‖^2`."""

    name = "quadratic"

    @staticmethod
    def fn(a: Array, y: Array) -> float:
        """:math:`C = 1/(2n) Σ_x ‖y(x) − a^L(x)‖^2`, n the number of columns."""
        difference = a - y
        return 0.5 * float(np.vdot(difference, difference)) / a.shape[1]

    @staticmethod
    def nabla_a(a: Array, y: Array) -> Array:
        """:math:`∇_a C_x = a^L − y`, from :math:`C_x = ½ Σ_j (y_j − a_j^L)^2`."""
        return a - y

    def __repr__(self) -> str:
        return "QuadraticCost()"


class CrossEntropyCost:
    r"""The cross-entropy cost :math:`C = −(1/n) Σ_x Σ_j [y_j \ln a_j + (1 − y_j) \ln(1 − a_j)]`.

    Meant for outputs in (0, 1), such as sigmoid outputs, and targets in [0, 1]:
    for a target y outside [0, 1] it has no minimum (it falls without bound as
    a approaches 0 or 1), so the network refuses such targets (``target_range``).
    """

    name = "cross-entropy"
    target_range = (0.0, 1.0)
    # ln a and ln(1 − a) need every output strictly between 0 and 1.
    output_activations = ("sigmoid", "softmax")
    # With a sigmoid output σ'(z) = a(1 − a) cancels ∇_a C's denominator:
    # δ^L = a^L − y. With softmax BP1 keeps its general form, rearranged.
    output_error_forms = {"sigmoid": "a - y", "softmax": "softmax cross-entropy"}

    @staticmethod
    def fn(a: Array, y: Array) -> float:
        r""":math:`C = −(1/n) Σ_x Σ_j [y_j \ln a_j + (1 − y_j) \ln(1 − a_j)]`.

        C is computed from a alone, so where a rounded to 0 or 1 the
        logarithm's argument is gone: an a of exactly 0 is read as the
        smallest positive float (ln a ≈ −708 in float64), and a 1 − a of
        exactly 0 as a quarter of the machine epsilon, 2^−54 in float64, the
        largest 1 − a can be when a rounds to 1; so each saturated output
        adds at least 37.4 (float64) to C, finite and no larger than what is
        known. The gradient does not go through C: BP1 uses δ^L = a^L − y.
        """
        tiny = np.finfo(a.dtype).tiny
        rounds_to_one = np.finfo(a.dtype).eps / 4  # 1 − a below this rounds a to 1
        log_a = np.log(np.maximum(a, tiny))
        log_1_minus_a = np.log(np.maximum(1.0 - a, rounds_to_one))
        return -float(np.sum(y * log_a + (1.0 - y) * log_1_minus_a)) / a.shape[1]

    @staticmethod
    def nabla_a(a: Array, y: Array) -> Array:
        """:math:`∇_a C_x = (a − y) / (a (1 − a))`, element by element.

        The denominator is kept at least the smallest positive float, so a
        saturated output gives a large finite gradient rather than a division
        by zero.
        """
        tiny = np.finfo(a.dtype).tiny
        return (a - y) / np.maximum(a * (1.0 - a), tiny)

    def __repr__(self) -> str:
        return "CrossEntropyCost()"


class LogLikelihoodCost:
    r"""The log-likelihood cost :math:`C = −(1/n) Σ_x \ln a^L_{y(x)}`.

    a^L_{y(x)} is the output of the neuron of the sample's class, so the
    output must be a probability vector: a softmax layer. With one-hot
    targets y the cost is C_x = −Σ_j y_j ln a^L_j.
    """

    name = "log-likelihood"
    target_range = (0.0, 1.0)
    # Each target column is a distribution over the classes (one-hot for a
    # label): then softmax's general form of BP1 is δ^L = a^L − y.
    targets_sum_to_one = True
    output_activations = ("softmax",)
    output_error_forms = {"softmax": "a - y"}

    @staticmethod
    def fn(a: Array, y: Array) -> float:
        r""":math:`C = −(1/n) Σ_x Σ_j y_j \ln a^L_j`: for one-hot y, :math:`−(1/n) Σ_x \ln a^L_{y(x)}`.

        An output that rounded to exactly 0 is read as the smallest positive
        float instead, so the logarithm stays finite.
        """
        tiny = np.finfo(a.dtype).tiny
        return -float(np.sum(y * np.log(np.maximum(a, tiny)))) / a.shape[1]

    @staticmethod
    def nabla_a(a: Array, y: Array) -> Array:
        """:math:`∇_a C_x = −y / a`, element by element (:math:`−1/a^L_{y(x)}` at the class).

        With a softmax output BP1's general form turns this into δ^L = a^L − y,
        which :func:`bp4.backprop.backward` computes directly.
        """
        tiny = np.finfo(a.dtype).tiny
        return -y / np.maximum(a, tiny)

    def __repr__(self) -> str:
        return "LogLikelihoodCost()"


COSTS: dict[str, Cost] = {
    "quadratic": QuadraticCost(),
    "cross-entropy": CrossEntropyCost(),
    "log-likelihood": LogLikelihoodCost(),
}


def get_cost(cost: str | Cost) -> Cost:
    """Return the cost named ``cost`` (or ``cost`` itself, if it is an object)."""
    if isinstance(cost, str):
        if cost in COSTS:
            return COSTS[cost]
        raise ValueError(
            f"cost must be one of {sorted(COSTS)} or a cost object, got {cost!r}"
        )
    if callable(getattr(cost, "fn", None)) and callable(getattr(cost, "nabla_a", None)):
        return cost
    raise TypeError(
        f"cost must be a name in {sorted(COSTS)} or an object with fn(a, y) and "
        f"nabla_a(a, y) methods, got {cost!r}"
    )
