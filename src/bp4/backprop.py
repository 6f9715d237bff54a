"""The four fundamental equations of backpropagation, BP1–BP4, over a batch.

Every array has one column per sample: δ^l, z^l and a^l are (n_l, m). The
Hadamard product ⊙ is NumPy's element-wise ``*`` (``np.multiply``). BP1 and
BP2 hold for each column on its own, so they carry over to the batch
unchanged; BP3 and BP4 give the gradient of one sample's cost C_x, and the
cost is the average C = (1/m) Σ_x C_x, so they average over the columns.

Each function takes an optional ``out=``, NumPy's convention: the array to
write the result into (training reuses the same arrays batch after batch).
:func:`backward` calls the four functions by their names in this module when
it runs, so a function that replaces one of them (``bp4.backprop.output_error
= my_bp1``) changes what every part of bp4 computes: ``Network.backprop``,
``Network.update``, ``Network.sgd``, ``bp4 explain`` and the gradient check.
A replacement takes the same arguments and returns its result; ``out`` is
optional in it: a replacement written without an ``out`` parameter is called
without one, and a replacement that has it may ignore it and return a new
array.

Which form of BP1 runs depends on the cost and the output layer's σ
(:func:`output_error_form`): where they simplify together (sigmoid with the
cross-entropy cost, softmax with the log-likelihood cost) BP1 is the text's
chapter 3 result δ^L = a^L − y, computed as that; every other pairing takes
BP1's general form.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Sequence

import numpy as np

from .activations import Activation
from .array import Array
from .cost import Cost
from .workspace import Pass


def output_error(
    nabla_a: Array, sigma_prime_zL: Array, out: Array | None = None
) -> Array:
    """(BP1) :math:`δ^L = ∇_a C ⊙ σ'(z^L)`: the error of the output layer.

    Component form: :math:`δ^L_j = ∂C/∂a^L_j σ'(z^L_j)`.
    """
    return np.multiply(nabla_a, sigma_prime_zL, out=out)


def softmax_output_error(nabla_a: Array, a_L: Array, out: Array | None = None) -> Array:
    """(BP1, general form) :math:`δ^L = (∂a^L/∂z^L)^T ∇_a C`, for a softmax output.

    Softmax is not element-wise: :math:`∂a_k/∂z_j = a_k (1[j = k] − a_j)`, so
    :math:`δ^L_j = Σ_k ∂a_k/∂z_j ∂C/∂a_k = a_j (∂C/∂a_j − Σ_k a_k ∂C/∂a_k)`,
    that is :math:`δ^L = a^L ⊙ (∇_a C − (a^L · ∇_a C))` in each column, with
    no Jacobian matrix built. With the log-likelihood cost,
    :math:`∇_a C = −y/a^L` and this is :math:`δ^L = a^L − y`, which
    :func:`backward` computes as that (:func:`simplified_output_error`).

    Where one a_j nears 1, ∇_a C − (a^L · ∇_a C) subtracts two almost equal
    numbers at that j; there δ^L_j is computed as the same sum without them,
    :math:`a_j Σ_{k≠j} a_k (∂C/∂a_j − ∂C/∂a_k)` (Σ_k a_k = 1), so it keeps its
    digits.
    """
    dot = np.sum(a_L * nabla_a, axis=0, keepdims=True)  # a^L · ∇_a C, per column
    top = (np.argmax(a_L, axis=0), np.arange(a_L.shape[1]))  # largest a_j per column
    others = a_L.copy()
    others[top] = 0.0  # a_k for k ≠ j
    delta_top = a_L[top] * np.sum(others * (nabla_a[top] - nabla_a), axis=0)
    delta = np.multiply(a_L, np.subtract(nabla_a, dot, out=out), out=out)
    delta[top] = delta_top
    return delta


def simplified_output_error(a_L: Array, y: Array, out: Array | None = None) -> Array:
    r"""(BP1, simplified) :math:`δ^L = a^L − y`, where the cost and the output σ cancel.

    Sigmoid with the cross-entropy cost: :math:`∂C/∂a^L_j = (a_j − y_j) /
    (a_j (1 − a_j))` and :math:`σ'(z^L_j) = a_j (1 − a_j)`, so BP1's
    :math:`δ^L_j = ∂C/∂a^L_j σ'(z^L_j)` is :math:`a^L_j − y_j`. Softmax with the
    log-likelihood cost: :math:`∂C/∂a^L_j = −y_j / a_j` and the general form
    gives :math:`δ^L_j = a_j (−y_j/a_j + Σ_k y_k) = a^L_j − y_j` (each target
    column sums to 1). The text's chapter 3 result: σ' no longer slows a
    saturated, wrong output, and computed this way δ^L stays a − y where a^L
    rounds to 0 or 1, instead of a quotient of rounded numbers.
    """
    return np.subtract(a_L, y, out=out)


def softmax_cross_entropy_output_error(
    a_L: Array, y: Array, z_L: Array, out: Array | None = None
) -> Array:
    r"""(BP1, general form) :math:`δ^L = (∂a^L/∂z^L)^T ∇_a C` for softmax with the cross-entropy cost.

    With :math:`∂C/∂a_k = (a_k − y_k) / (a_k (1 − a_k))` and
    :math:`∂a_k/∂z_j = a_k (1[j = k] − a_j)`, the sum
    :math:`δ^L_j = Σ_k ∂a_k/∂z_j ∂C/∂a_k` is

    .. math:: δ^L_j = (a_j − y_j) − a_j Σ_{k≠j} r_k, \qquad r_k = (a_k − y_k) / (1 − a_k).

    No :math:`a_k (1 − a_k)` is left to divide by. Only the largest a of a
    column (k = M) can near 1; its term is
    :math:`a_j r_M = a_M (1 − y_M) q_j − y_M a_j`, where :math:`q_j = a_j / (1 − a_M)`
    is the softmax of z^L over the entries other than M, computed from z^L so
    that it stays exact when 1 − a_M rounds to 0. The result is the same
    number; it stays finite and accurate where a^L rounds to 0 or 1.
    """
    if a_L.shape[0] == 1:  # one softmax output is always 1: ∂a/∂z = 0
        return np.multiply(a_L, 0.0, out=out)
    top = (np.argmax(z_L, axis=0), np.arange(a_L.shape[1]))  # M, the largest z
    not_top = np.ones(a_L.shape, dtype=bool)
    not_top[top] = False
    r = np.zeros_like(a_L)  # r_k for k ≠ M only, where 1 − a_k ≥ 1/2
    np.divide(a_L - y, 1.0 - a_L, out=r, where=not_top)
    z_others = z_L.copy()
    z_others[top] = -np.inf
    q = np.exp(z_others - np.max(z_others, axis=0))
    q /= np.sum(q, axis=0)  # q_j = a_j / (1 − a_M), 0 at M
    a_r_top = a_L[top] * (1.0 - y[top]) * q - y[top] * a_L  # a_j r_M
    a_r_top[top] = 0.0
    sum_r = np.sum(r, axis=0)  # Σ_{k≠M} r_k
    delta = np.subtract(a_L, y, out=out)
    delta -= a_L * (sum_r - r) + a_r_top
    return delta


# The forms a cost may declare for an output σ (its output_error_forms).
_SIMPLIFIED_FORMS = frozenset({"a - y", "softmax cross-entropy"})


def output_error_form(cost: Cost, output_activation: Activation | None) -> str:
    """Which form of BP1 :func:`backward` takes for ``cost`` and the output σ.

    ``"a - y"`` (:func:`simplified_output_error`) where the cost declares that
    it simplifies with that σ (its ``output_error_forms``), ``"softmax
    cross-entropy"`` (:func:`softmax_cross_entropy_output_error`), else
    ``"hadamard"`` (:func:`output_error`) for an element-wise σ and
    ``"softmax"`` (:func:`softmax_output_error`) for one that is not.
    """
    forms = getattr(cost, "output_error_forms", None) or {}
    if output_activation is not None and output_activation.name in forms:
        form = forms[output_activation.name]
        if form not in _SIMPLIFIED_FORMS:
            raise ValueError(
                f"cost.output_error_forms[{output_activation.name!r}] is {form!r}; "
                f"expected one of {sorted(_SIMPLIFIED_FORMS)}"
            )
        return str(form)
    if output_activation is None or output_activation.elementwise:
        return "hadamard"
    return "softmax"


def hidden_error(
    w_next: Array, delta_next: Array, sigma_prime_z: Array, out: Array | None = None
) -> Array:
    """(BP2) :math:`δ^l = ((w^{l+1})^T δ^{l+1}) ⊙ σ'(z^l)`: the error of layer l from layer l+1.

    Component form: :math:`δ^l_j = Σ_k w^{l+1}_{kj} δ^{l+1}_k σ'(z^l_j)`.
    """
    return np.multiply(np.matmul(w_next.T, delta_next, out=out), sigma_prime_z, out=out)


def bias_gradient(delta: Array, out: Array | None = None) -> Array:
    """(BP3) :math:`∂C/∂b^l_j = δ^l_j`, averaged over the batch's columns.

    Shape :math:`(n_l, 1)`, the shape of :math:`b^l`.
    """
    summed = np.add.reduce(delta, axis=1, keepdims=True, out=out)  # Σ over samples
    return np.divide(summed, delta.shape[1], out=summed)


def weight_gradient(delta: Array, a_prev: Array, out: Array | None = None) -> Array:
    """(BP4) :math:`∂C/∂w^l_{jk} = a^{l-1}_k δ^l_j`, that is :math:`∂C/∂w^l = δ^l (a^{l-1})^T`.

    Over a batch, :math:`δ^l (A^{l-1})^T` sums the per-sample outer products;
    dividing by m averages them. Shape :math:`(n_l, n_{l-1})`, the shape of
    :math:`w^l`.
    """
    # (δ/m) aᵀ is (δ aᵀ)/m; dividing δ touches n_l·m numbers, not n_l·n_{l-1}.
    return np.matmul(delta / delta.shape[1], a_prev.T, out=out)


def backward(
    weights: Sequence[Array],
    y: Array,
    cost: Cost,
    p: Pass,
    output_activation: Activation | None = None,
) -> tuple[list[Array], list[Array]]:
    """The backward pass: BP1, then BP2 layer by layer, with BP3 and BP4 at each.

    ``p`` is what :func:`bp4.forward.forward` filled (every z^l, a^l and
    σ'(z^l)); this writes every δ^l into ``p.deltas`` and the batch-averaged
    ∂C/∂w^l and ∂C/∂b^l into ``p.nabla_w`` and ``p.nabla_b``, and returns
    ``(p.nabla_w, p.nabla_b)``, in the order of ``weights`` (``nabla_w[0]``
    is ∂C/∂w^2). ``output_activation`` is the output layer's σ: with the
    cost it chooses BP1's form (:func:`output_error_form`).

    With dropout's masks in ``p`` (see :func:`bp4.forward.forward`), BP2
    becomes :math:`δ^l = ((w^{l+1})^T δ^{l+1}) ⊙ σ'(z^l) ⊙ m^l`,
    and BP4 reads the masked :math:`a^{l-1}`: the gradient of the thinned
    network.
    """
    a_L, form = p.activations[-1], output_error_form(cost, output_activation)
    if form == "a - y":
        p.deltas[-1] = _call(simplified_output_error, a_L, y, out=p.deltas[-1])
    elif form == "softmax cross-entropy":
        p.deltas[-1] = _call(
            softmax_cross_entropy_output_error, a_L, y, p.zs[-1], out=p.deltas[-1]
        )
    elif form == "softmax":
        nabla_a = cost.nabla_a(a_L, y)  # ∇_a C
        p.deltas[-1] = _call(softmax_output_error, nabla_a, a_L, out=p.deltas[-1])
    else:
        nabla_a = cost.nabla_a(a_L, y)  # ∇_a C
        p.deltas[-1] = _call(
            output_error, nabla_a, p.sigma_primes[-1], out=p.deltas[-1]
        )
    # As in the text, walk back from the output: weights[i] is w^l with
    # l = i + 2, so weights[i + 1] is w^{l+1} and activations[i] is a^{l-1}.
    for i in reversed(range(len(weights))):
        if i < len(weights) - 1:
            p.deltas[i] = _call(
                hidden_error,
                weights[i + 1],
                p.deltas[i + 1],
                p.sigma_primes[i],
                out=p.deltas[i],
            )
            if p.masks is not None:  # dropout: a dropped neuron has δ^l_j = 0
                p.deltas[i] *= p.masks[i]
        p.nabla_b[i] = _call(bias_gradient, p.deltas[i], out=p.nabla_b[i])
        p.nabla_w[i] = _call(
            weight_gradient, p.deltas[i], p.activations[i], out=p.nabla_w[i]
        )
    return p.nabla_w, p.nabla_b


def _call(equation: Callable[..., Array], *args: Array, out: Array) -> Array:
    """``equation(*args, out=out)``, or without ``out`` for a replacement that has none."""
    try:
        takes_out = _takes_out(equation)
    except TypeError:  # an unhashable callable object: read its signature each time
        takes_out = _takes_out.__wrapped__(equation)
    if takes_out:
        return equation(*args, out=out)
    return equation(*args)


@functools.lru_cache(maxsize=64)
def _takes_out(equation: Callable[..., Array]) -> bool:
    try:
        parameters = inspect.signature(equation).parameters.values()
    except (TypeError, ValueError):  # no signature to read: pass out, as NumPy does
        return True
    return any(
        p.name == "out" or p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters
    )
