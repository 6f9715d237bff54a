"""The honest comparison of a computed gradient with a reference for it.

The gradient check compares backpropagation with finite differences; the
mistake checker compares a student's function with the reference. Both read
the result here, the same way: a relative error, an absolute *floor* (the
size of difference that rounding alone can produce), and a reading: "good",
"suspicious", "wrong" or "too small to judge" (:func:`compare`). The
threshold of a good reading follows the precision of the arithmetic judged
(:func:`good_below`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..array import Array

# The readings, from best to worst: a layer's reading is the worse of its
# weights' and its biases', a check's the worst of its layers'.
READINGS = ("good", "too small to judge", "suspicious", "wrong")

# A relative error above this reads "wrong" in any dtype: no rounding explains
# a gradient that is off by more than 1%.
WRONG_ABOVE = 1e-2


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


def thresholds(dtype: Any = np.float64) -> str:
    """The readings' thresholds in words, for ``dtype``'s arithmetic."""
    return (
        f"below {_power(good_below(dtype))} good, above {_power(WRONG_ABOVE)} or "
        "not a number wrong, in between suspicious"
    )


def _power(x: float) -> str:
    """1e-7, not 1e-07: the thresholds are powers of ten."""
    return f"1e{round(math.log10(x))}"
