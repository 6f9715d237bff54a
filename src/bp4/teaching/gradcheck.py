"""A gradient check: backpropagation's ∂C/∂w and ∂C/∂b against finite differences.

Each weight and bias θ in turn is nudged by ±ε and ±2ε and the cost recomputed:

    ∂C/∂θ ≈ [8 (C(θ + ε) − C(θ − ε)) − (C(θ + 2ε) − C(θ − 2ε))] / 12ε,

the five-point central difference. Its truncation error shrinks like ε⁴
(the plain (C(θ + ε) − C(θ − ε)) / 2ε shrinks like ε²), so ε can be large
enough, 1e-4, that rounding in C hardly matters: on deep sigmoid networks,
whose early layers have small gradients, this keeps float64 agreement near
1e-9 where the plain difference gets only to about 1e-7.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..array import Array
from ..forward import feedforward
from ..validation import check_batch, check_positive, class_values

if TYPE_CHECKING:
    from ..network import Network


@dataclass(frozen=True)
class LayerError:
    """Relative errors of one layer's gradients; ``layer`` is the text's l (2 … L)."""

    layer: int
    weights: float
    biases: float


def relative_error(analytic: Array, numeric: Array) -> float:
    """‖a − n‖ / max(‖a‖ + ‖n‖, tiny), with ‖·‖ the Euclidean norm over the whole array.

    A norm over the layer rather than the worst single entry: entries whose
    gradient is near zero would otherwise be judged by rounding noise alone.
    """
    tiny = np.finfo(np.float64).tiny
    num = float(np.linalg.norm(analytic - numeric))
    return num / max(float(np.linalg.norm(analytic) + np.linalg.norm(numeric)), tiny)


def numerical_gradient(
    net: Network, X: Any, Y: Any, eps: float = 1e-4
) -> tuple[list[Array], list[Array]]:
    """∂C/∂w^l and ∂C/∂b^l for every layer by central differences (slow: 4 costs a parameter)."""
    # Check the batch once, not in each of the 4 cost evaluations per parameter.
    values = class_values(net.output_activation)  # the targets rule of training
    X, Y = check_batch(X, Y, net.sizes, net.dtype, net.cost_function, values)
    eps = check_positive(eps, "eps")
    nabla_w = [_central_differences(net, w, X, Y, eps) for w in net.weights]
    nabla_b = [_central_differences(net, b, X, Y, eps) for b in net.biases]
    return nabla_w, nabla_b


def _central_differences(
    net: Network, theta: Array, X: Array, Y: Array, eps: float
) -> Array:
    grad = np.zeros(theta.shape)
    for index in np.ndindex(theta.shape):
        saved = theta[index]
        c = {}
        for step in (-2, -1, 1, 2):
            theta[index] = saved + step * eps
            a_L = feedforward(
                net.weights, net.biases, X, net.activation, net.output_activation
            )
            c[step] = net.cost_function.fn(a_L, Y)  # C, as net.cost(X, Y)
        theta[index] = saved  # leave the network exactly as it was
        grad[index] = (8 * (c[1] - c[-1]) - (c[2] - c[-2])) / (12 * eps)
    return grad


def reading(error: float) -> str:
    """The usual reading of a relative error in float64: good, suspicious or wrong."""
    if error < 1e-7:
        return "good"
    if error <= 1e-2:
        return "suspicious"
    return "wrong"


class GradientCheck(list):
    """The result of :func:`gradient_check`: a list of :class:`LayerError`, l = 2 … L.

    A list, so code that iterates over the layers keeps working; its repr is
    a table of the errors and their reading, and notebooks show it as HTML.
    """

    @property
    def max_error(self) -> float:
        """The largest relative error over every layer's weights and biases."""
        return max_error(self)

    def __repr__(self) -> str:
        if not self:
            return "GradientCheck([])"
        lines = [f"{'layer l':<8}{'∂C/∂w^l':>10}{'∂C/∂b^l':>10}  reading"]
        for e in self:
            worst = max(e.weights, e.biases)
            lines.append(
                f"{e.layer:<8}{e.weights:>10.2e}{e.biases:>10.2e}  {reading(worst)}"
            )
        lines.append(
            f"largest relative error {self.max_error:.2e}: {reading(self.max_error)} "
            "(below 1e-7 good, above 1e-2 wrong, in between suspicious)"
        )
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from .display import gradient_check_html

        return gradient_check_html(self, reading)


def gradient_check(net: Network, X: Any, Y: Any, eps: float = 1e-4) -> GradientCheck:
    """Compare ``net.backprop(X, Y)`` with finite differences, layer by layer.

    Returns a :class:`GradientCheck`, one :class:`LayerError` per layer
    l = 2 … L. In float64, errors below about 1e-7 mean the two agree; above
    1e-2 something is wrong (:func:`reading`).
    """
    eps = check_positive(eps, "eps")
    nabla_w, nabla_b = net.backprop(X, Y)
    numeric_w, numeric_b = numerical_gradient(net, X, Y, eps)
    return GradientCheck(
        LayerError(i + 2, relative_error(nw, mw), relative_error(nb, mb))
        for i, (nw, mw, nb, mb) in enumerate(
            zip(nabla_w, numeric_w, nabla_b, numeric_b)
        )
    )


def max_error(errors: Sequence[LayerError]) -> float:
    """The largest relative error over every layer's weights and biases.

    NaN if any error is NaN: a gradient that is not a number is the worst
    reading there is (``max`` alone would skip a NaN that is not first).
    """
    values = [x for e in errors for x in (e.weights, e.biases)]
    return max(values, key=lambda x: math.inf if math.isnan(x) else x)
