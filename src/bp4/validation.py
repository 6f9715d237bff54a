"""Checks on what users pass in, each failing early with a message that names
the argument, what it got and what it expects: never a silent broadcast."""

from __future__ import annotations

from typing import Any

import numpy as np

Array = np.ndarray


def as_array(value: Any, name: str) -> Array:
    """``np.asarray(value)``, with a message naming ``name`` for ragged nested lists."""
    try:
        return np.asarray(value)
    except ValueError:
        # NumPy refuses lists of rows of different lengths (an "inhomogeneous shape").
        raise ValueError(
            f"{name} must be a rectangular array of numbers, got a nested sequence "
            "whose rows have different lengths"
        ) from None


def as_real_array(value: Any, name: str, dtype: np.dtype | type) -> Array:
    """``value`` as an array of ``dtype``; reject text, objects, complex, NaN and ±inf."""
    arr = as_array(value, name)
    if arr.dtype.kind not in "biuf":
        raise TypeError(
            f"{name} must hold real numbers, got an array of dtype {arr.dtype}"
        )
    arr = arr.astype(dtype, copy=False)
    if arr.size == 0:
        raise ValueError(
            f"{name} is empty (shape {arr.shape}); pass at least one sample"
        )
    # min and max propagate NaN and reach ±inf without the temporary boolean
    # array np.isfinite(arr) would allocate (39 MB for 50,000 MNIST images).
    if not (np.isfinite(arr.min()) and np.isfinite(arr.max())):
        where = tuple(int(i) for i in np.argwhere(~np.isfinite(arr))[0])
        raise ValueError(
            f"{name} contains NaN or infinite values (the first, {arr[where]}, at "
            f"index {list(where)}); expected finite numbers"
        )
    return arr


def check_inputs(X: Any, n_in: int, dtype: np.dtype | type, name: str = "X") -> Array:
    """A batch of inputs, one sample per column: shape (n_1, m)."""
    X = as_real_array(X, name, dtype)
    if X.ndim == 1 and X.shape[0] == n_in:
        raise ValueError(
            f"{name} has shape {X.shape}, a single sample as a 1-D array; bp4 wants "
            f"samples as columns, shape ({n_in}, m): pass {name}.reshape(-1, 1)"
        )
    if X.ndim != 2:
        raise ValueError(
            f"{name} must be a 2-D array of shape ({n_in}, m), samples as columns; "
            f"got shape {X.shape}"
        )
    if X.shape[0] != n_in:
        hint = (
            f"; it looks transposed: pass {name}.T"
            if X.shape[1] == n_in
            else f"; the network's input layer has {n_in} neurons"
        )
        raise ValueError(
            f"{name} has shape {X.shape} but the network expects ({n_in}, m), "
            f"one sample per column{hint}"
        )
    return X


def check_labels(y: Any, n_classes: int, m: int, name: str = "y") -> Array:
    """Integer class labels of shape (m,), each in 0 … n_classes − 1."""
    y = as_array(y, name)
    if y.dtype.kind == "f":
        bad = ~np.isfinite(y) | (y != np.round(y))
        if np.any(bad):
            where = tuple(int(i) for i in np.argwhere(bad)[0])
            raise ValueError(
                f"{name} must hold integer class labels, got {y[where]} at index "
                f"{list(where)}{_one_output_hint(n_classes, name)}"
            )
        y = y.astype(np.int64)
    elif y.dtype.kind not in "biu":
        raise TypeError(
            f"{name} must hold integer class labels, got an array of dtype {y.dtype}"
        )
    if y.shape != (m,):
        raise ValueError(
            f"{name} has shape {y.shape}; expected ({m},), one label per sample"
        )
    if y.size and (y.min() < 0 or y.max() >= n_classes):
        raise ValueError(
            f"{name} has labels from {y.min()} to {y.max()}; expected labels in "
            f"0 … {n_classes - 1} for an output layer of {n_classes} neurons"
            f"{_one_output_hint(n_classes, name)}"
        )
    return y.astype(np.int64, copy=False)


def _one_output_hint(n_classes: int, name: str) -> str:
    # A one-output network (XOR, regression) has real-valued targets, not
    # class labels; a 1-D array is read as labels, so say how to pass targets.
    if n_classes != 1:
        return ""
    return (
        f"; for the targets of a one-output network pass a (1, m) matrix: "
        f"{name}.reshape(1, -1)"
    )


def check_targets(
    Y: Any, n_out: int, m: int, dtype: np.dtype | type, name: str = "Y"
) -> Array:
    """Targets as a matrix of shape (n_L, m): one-hot or real-valued columns.

    Integer labels of shape (m,) are accepted too and turned into one-hot
    columns, once, here.
    """
    arr = as_array(Y, name)
    if arr.ndim == 1:
        labels = check_labels(arr, n_out, m, name)
        # Fortran order: one sample's target contiguous, like the inputs.
        one_hot = np.zeros((n_out, m), dtype=dtype, order="F")
        one_hot[labels, np.arange(m)] = 1.0
        return one_hot
    arr = as_real_array(arr, name, dtype)
    if arr.shape != (n_out, m):
        if arr.shape == (m, n_out):
            hint = f"; it looks transposed: pass {name}.T"
        elif arr.ndim == 2 and 1 in arr.shape and arr.size == m:
            hint = f"; if these are class labels, pass a 1-D array: {name}.ravel()"
        else:
            hint = ""
        raise ValueError(
            f"{name} has shape {arr.shape}; expected ({n_out}, {m}): {n_out} rows, one "
            f"per output neuron, and one target column for each of the {m} samples "
            f"of X (or integer labels of shape ({m},)){hint}"
        )
    return arr


def check_target_range(Y: Array, cost: Any, name: str = "Y") -> None:
    """Targets inside the cost's ``target_range``, if it declares one.

    The cross-entropy cost −[y ln a + (1 − y) ln(1 − a)] is a cost only for
    y in [0, 1]: for y > 1 it falls without bound as a → 1 (for y < 0, as
    a → 0). Real-valued targets are legitimate with the quadratic cost, which
    declares no range.
    """
    target_range = getattr(cost, "target_range", None)
    if target_range is None:
        return
    low, high = target_range
    y_min, y_max = Y.min(), Y.max()
    if y_min < low or y_max > high:
        cost_name = getattr(cost, "name", type(cost).__name__)
        raise ValueError(
            f"{name} has targets from {y_min:g} to {y_max:g}; the {cost_name} cost "
            f"needs targets in [{low:g}, {high:g}] (use cost='quadratic' for "
            f"real-valued targets outside it)"
        )


def class_labels(y: Any, n_classes: int, m: int, name: str = "y") -> Array:
    """Class labels of shape (m,) from integer labels or from one-hot columns."""
    arr = as_array(y, name)
    if arr.ndim == 2:
        if arr.dtype.kind not in "biuf":
            raise TypeError(
                f"{name} must hold integer labels or one-hot columns, got an array "
                f"of dtype {arr.dtype}"
            )
        if arr.shape != (n_classes, m):
            raise ValueError(
                f"{name} has shape {arr.shape}; expected labels of shape ({m},) or "
                f"one-hot columns of shape ({n_classes}, {m})"
            )
        return np.argmax(arr, axis=0)
    return check_labels(arr, n_classes, m, name)


def check_float_dtype(dtype: Any, name: str = "dtype") -> np.dtype:
    """``dtype`` as a NumPy floating-point dtype (float64, float32, …)."""
    try:
        out = np.dtype(dtype)
    except TypeError:
        out = None
    if out is None or out.kind != "f":
        raise TypeError(
            f"{name} must be a floating-point type such as np.float64 or "
            f"np.float32, got {dtype!r}"
        )
    return out
