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
A replacement takes the same arguments, ``out`` included, and returns its
result (it may ignore ``out`` and return a new array).
"""

from __future__ import annotations

from collections.abc import Sequence

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
    :math:`∇_a C = −y/a^L` and this is :math:`δ^L = a^L − y`.
    """
    dot = np.sum(a_L * nabla_a, axis=0, keepdims=True)  # a^L · ∇_a C, per column
    return np.multiply(a_L, np.subtract(nabla_a, dot, out=out), out=out)


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
    is ∂C/∂w^2). ``output_activation`` is the output layer's σ: BP1 takes
    its Hadamard form unless σ is not element-wise (softmax).

    With dropout's masks in ``p`` (see :func:`bp4.forward.forward`), BP2
    becomes :math:`δ^l = ((w^{l+1})^T δ^{l+1}) ⊙ σ'(z^l) ⊙ m^l`,
    and BP4 reads the masked :math:`a^{l-1}`: the gradient of the thinned
    network.
    """
    nabla_a = cost.nabla_a(p.activations[-1], y)  # ∇_a C
    if output_activation is None or output_activation.elementwise:
        p.deltas[-1] = output_error(nabla_a, p.sigma_primes[-1], out=p.deltas[-1])
    else:
        p.deltas[-1] = softmax_output_error(
            nabla_a, p.activations[-1], out=p.deltas[-1]
        )
    # As in the text, walk back from the output: weights[i] is w^l with
    # l = i + 2, so weights[i + 1] is w^{l+1} and activations[i] is a^{l-1}.
    for i in reversed(range(len(weights))):
        if i < len(weights) - 1:
            p.deltas[i] = hidden_error(
                weights[i + 1], p.deltas[i + 1], p.sigma_primes[i], out=p.deltas[i]
            )
            if p.masks is not None:  # dropout: a dropped neuron has δ^l_j = 0
                p.deltas[i] *= p.masks[i]
        p.nabla_b[i] = bias_gradient(p.deltas[i], out=p.nabla_b[i])
        p.nabla_w[i] = weight_gradient(p.deltas[i], p.activations[i], out=p.nabla_w[i])
    return p.nabla_w, p.nabla_b
