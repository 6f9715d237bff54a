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

The comparison is honest about rounding (:func:`compare`): a difference no
larger than what rounding can produce (the *floor*) is not evidence of a
mistake, and a layer whose gradient is too close to that floor to tell good
from wrong reads "too small to judge", not "wrong".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..array import Array
from ..forward import feedforward
from ..validation import check_batch, check_positive

if TYPE_CHECKING:
    from ..network import Network

# The readings, from best to worst: a layer's reading is the worse of its
# weights' and its biases', a check's the worst of its layers'.
READINGS = ("good", "too small to judge", "suspicious", "wrong")

# A relative error above this reads "wrong" in any dtype: no rounding explains
# a gradient that is off by more than 1%.
WRONG_ABOVE = 1e-2

# How many times the estimated rounding of the finite differences the floor
# allows: the estimate is a typical size, not a bound.
FLOOR_MARGIN = 8.0


def good_below(dtype: Any = np.float64) -> float:
    """The relative error below which a gradient computed in ``dtype`` reads good.

    1e-7 in float64, the usual threshold. A less precise dtype's
    backpropagation cannot agree that closely: its threshold is 10,000 units
    of rounding (u, half the machine epsilon) rounded up to a power of ten,
    1e-3 in float32 (sigmoid outputs near 1 with the cross-entropy cost
    reach 3e-4 there), and never more than a tenth of :data:`WRONG_ABOVE`.
    """
    u = float(np.finfo(dtype).eps) / 2
    t = 10.0 ** math.ceil(math.log10(1e4 * u))
    return min(max(1e-7, t), WRONG_ABOVE / 10)


@dataclass(frozen=True)
class Comparison:
    """A computed gradient against a reference for it, and what that says.

    ``error`` is the relative error ‖a − n‖ / max(‖a‖ + ‖n‖, floor), Euclidean
    norms over the whole array; ``size`` is ‖a‖ + ‖n‖; ``floor`` the norm of
    difference that rounding alone can produce. ``reading`` is "good",
    "suspicious", "wrong" or "too small to judge" (see :func:`compare`).
    """

    error: float
    reading: str
    size: float
    floor: float


def compare(
    analytic: Any, numeric: Any, dtype: Any = np.float64, floor: float = 0.0
) -> Comparison:
    """Compare ``analytic`` (computed in ``dtype``) with a reference ``numeric``.

    With d = ‖a − n‖, s = ‖a‖ + ‖n‖ and F the absolute ``floor`` (the size of
    difference rounding alone can produce, 0 for an exact reference):

    - "wrong" if a value is not a number or infinite, or if d − F > 1e-2 s:
      even the part of the difference rounding cannot explain is over 1%;
    - "good" if d + F < t s, t = :func:`good_below` (``dtype``), 1e-7 in
      float64: the two agree, and would even with rounding's worst added;
    - "suspicious" if d − F ≥ t s: they differ by more than t, less than 1%;
    - "too small to judge" otherwise: the gradient is so small next to the
      floor that rounding could make it read good or bad, so this comparison
      shows nothing (in a deep sigmoid network, ∂C/∂w^2 may be 1e-19, and
      nudging w^2 by ε changes C by less than C's own rounding).

    Two exact zeros with no floor read good. With ``floor=0`` the reading is
    the plain one of the relative error d / s (:func:`reading`).
    """
    a = np.asarray(analytic, dtype=np.float64)
    n = np.asarray(numeric, dtype=np.float64)
    if a.shape != n.shape:
        raise ValueError(
            f"compare needs two arrays of the same shape, got analytic {a.shape} "
            f"and numeric {n.shape}"
        )
    floor = float(floor)
    if not floor >= 0:  # also refuses NaN
        raise ValueError(f"floor must be a number >= 0, got {floor!r}")
    with np.errstate(invalid="ignore", over="ignore"):
        d = float(np.linalg.norm(a - n))
        s = float(np.linalg.norm(a) + np.linalg.norm(n))
    tiny = np.finfo(np.float64).tiny
    error = d / max(s, floor, tiny) if math.isfinite(d + s) else math.nan
    t = good_below(dtype)
    if not math.isfinite(d + s) or d - floor > WRONG_ABOVE * s:
        verdict = "wrong"
    elif d + floor < t * s or (s == 0 and floor == 0):
        verdict = "good"
    elif d - floor >= t * s:
        verdict = "suspicious"
    else:
        verdict = "too small to judge"
    return Comparison(error, verdict, s, floor)


def worst(readings: Sequence[str]) -> str:
    """The worst of ``readings``, in the order of :data:`READINGS`."""
    return max(readings, key=READINGS.index)


def relative_error(analytic: Array, numeric: Array) -> float:
    """‖a − n‖ / max(‖a‖ + ‖n‖, tiny), with ‖·‖ the Euclidean norm over the whole array.

    A norm over the layer rather than the worst single entry: entries whose
    gradient is near zero would otherwise be judged by rounding noise alone.
    (:func:`compare` adds the absolute floor of rounding and a reading.)
    """
    tiny = np.finfo(np.float64).tiny
    num = float(np.linalg.norm(analytic - numeric))
    return num / max(float(np.linalg.norm(analytic) + np.linalg.norm(numeric)), tiny)


def reading(error: float, dtype: Any = np.float64) -> str:
    """The plain reading of a relative error: good, suspicious or wrong.

    Below :func:`good_below` (1e-7 in float64) good, above 1e-2 (or not a
    number) wrong, in between suspicious. It knows nothing of rounding's
    floor: :func:`compare` does, and may read "too small to judge".
    """
    if error < good_below(dtype):
        return "good"
    if error <= WRONG_ABOVE:
        return "suspicious"
    return "wrong"


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
    X, Y = check_batch(X, Y, net.sizes, net.dtype, net.cost_function)
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
    net: Network, copy: _Float64Copy, eps: float
) -> tuple[list[Array], list[Array]]:
    nabla_w = [_central_differences(net, copy, w, eps) for w in copy.weights]
    nabla_b = [_central_differences(net, copy, b, eps) for b in copy.biases]
    return nabla_w, nabla_b


def _cost(net: Network, copy: _Float64Copy) -> float:
    a_L = feedforward(
        copy.weights, copy.biases, copy.X, net.activation, net.output_activation
    )
    return net.cost_function.fn(a_L, copy.Y)  # C, as net.cost(X, Y)


def _central_differences(
    net: Network, copy: _Float64Copy, theta: Array, eps: float
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
    return grad


def finite_difference_floor(net: Network, X: Any, Y: Any, eps: float = 1e-4) -> float:
    """The rounding of one entry of :func:`numerical_gradient`, times a margin.

    Each float64 cost C carries a rounding error of about u S, u = 2^-53 and
    S = |C| + (1/m) Σ_x Σ_j |∂C_x/∂a^L_j · a^L_j|: C's own size, and how much
    it moves when every output is off by a relative u. The five-point
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

    def summary(self) -> str:
        """One line: the reading, the largest error judged, the thresholds."""
        if not self:
            return "no layers to check"
        return (
            f"largest relative error {self.judged_max_error:.2e}: {self.reading} "
            f"({thresholds(self.dtype)})"
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


def thresholds(dtype: Any = np.float64) -> str:
    """The readings' thresholds in words, for ``dtype``'s arithmetic."""
    return (
        f"below {_power(good_below(dtype))} good, above {_power(WRONG_ABOVE)} or "
        "not a number wrong, in between suspicious"
    )


def _power(x: float) -> str:
    """1e-7, not 1e-07: the thresholds are powers of ten."""
    return f"1e{round(math.log10(x))}"


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


def gradient_check(net: Network, X: Any, Y: Any, eps: float = 1e-4) -> GradientCheck:
    """Compare ``net.backprop(X, Y)`` with finite differences, layer by layer.

    Returns a :class:`GradientCheck`, one :class:`LayerError` per layer
    l = 2 … L, each read by :func:`compare` with the floor of the finite
    differences' rounding (:func:`finite_difference_floor`). The differences
    run in float64; backpropagation in the network's dtype, whose precision
    sets the threshold of a good reading (:func:`good_below`: 1e-7 in
    float64). Above 1e-2, beyond what rounding explains, is wrong.
    """
    eps = check_positive(eps, "eps")
    nabla_w, nabla_b = net.backprop(X, Y)
    copy = _float64_copy(net, X, Y)
    numeric_w, numeric_b = _numerical(net, copy, eps)
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
