"""The four fundamental equations of backpropagation, BP1–BP4, over a batch.

Every array has one column per sample: δ^l, z^l and a^l are (n_l, m). The
Hadamard product ⊙ is NumPy's element-wise ``*``. BP1 and BP2 hold for each
column on its own, so they carry over to the batch unchanged; BP3 and BP4 give
the gradient of one sample's cost C_x, and the cost is the average
C = (1/m) Σ_x C_x, so they average over the columns.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .activations import Activation
from .cost import Cost

Array = np.ndarray


def output_error(nabla_a: Array, sigma_prime_zL: Array) -> Array:
    """(BP1) δ^L = ∇_a C ⊙ σ'(z^L): the error of the output layer.

    Component form: δ^L_j = ∂C/∂a^L_j σ'(z^L_j).
    """
    return nabla_a * sigma_prime_zL


def hidden_error(w_next: Array, delta_next: Array, sigma_prime_z: Array) -> Array:
    """(BP2) δ^l = ((w^{l+1})^T δ^{l+1}) ⊙ σ'(z^l): the error of layer l from layer l+1.

    Component form: δ^l_j = Σ_k w^{l+1}_{kj} δ^{l+1}_k σ'(z^l_j).
    """
    return (w_next.T @ delta_next) * sigma_prime_z


def bias_gradient(delta: Array) -> Array:
    """(BP3) ∂C/∂b^l_j = δ^l_j, averaged over the batch's columns.

    Shape (n_l, 1), the shape of b^l.
    """
    return delta.mean(axis=1, keepdims=True)


def weight_gradient(delta: Array, a_prev: Array) -> Array:
    """(BP4) ∂C/∂w^l_{jk} = a^{l-1}_k δ^l_j, that is ∂C/∂w^l = δ^l (a^{l-1})^T.

    Over a batch, δ^l (A^{l-1})^T sums the per-sample outer products; dividing
    by m averages them. Shape (n_l, n_{l-1}), the shape of w^l.
    """
    return (delta @ a_prev.T) / delta.shape[1]


def backward(
    weights: Sequence[Array],
    zs: Sequence[Array],
    activations: Sequence[Array],
    y: Array,
    activation: Activation,
    cost: Cost,
) -> tuple[list[Array], list[Array]]:
    """The backward pass: BP1, then BP2 layer by layer, with BP3 and BP4 at each.

    ``zs`` and ``activations`` are what :func:`bp4.forward.forward` kept.
    Returns ``(nabla_w, nabla_b)``, the batch-averaged ∂C/∂w^l and ∂C/∂b^l,
    in the order of ``weights`` (``nabla_w[0]`` is ∂C/∂w^2).
    """
    nabla_w: list[Array] = [np.empty(0)] * len(weights)
    nabla_b: list[Array] = [np.empty(0)] * len(weights)
    delta = output_error(cost.nabla_a(activations[-1], y), activation.prime(zs[-1]))
    nabla_b[-1] = bias_gradient(delta)
    nabla_w[-1] = weight_gradient(delta, activations[-2])
    # As in the text, walk back from the output: index -k is the k-th layer
    # counted from the end, so weights[-k + 1] is w^{l+1} when zs[-k] is z^l.
    for k in range(2, len(weights) + 1):
        delta = hidden_error(weights[-k + 1], delta, activation.prime(zs[-k]))
        nabla_b[-k] = bias_gradient(delta)
        nabla_w[-k] = weight_gradient(delta, activations[-k - 1])
    return nabla_w, nabla_b
