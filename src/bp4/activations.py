"""Activation functions σ and their derivatives σ'.

BP1 and BP2 need σ'(z) at the weighted inputs the forward pass kept, so every
activation here is a pair: ``fn(z)`` computes ``a = σ(z)`` and ``prime(z)``
computes ``σ'(z)``. Both act element by element on arrays of any shape.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Array = np.ndarray


def sigmoid(z: Array) -> Array:
    """The logistic function σ(z) = 1 / (1 + e^{-z}).

    Computed as exp(−log(1 + e^{−z})) with ``np.logaddexp``: the same function,
    but ``np.exp(-z)`` alone would overflow (and warn) for z below about −710,
    and this form keeps full relative precision in both tails (σ(−40) ≈ 4.2e-18,
    not 0), so the cross-entropy cost never takes log(0) at finite z.
    """
    return np.exp(-np.logaddexp(0.0, -z))


def sigmoid_prime(z: Array) -> Array:
    """σ'(z) = σ(z)(1 − σ(z)).

    Evaluated as σ(z)σ(−z): 1 − σ(z) equals σ(−z), and subtracting from 1 would
    round to 0 for z above about 37.
    """
    return sigmoid(z) * sigmoid(-z)


def tanh(z: Array) -> Array:
    """The hyperbolic tangent, σ(z) = tanh(z)."""
    return np.tanh(z)


def tanh_prime(z: Array) -> Array:
    """σ'(z) = 1 − tanh²(z)."""
    t = np.tanh(z)
    return 1.0 - t * t


def relu(z: Array) -> Array:
    """The rectified linear unit, σ(z) = max(0, z)."""
    return np.maximum(z, 0.0)


def relu_prime(z: Array) -> Array:
    """σ'(z) = 1 where z > 0, else 0 (the derivative at z = 0 is taken as 0)."""
    return (z > 0).astype(z.dtype)


@dataclass(frozen=True)
class Activation:
    """An activation function σ together with its derivative σ'."""

    name: str
    fn: Callable[[Array], Array]
    prime: Callable[[Array], Array]

    def __repr__(self) -> str:
        return f"Activation({self.name!r})"


SIGMOID = Activation("sigmoid", sigmoid, sigmoid_prime)
TANH = Activation("tanh", tanh, tanh_prime)
RELU = Activation("relu", relu, relu_prime)

ACTIVATIONS: dict[str, Activation] = {a.name: a for a in (SIGMOID, TANH, RELU)}


def get_activation(activation: str | Activation) -> Activation:
    """Return the activation named ``activation`` (or ``activation`` itself)."""
    if isinstance(activation, Activation):
        return activation
    if isinstance(activation, str) and activation in ACTIVATIONS:
        return ACTIVATIONS[activation]
    raise ValueError(
        f"activation must be one of {sorted(ACTIVATIONS)} or an Activation, "
        f"got {activation!r}"
    )
