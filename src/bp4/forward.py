"""The forward pass: z^l = w^l a^{l-1} + b^l and a^l = σ(z^l), for l = 2, …, L.

A batch is a matrix whose columns are the samples, X = [x_1 … x_m] of shape
(n_1, m), so the matrix form reads exactly like the text's vector form.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .activations import Activation
from .array import Array
from .workspace import Pass


def weighted_input(
    w: Array, a_prev: Array, b: Array, out: Array | None = None
) -> Array:
    """:math:`z^l = w^l a^{l-1} + b^l`, shape :math:`(n_l, m)`; :math:`b^l` is added to each column.

    Written into ``out`` when given (NumPy's convention), else into a new array.
    """
    z = np.matmul(w, a_prev, out=out)
    z += b
    return z


def forward(
    weights: Sequence[Array],
    biases: Sequence[Array],
    x: Array,
    activation: Activation,
    output_activation: Activation | None = None,
    out: Pass | None = None,
    masks: Sequence[Array] | None = None,
) -> Pass:
    """Run the network on the columns of ``x``, keeping every :math:`z^l`, :math:`a^l`, :math:`σ'(z^l)`.

    ``activation`` is the hidden layers' σ, ``output_activation`` the output
    layer's (the same σ if not given). Returns the :class:`~bp4.workspace.Pass`
    written into (``out``, or a new one): ``activations[0]`` is the input
    a^1 = x, ``activations[i]`` and ``zs[i - 1]`` belong to layer l = i + 1
    (lists are 0-based, the text numbers layers from 1). BP1 and BP2 reuse the
    kept σ'(z^l); BP4 reuses the kept a^{l-1}.

    Dropout: ``masks[i]``, one column per hidden layer l = i + 2 of 0 and
    1/(1 − p), thins the network: :math:`a^l = σ(z^l) ⊙ m^l`. The
    masks are kept in the Pass, where :func:`bp4.backprop.backward` reads
    them for BP2.
    """
    if out is None:
        sizes = [x.shape[0]] + [w.shape[0] for w in weights]
        out = Pass.empty(sizes, x.shape[1], np.result_type(x, *weights))
    out.activations[0] = x
    out.masks = None if masks is None else list(masks)
    last = len(weights) - 1
    for i, (w, b) in enumerate(zip(weights, biases)):
        sigma = output_activation if i == last and output_activation else activation
        z = weighted_input(w, out.activations[i], b, out=out.zs[i])
        sigma.apply(z, out.activations[i + 1], out.sigma_primes[i])
        if masks is not None and i < last:
            out.activations[i + 1] *= masks[i]  # dropout's thinned layer
    return out


def feedforward(
    weights: Sequence[Array],
    biases: Sequence[Array],
    x: Array,
    activation: Activation,
    output_activation: Activation | None = None,
    block: int = 4096,
) -> Array:
    """The output :math:`a^L` for the columns of ``x``: :func:`forward`, a block at a time.

    Each column's output depends on that column alone, so the result is the
    same as one pass over all of them; only the memory shrinks: for 50,000
    samples z^2, a^2 and σ'(z^2) of a 30-neuron layer would be 12 MB each in
    float64. The blocks reuse one :class:`~bp4.workspace.Pass`.
    """
    n = x.shape[1]
    if n <= block:
        return forward(weights, biases, x, activation, output_activation).activations[
            -1
        ]
    sizes = [x.shape[0]] + [w.shape[0] for w in weights]
    a_L = np.empty((sizes[-1], n), np.result_type(x, *weights))
    full = Pass.empty(sizes, block, a_L.dtype)
    for k in range(0, n, block):
        x_k = x[:, k : k + block]
        p = full if x_k.shape[1] == block else None  # the short last block: fresh
        p = forward(weights, biases, x_k, activation, output_activation, out=p)
        a_L[:, k : k + block] = p.activations[-1]
    return a_L
