"""Does a student's result agree with a mistaken formula's, entry by entry?

The verdict on a student's values is :func:`bp4.teaching.comparison.compare`'s,
the gradient check's; naming a mistake needs a stricter test, entry by entry,
so that two formulas that differ anywhere are told apart.

A float32 computation is good to about 1e-7 of the numbers' size, a float64
one to about 1e-16, so the tolerance scales with the inputs' machine epsilon:
each entry may differ from the answer by ``FACTOR · ε · (|answer| + scale)``,
where ``scale``, the largest entry of the answer, is the absolute floor: an
entry near zero is the difference of larger numbers and carries their
rounding. A result returned in a wider type than its inputs (float64 from a
student's ``np.zeros``) is judged at the inputs' precision.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..array import Array

# Rounding grows with the number of terms in a sum; the cases' sums have at
# most 5 terms, and a few dozen ε leaves room for any order of summation.
FACTOR = 64


def agrees(actual: Any, expected: Array, dtype: Any) -> bool:
    """``actual`` has ``expected``'s shape and its values, entry by entry."""
    if not isinstance(actual, np.ndarray) or actual.dtype.kind not in "fiub":
        return False
    if actual.shape != expected.shape:
        return False
    if not np.all(np.isfinite(actual)):
        return False
    eps = float(np.finfo(dtype).eps)
    scale = float(np.max(np.abs(expected), initial=0.0))
    tolerance = FACTOR * eps * (np.abs(expected) + scale)
    return bool(np.all(np.abs(actual.astype(np.float64) - expected) <= tolerance))


def all_agree(actual: list[Any], expected: list[Array], dtype: Any) -> bool:
    return len(actual) == len(expected) and all(
        agrees(a, e, dtype) for a, e in zip(actual, expected)
    )
