"""The forward pass: z^l = w^l a^{l-1} + b^l and a^l = σ(z^l), for l = 2, …, L.

A batch is a matrix whose columns are the samples, X = [x_1 … x_m] of shape
(n_1, m), so the matrix form reads exactly like the text's vector form.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .activations import Activation

Array = np.ndarray


def weighted_input(w: Array, a_prev: Array, b: Array) -> Array:
    """z^l = w^l a^{l-1} + b^l: shape (n_l, m); b^l (n_l, 1) is added to each column."""
    return w @ a_prev + b


def forward(
    weights: Sequence[Array], biases: Sequence[Array], x: Array, activation: Activation
) -> tuple[list[Array], list[Array]]:
    """Run the network on the columns of ``x`` and keep every z^l and a^l.

    Returns ``(zs, activations)``: ``activations[0]`` is the input a^1 = x,
    ``activations[i]`` and ``zs[i - 1]`` belong to layer l = i + 1 (lists are
    0-based, the text numbers layers from 1). BP1 and BP2 reuse the kept z^l
    to evaluate σ'(z^l); BP4 reuses the kept a^{l-1}.
    """
    a = x
    zs: list[Array] = []
    activations = [a]
    for w, b in zip(weights, biases):
        z = weighted_input(w, a, b)
        a = activation.fn(z)
        zs.append(z)
        activations.append(a)
    return zs, activations


def feedforward(
    weights: Sequence[Array], biases: Sequence[Array], x: Array, activation: Activation
) -> Array:
    """The output a^L for the columns of ``x``, keeping nothing else."""
    a = x
    for w, b in zip(weights, biases):
        a = activation.fn(weighted_input(w, a, b))
    return a
