"""A gradient check: backpropagation's ∂C/∂w and ∂C/∂b against finite differences.

Each weight and bias θ in turn is nudged by ±ε and ±2ε and the cost recomputed:

    ∂C/∂θ ≈ [8 (C(θ + ε) − C(θ − ε)) − (C(θ + 2ε) − C(θ − 2ε))] / 12ε,

the five-point central difference. Its truncation error shrinks like ε⁴
(the plain (C(θ + ε) − C(θ − ε)) / 2ε shrinks like ε²), so ε can be large
enough, 1e-4, that rounding in C hardly matters: on deep sigmoid networks,
whose early layers have small gradients, this keeps float64 agreement near
1e-9 where the plain difference gets only to about 1e-7.

The differences always run in float64, on a float64 copy of the network's
parameters, whatever the network's dtype: in float32 the rounding of C alone,
divided by ε, would swamp the gradient. Backpropagation's gradient stays in
the network's dtype, since that is the arithmetic being checked.

The comparison is honest about rounding (:func:`bp4.teaching.comparison.compare`,
importable from here too): a difference no
larger than what rounding can produce (the *floor*) is not evidence of a
mistake, and a layer whose gradient is too close to that floor to tell good
from wrong reads "too small to judge", not "wrong".
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..array import Array
from ..forward import feedforward
from ..validation import check_batch, check_positive, class_values
from .comparison import (
    READINGS,
    WRONG_ABOVE,
    Comparison,
    compare,
    good_below,
    reading,
    relative_error,
    thresholds,
    worst,
)

if TYPE_CHECKING:
    from ..network import Network

# The comparison's names, importable from here as before.
__all__ = [
    "READINGS",
    "WRONG_ABOVE",
    "Comparison",
    "GradientCheck",
    "LayerError",
    "compare",
    "finite_difference_floor",
    "good_below",
    "gradient_check",
    "layer_floor",
    "layer_list",
    "max_error",
    "numerical_gradient",
    "reading",
    "relative_error",
    "thresholds",
    "worst",
]

# How many times the estimated rounding of the finite differences the floor
# allows: the estimate is a typical size, not a bound.
FLOOR_MARGIN = 8.0


# -- finite differences, in float64 ----------------------------------------------


@dataclass
class _Float64Copy:
    """The network's parameters and the checked batch, as float64 arrays."""

    weights: list[Array]
    biases: list[Array]
    X: Array
    Y: Array


def _float64_copy(net: Network, X: Any, Y: Any) -> _Float64Copy:
    # The batch is checked once, and in the network's dtype, so that both
    # gradients see exactly the same inputs (float32 values are float64 values).
    values = class_values(net.output_activation)  # the targets rule of training
    X, Y = check_batch(X, Y, net.sizes, net.dtype, net.cost_function, values)
    return _Float64Copy(
        [w.astype(np.float64) for w in net.weights],
        [b.astype(np.float64) for b in net.biases],
        X.astype(np.float64),
        Y.astype(np.float64),
    )


def numerical_gradient(
    net: Network, X: Any, Y: Any, eps: float = 1e-4
) -> tuple[list[Array], list[Array]]:
    """∂C/∂w^l and ∂C/∂b^l for every layer by central differences (slow: 4 costs a parameter).

    Always float64, on a copy of the parameters: the network is not touched.
    """
    eps = check_positive(eps, "eps")
    copy = _float64_copy(net, X, Y)
    return _numerical(net, copy, eps)


def _numerical(
    net: Network, copy: _Float64Copy, eps: float, progress: Progress | None = None
) -> tuple[list[Array], list[Array]]:
    total = sum(theta.size for theta in copy.weights + copy.biases)
    counter = _Counter(total, progress)
    nabla_w = [_central_differences(net, copy, w, eps, counter) for w in copy.weights]
    nabla_b = [_central_differences(net, copy, b, eps, counter) for b in copy.biases]
    return nabla_w, nabla_b


# progress(done, total): parameters whose difference is computed, of all of them.
Progress = Callable[[int, int], None]


@dataclass
class _Counter:
    total: int
    progress: Progress | None
    done: int = 0

    def step(self) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, self.total)


def _cost(net: Network, copy: _Float64Copy) -> float:
    a_L = feedforward(
        copy.weights, copy.biases, copy.X, net.activation, net.output_activation
    )
    return net.cost_function.fn(a_L, copy.Y)  # C, as net.cost(X, Y)


def _central_differences(
    net: Network, copy: _Float64Copy, theta: Array, eps: float, counter: _Counter
) -> Array:
    grad = np.zeros(theta.shape)
    for index in np.ndindex(theta.shape):
        saved = theta[index]
        c = {}
        for step in (-2, -1, 1, 2):
            theta[index] = saved + step * eps
            c[step] = _cost(net, copy)
        theta[index] = saved
        grad[index] = (8 * (c[1] - c[-1]) - (c[2] - c[-2])) / (12 * eps)
        counter.step()
    return grad


def finite_difference_floor(net: Network, X: Any, Y: Any, eps: float = 1e-4) -> float:
    """The rounding of one entry of :func:`numerical_gradient`, times a margin.

    Each float64 cost C carries a rounding error of about u S, u = 2^-53 and
    S = abs(C) + (1/m) Σ_x Σ_j abs(∂C_x/∂a^L_j · a^L_j): C's own size, and
    how much it moves when every output is off by a relative u. The five-point
    difference's weights (8 + 8 + 1 + 1) / 12ε turn that into about
    1.5 u S / ε per entry; a layer of k entries gets √k times this (see
    :func:`layer_floor`). :data:`FLOOR_MARGIN` allows for the forward pass's
    own rounding, which a typical size does not bound.
    """
    eps = check_positive(eps, "eps")
    return _entry_floor(net, _float64_copy(net, X, Y), eps)


def _entry_floor(net: Network, copy: _Float64Copy, eps: float) -> float:
    a_L = feedforward(
        copy.weights, copy.biases, copy.X, net.activation, net.output_activation
    )
    with np.errstate(all="ignore"):
        C = abs(float(net.cost_function.fn(a_L, copy.Y)))
        moved = np.abs(net.cost_function.nabla_a(a_L, copy.Y) * a_L)
        S = C + float(moved.sum()) / a_L.shape[1]
    u = float(np.finfo(np.float64).eps) / 2
    return FLOOR_MARGIN * 1.5 * u * S / eps


def layer_floor(entry_floor: float, count: int) -> float:
    """The floor of a layer's norm: √count entries' rounding, independent of each other."""
    return entry_floor * math.sqrt(count)


# -- the check -------------------------------------------------------------------


@dataclass(frozen=True)
class LayerError:
    """Relative errors of one layer's gradients; ``layer`` is the text's l (2 … L).

    ``weights_check`` and ``biases_check`` hold the full :class:`Comparison`
    when :func:`gradient_check` made this (None in a LayerError built by hand,
    which is then read by its errors alone).
    """

    layer: int
    weights: float
    biases: float
    weights_check: Comparison | None = None
    biases_check: Comparison | None = None

    @property
    def reading(self) -> str:
        """The worse reading of the layer's weights and biases."""
        if self.weights_check is not None and self.biases_check is not None:
            return worst([self.weights_check.reading, self.biases_check.reading])
        return reading(max_error([self]))


class GradientCheck(list):
    """The result of :func:`gradient_check`: a list of :class:`LayerError`, l = 2 … L.

    A list, so code that iterates over the layers keeps working; its repr is
    a table of the errors and their reading, and notebooks show it as HTML.
    """

    dtype: np.dtype = np.dtype(np.float64)

    @property
    def max_error(self) -> float:
        """The largest relative error over every layer's weights and biases."""
        return max_error(self)

    @property
    def reading(self) -> str:
        """The worst layer's reading, except that a check in which some layers
        read good and the rest too small to judge reads good; "too small to
        judge" only if no layer could be judged. No layers: "no layers"."""
        if not self:
            return "no layers"
        readings = [e.reading for e in self]
        judged = [r for r in readings if r != "too small to judge"]
        return worst(judged) if judged else "too small to judge"

    @property
    def judged_max_error(self) -> float:
        """The largest relative error over the layers that could be judged (all
        of them, if none could)."""
        judged = [e for e in self if e.reading != "too small to judge"]
        return max_error(judged or self)

    @property
    def too_small(self) -> list[int]:
        """The layers l whose reading is "too small to judge"."""
        return [e.layer for e in self if e.reading == "too small to judge"]

    def summary(self, separator: str = ":") -> str:
        """One line: the largest error judged, the reading, the thresholds."""
        if not self:
            return "no layers to check"
        return (
            f"largest relative error {self.judged_max_error:.2e}{separator} "
            f"{self.reading} ({thresholds(self.dtype)})"
        )

    def too_small_note(self) -> str:
        """Which layers were too small to judge, and why; "" if none."""
        if not self.too_small:
            return ""
        return (
            f"too small to judge: {layer_list(self.too_small)}, whose "
            "gradients are too close to what rounding in the finite differences "
            "can produce to show either agreement or a mistake"
        )

    def __repr__(self) -> str:
        if not self:
            return "GradientCheck([])"
        lines = [f"{'layer l':<8}{'∂C/∂w^l':>10}{'∂C/∂b^l':>10}  reading"]
        for e in self:
            lines.append(
                f"{e.layer:<8}{e.weights:>10.2e}{e.biases:>10.2e}  {e.reading}"
            )
        lines.append(self.summary())
        if self.too_small:
            lines.append(self.too_small_note())
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from .display import gradient_check_html

        return gradient_check_html(self)


def layer_list(layers: Sequence[int]) -> str:
    """``l = 2–27, 30``: runs of consecutive layers as ranges."""
    runs: list[list[int]] = []
    for l in layers:
        if runs and l == runs[-1][-1] + 1:
            runs[-1].append(l)
        else:
            runs.append([l])
    parts = [str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs]
    return "l = " + ", ".join(parts)


def gradient_check(
    net: Network,
    X: Any,
    Y: Any,
    eps: float = 1e-4,
    progress: Progress | None = None,
) -> GradientCheck:
    """Compare ``net.backprop(X, Y)`` with finite differences, layer by layer.

    Returns a :class:`GradientCheck`, one :class:`LayerError` per layer
    l = 2 … L, each read by :func:`compare` with the floor of the finite
    differences' rounding (:func:`finite_difference_floor`). The differences
    run in float64; backpropagation in the network's dtype, whose precision
    sets the threshold of a good reading (:func:`good_below`: 1e-7 in
    float64). Above 1e-2, beyond what rounding explains, is wrong.

    It costs 4 forward passes a parameter: ``progress(done, total)``, if
    given, is called after each parameter.
    """
    eps = check_positive(eps, "eps")
    nabla_w, nabla_b = net.backprop(X, Y)
    copy = _float64_copy(net, X, Y)
    numeric_w, numeric_b = _numerical(net, copy, eps, progress)
    entry = _entry_floor(net, copy, eps)

    def judge(analytic: Array, numeric: Array) -> Comparison:
        return compare(analytic, numeric, net.dtype, layer_floor(entry, numeric.size))

    check = GradientCheck()
    for i, (nw, mw, nb, mb) in enumerate(zip(nabla_w, numeric_w, nabla_b, numeric_b)):
        w, b = judge(nw, mw), judge(nb, mb)
        check.append(LayerError(i + 2, w.error, b.error, w, b))
    check.dtype = net.dtype
    return check


def max_error(errors: Sequence[LayerError]) -> float:
    """The largest relative error over every layer's weights and biases.

    NaN if any error is NaN: a gradient that is not a number is the worst
    reading there is (``max`` alone would skip a NaN that is not first).
    """
    values = [x for e in errors for x in (e.weights, e.biases)]
    if not values:
        return math.nan
    return max(values, key=lambda x: math.inf if math.isnan(x) else x)
