"""Checks on what users pass in, each failing early with a message that names
the argument, what it got and what it expects: never a silent broadcast."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from .array import Array


def as_array(value: Any, name: str) -> Array:
    """``np.asarray(value)``, with a message naming ``name`` for ragged nested lists.

    Masked arrays are refused: training would read the values under the mask
    as data, silently.
    """
    if isinstance(value, np.ma.MaskedArray):
        raise TypeError(
            f"{name} is a masked array; bp4 would ignore its mask and use the "
            f"values under it. Pass {name}.filled(value) or drop the masked "
            f"samples first"
        )
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


def check_labels(
    y: Any, n_classes: int, m: int, name: str = "y", one_output: bool = False
) -> Array:
    """Integer class labels of shape (m,), each in 0 … n_classes − 1.

    ``n_classes`` is the number of classes, not of output neurons: a
    one-output network (``one_output``) has two classes, 0 and 1.
    """
    y = as_array(y, name)
    if y.dtype.kind == "f":
        bad = ~np.isfinite(y) | (y != np.round(y))
        if np.any(bad):
            where = tuple(int(i) for i in np.argwhere(bad)[0])
            raise ValueError(
                f"{name} must hold integer class labels, got {y[where]} at index "
                f"{list(where)}{_one_output_hint(one_output, name)}"
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
        what = (
            "a one-output network's classes are 0 and 1"
            if one_output
            else f"expected labels in 0 … {n_classes - 1} for {n_classes} classes"
        )
        raise ValueError(
            f"{name} has labels from {y.min()} to {y.max()}; {what}"
            f"{_one_output_hint(one_output, name)}"
        )
    return y.astype(np.int64, copy=False)


def _one_output_hint(one_output: bool, name: str) -> str:
    # A one-output network (XOR, regression) may have real-valued targets, not
    # class labels; a 1-D array is read as labels, so say how to pass targets.
    if not one_output:
        return ""
    return (
        f"; for the real-valued targets of a one-output network (regression) "
        f"pass a (1, m) matrix, {name}.reshape(1, -1), and measure them with "
        f"net.cost, not evaluate"
    )


# -- targets mean what they say ---------------------------------------------


class Targets(NamedTuple):
    """Checked targets: the matrix the cost compares a^L with, and the classes.

    ``Y`` has shape (n_L, m). ``labels`` holds each sample's class, shape
    (m,), when the targets are classes, and is None when they are not
    (regression, soft targets): then there is no accuracy to count.
    """

    Y: Array
    labels: Array | None


def class_values(output_activation: Any) -> tuple[float, float]:
    """The targets of class 0 and class 1 for a one-output network.

    The two ends of the output's range where it has them: −1 and 1 for tanh,
    0 and 1 for sigmoid. An unbounded output (identity, relu) is trained
    towards 0 and 1 too.
    """
    if getattr(output_activation, "name", None) == "tanh":
        return (-1.0, 1.0)
    return (0.0, 1.0)


def class_midpoint(output_activation: Any) -> float:
    """The output a one-output network's classes are split at: 0.5, or 0 for tanh.

    Halfway between the two classes' targets (:func:`class_values`); an
    output at least this large is class 1.
    """
    low, high = class_values(output_activation)
    return (low + high) / 2


def check_targets(
    Y: Any,
    n_out: int,
    m: int,
    dtype: np.dtype | type,
    name: str = "Y",
    values: tuple[float, float] = (0.0, 1.0),
) -> Array:
    """Targets as a matrix of shape (n_L, m), by the rule of :func:`targets`."""
    return targets(Y, n_out, m, dtype, name, values).Y


def targets(
    Y: Any,
    n_out: int,
    m: int,
    dtype: np.dtype | type,
    name: str = "Y",
    values: tuple[float, float] = (0.0, 1.0),
) -> Targets:
    """The one rule for targets, used for training, validation and test alike.

    Classes are:

    - integer labels of shape (m,): 0 … n_L − 1, or 0 and 1 for a one-output
      network;
    - one-hot columns of shape (n_L, m), n_L ≥ 2;
    - a (1, m) row of 0s and 1s for a one-output network (or of −1s and 1s,
      the class targets of a tanh output).

    Labels become one-hot columns, and a one-output network's classes become
    the targets ``values`` = (class 0's, class 1's): see :func:`class_values`.
    Any other (n_L, m) array is used exactly as given — regression targets,
    soft targets — and has no classes (``labels`` is None).
    """
    arr = as_array(Y, name)
    if arr.ndim == 1:
        labels = check_labels(arr, max(n_out, 2), m, name, one_output=n_out == 1)
        return Targets(_encode(labels, n_out, dtype, values), labels)
    arr = as_real_array(arr, name, dtype)
    if arr.shape != (n_out, m):
        if arr.shape == (m, n_out):
            hint = f"; it looks transposed: pass {name}.T"
        elif arr.ndim == 2 and 1 in arr.shape and arr.size == m:
            hint = f"; if these are class labels, pass a 1-D array: {name}.ravel()"
        else:
            hint = ""
        raise ValueError(
            f"{name} has shape {arr.shape}; expected ({n_out}, {m}): {n_out} "
            f"row{'s' * (n_out != 1)}, one per output neuron, and one target column for each of the {m} samples "
            f"of X (or integer labels of shape ({m},)){hint}"
        )
    if n_out == 1:
        row = arr[0]
        if np.all((row == 0) | (row == 1)):  # 0/1: classes, given as numbers
            labels = row.astype(np.int64)
            return Targets(_encode(labels, n_out, dtype, values), labels)
        if np.all((row == values[0]) | (row == values[1])):
            return Targets(arr, (row == values[1]).astype(np.int64))
        return Targets(arr, None)
    if np.all((arr == 0) | (arr == 1)) and np.all(arr.sum(axis=0) == 1):
        return Targets(arr, np.argmax(arr, axis=0))
    return Targets(arr, None)


def _encode(
    labels: Array, n_out: int, dtype: np.dtype | type, values: tuple[float, float]
) -> Array:
    """Target columns for class labels: one-hot, or one row of class targets."""
    if n_out == 1:
        row = np.where(labels == 1, values[1], values[0]).astype(dtype)
        return np.asfortranarray(row.reshape(1, -1))
    # Fortran order: one sample's target contiguous, like the inputs.
    one_hot = np.zeros((n_out, labels.shape[0]), dtype=dtype, order="F")
    one_hot[labels, np.arange(labels.shape[0])] = 1.0
    return one_hot


def check_target_range(Y: Array, cost: Any, name: str = "Y") -> None:
    """Targets inside the cost's ``target_range``, if it declares one.

    The cross-entropy cost −[y ln a + (1 − y) ln(1 − a)] is a cost only for
    y in [0, 1]: for y > 1 it falls without bound as a → 1 (for y < 0, as
    a → 0). Real-valued targets are legitimate with the quadratic cost, which
    declares no range. A cost that declares ``targets_sum_to_one`` (the
    log-likelihood cost) also needs each column to sum to 1: only then is
    softmax's BP1 δ^L = a^L − y.
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
    if getattr(cost, "targets_sum_to_one", False) and Y.shape[0] > 1:
        sums = Y.sum(axis=0)
        dtype = Y.dtype if Y.dtype.kind == "f" else np.dtype(np.float64)
        tolerance = 8 * Y.shape[0] * np.finfo(dtype).eps
        worst = int(np.argmax(np.abs(sums - 1.0)))
        if abs(sums[worst] - 1.0) > tolerance:
            cost_name = getattr(cost, "name", type(cost).__name__)
            raise ValueError(
                f"{name} has a target column that sums to {sums[worst]:.6g} "
                f"(column {worst}); the {cost_name} cost needs each column to be a "
                f"distribution over the classes, summing to 1 (one-hot, or integer "
                f"labels of shape (m,))"
            )


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
    # '>f8' and '<f8' are the same numbers; arrays bp4 makes use the
    # machine's own byte order, which every file format here can store.
    return out.newbyteorder("=")


def check_sizes(sizes: Any) -> list[int]:
    """Layer widths ``[n_1, …, n_L]``: at least two positive integers."""
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence | np.ndarray):
        raise TypeError(
            f"sizes must be a list of layer widths, such as [64, 30, 10]; got {sizes!r}"
        )
    widths = list(sizes)
    if not all(isinstance(n, (int, float, np.integer, np.floating)) for n in widths):
        raise TypeError(
            f"sizes must be a list of layer widths, such as [64, 30, 10]; got {sizes!r}"
        )
    if len(widths) < 2 or not all(_is_integer(n) and n >= 1 for n in widths):
        raise ValueError(
            f"sizes must list at least two layers of positive integer widths, "
            f"such as [64, 30, 10]; got {widths!r}"
        )
    return [int(n) for n in widths]


def check_count(value: Any, name: str, minimum: int) -> int:
    """A whole number ``>= minimum`` (epochs, batch_size, patience, …); not a bool."""
    if not _is_integer(value) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def check_seed(seed: Any) -> np.random.Generator:
    """A generator seeded with ``seed``: None or a non-negative integer."""
    if seed is not None and not (_is_integer(seed) and seed >= 0):
        raise ValueError(f"seed must be None or a non-negative integer, got {seed!r}")
    return np.random.default_rng(seed)


def check_positive(value: Any, name: str) -> float:
    """A positive finite real number (η, ε): not a bool, not a string."""
    if isinstance(value, bool) or not isinstance(
        value, (int, float, np.integer, np.floating)
    ):
        raise TypeError(f"{name} must be a positive finite number, got {value!r}")
    # float() of an int beyond 1.8e308 raises OverflowError; it is not finite.
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number) or number <= 0:
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    return number


def check_non_negative(value: Any, name: str) -> float:
    """A finite real number >= 0 (λ): not a bool, not a string."""
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
        value, bool
    ):
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if math.isfinite(number) and number >= 0:
            return number
    raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")


def check_callback(callback: Any, name: str = "callback") -> None:
    """None, or something that can be called with one argument."""
    if callback is not None and not callable(callback):
        raise TypeError(
            f"{name} must be a function taking one EpochRecord, or None; "
            f"got {callback!r}"
        )


def check_pair(pair: Any, name: str) -> tuple[Any, Any]:
    """An ``(X, y)`` pair of data, such as ``test=(X_test, y_test)``."""
    if (
        isinstance(pair, (str, bytes, np.ndarray))
        or not isinstance(pair, Sequence)
        or len(pair) != 2
    ):
        raise TypeError(
            f"{name} must be a pair (X, y) of inputs and labels, got "
            f"{type(pair).__name__}"
            + (f" of length {len(pair)}" if isinstance(pair, Sequence) else "")
        )
    return pair[0], pair[1]


def check_batch(
    X: Any,
    Y: Any,
    sizes: Sequence[int],
    dtype: np.dtype,
    cost: Any,
    values: tuple[float, float] = (0.0, 1.0),
) -> tuple[Array, Array]:
    """Inputs (n_1, m) and targets (n_L, m) (or labels (m,)) for a network of ``sizes``.

    The targets follow the rule of :func:`targets` (``values`` are a
    one-output network's class targets) and are checked against the cost's
    ``target_range``, if it has one.
    """
    X, found = check_data(X, Y, sizes, dtype, cost, values)
    return X, found.Y


def check_data(
    X: Any,
    Y: Any,
    sizes: Sequence[int],
    dtype: np.dtype,
    cost: Any,
    values: tuple[float, float] = (0.0, 1.0),
    name: str = "",
) -> tuple[Array, Targets]:
    """:func:`check_batch`, keeping the classes: ``(X, Targets)``.

    ``name`` is the pair's name (``"validation"``): the arrays are then called
    ``validation[0]`` and ``validation[1]`` in messages.
    """
    x_name, y_name = (f"{name}[0]", f"{name}[1]") if name else ("X", "Y")
    X = check_inputs(X, sizes[0], dtype, name=x_name)
    found = targets(Y, sizes[-1], X.shape[1], dtype, y_name, values)
    check_target_range(found.Y, cost, y_name)
    return X, found


def _is_integer(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def check_output_and_cost(output_activation: Any, cost: Any) -> None:
    """Refuse an output layer the cost is not defined for, saying what to use.

    A cost may declare ``output_activations``, the names of the output
    activations it works with: the cross-entropy takes ln a and ln(1 − a), so
    every output must lie in (0, 1); the log-likelihood takes ln a^L_y of a
    probability vector, which only softmax makes.
    """
    allowed = getattr(cost, "output_activations", None)
    if allowed is None or output_activation.name in allowed:
        return
    cost_name = getattr(cost, "name", type(cost).__name__)
    why = {
        "cross-entropy": "it takes ln a and ln(1 − a), so every output must lie "
        "in (0, 1)",
        "log-likelihood": "it takes ln a^L_y of a probability vector (outputs "
        "that are positive and sum to 1)",
    }.get(cost_name, "it is not defined for that output")
    raise ValueError(
        f"the {cost_name} cost cannot be used with output_activation="
        f"{output_activation.name!r}: {why}. Use output_activation="
        f"{allowed[0]!r}, or cost='quadratic'"
    )


def check_parameters(
    weights: Any,
    biases: Any,
    sizes: Sequence[int],
    dtype: np.dtype,
    *,
    finite: bool = True,
    writeable: bool = False,
) -> None:
    """Weights and biases a network of ``sizes`` can compute with, as they are.

    ``weights[i]`` must be :math:`w^{i+2}`, an array of shape
    :math:`(n_{i+2}, n_{i+1})`, and ``biases[i]`` :math:`b^{i+2}`, of shape
    :math:`(n_{i+2}, 1)`: one of each for every layer after the input, of the
    network's ``dtype``, with finite values (``finite=False`` skips that
    check, for the methods whose result shows a NaN or reports it). A 1-D bias :math:`(n_l,)` is
    refused, not broadcast: added to z^l it would be added along the wrong
    axis whenever the batch happens to have n_l columns. ``writeable=True``
    (for the methods that update in place) also refuses read-only arrays, so
    that a step fails before it changes any layer, not after the first.

    Students set ``net.weights`` and ``net.biases`` by hand; the methods of
    :class:`bp4.Network` call this once per call (never per batch), and the
    teaching tools may call it too. Each failure names the layer in the
    text's numbering (w^3, b^2) and the shape expected.
    """
    L = len(sizes)
    for name, params in (("weights", weights), ("biases", biases)):
        if isinstance(params, np.ndarray) or not isinstance(params, Sequence):
            raise TypeError(
                f"{name} must be a list of {L - 1} arrays, one per layer l = 2 … {L}; "
                f"got {type(params).__name__}"
            )
        if len(params) != L - 1:
            what = "weight matrices w^l" if name == "weights" else "bias columns b^l"
            raise ValueError(
                f"{name} has {len(params)} arrays, but sizes {list(sizes)} need "
                f"{L - 1} {what}, for l = 2 … {L}"
            )
    for i, (w, b) in enumerate(zip(weights, biases)):
        l = i + 2  # weights[0] is w^2: Python counts from 0, the text from 1
        _check_parameter(w, f"w^{l}", f"weights[{i}]", (sizes[i + 1], sizes[i]),
                         f"(n_{l}, n_{l - 1})", dtype, finite, writeable)  # fmt: skip
        _check_parameter(b, f"b^{l}", f"biases[{i}]", (sizes[i + 1], 1),
                         f"(n_{l}, 1)", dtype, finite, writeable)  # fmt: skip


def _check_parameter(
    value: Any,
    symbol: str,
    name: str,
    shape: tuple[int, int],
    symbolic: str,
    dtype: np.dtype,
    finite: bool,
    writeable: bool,
) -> None:
    """One w^l or b^l: see :func:`check_parameters`."""
    where = f"{symbol} ({name})"
    if not isinstance(value, np.ndarray) or isinstance(
        value, (np.matrix, np.ma.MaskedArray)
    ):
        raise TypeError(
            f"{where} must be a NumPy array of shape {shape} = {symbolic}, got "
            f"{type(value).__name__}: set net.{name} = np.array(..., "
            f"dtype=np.{dtype.name})"
        )
    if value.shape != shape:
        hint = ""
        if value.shape == shape[::-1] and shape[0] != shape[1]:
            hint = f"; it looks transposed: set net.{name} = net.{name}.T"
        elif value.shape == (shape[0],):
            hint = (
                f"; a 1-D bias would be added along the wrong axis, so bp4 refuses "
                f"it: set net.{name} = net.{name}.reshape(-1, 1)"
            )
        raise ValueError(
            f"{where} has shape {value.shape}; expected {shape} = {symbolic}{hint}"
        )
    if value.dtype != dtype:
        got = str(value.dtype)
        if value.dtype.name == dtype.name:
            got = f"{value.dtype.str} (the other byte order)"
        raise TypeError(
            f"{where} has dtype {got}; expected the network's dtype {dtype.name}: "
            f"set net.{name} = net.{name}.astype(np.{dtype.name})"
        )
    # One sum is finite when every value is (NaN and ±inf propagate); only if
    # it is not, min and max tell NaN or ±inf from a sum that overflowed.
    if (
        finite
        and not math.isfinite(np.add.reduce(value, axis=None))
        and not (np.isfinite(value.min()) and np.isfinite(value.max()))
    ):
        raise ValueError(
            f"{where} contains NaN or infinite values; expected finite numbers "
            f"(re-create the network, or load a saved one)"
        )
    if writeable and not value.flags.writeable:
        raise ValueError(
            f"{where} is read-only, and training updates it in place: set a "
            f"writeable copy, net.{name} = net.{name}.copy()"
        )


def _real(value: Any) -> float | None:
    """``value`` as a finite float, or None if it is not a finite real number."""
    if isinstance(value, bool) or not isinstance(
        value, (int, float, np.integer, np.floating)
    ):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def check_momentum(value: Any) -> float:
    """The momentum coefficient μ of v → μv − η∇C: a number in [0, 1)."""
    mu = _real(value)
    if mu is not None and 0 <= mu < 1:
        return mu
    if mu is not None and mu >= 1:
        why = (
            "μ = 1 leaves no friction and μ > 1 makes the velocity grow without "
            "bound, so gradient descent diverges"
        )
    elif mu is not None:
        why = "μ < 0 reverses the velocity at every step, so the descent oscillates"
    else:
        why = "1 − μ is the friction that slows the velocity v"
    raise ValueError(f"momentum must be a number in [0, 1), got {value!r}: {why}")


def check_dropout(value: Any, sizes: Sequence[int]) -> float:
    """The probability p of dropping a hidden neuron: a number in [0, 1)."""
    p = _real(value)
    if p is None or not 0 <= p < 1:
        raise ValueError(
            f"dropout must be a probability in [0, 1), got {value!r}: p is the "
            f"chance that a hidden neuron is dropped (p = 1 would drop them all)"
        )
    if p > 0 and len(sizes) < 3:
        raise ValueError(
            f"dropout drops hidden neurons, and sizes {list(sizes)} has no hidden "
            f"layer: use dropout=0"
        )
    return p


def check_training_set_size(value: Any, m: int) -> int:
    """n of L2's ηλ/n: the training set's size, so at least the batch's m."""
    if not _is_integer(value) or value < m:
        raise ValueError(
            f"n must be the number of training samples, at least the batch's "
            f"m = {m}, got {value!r}"
        )
    return int(value)
