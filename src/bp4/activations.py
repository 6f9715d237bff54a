"""Activation functions σ and their derivatives σ'.

BP1 and BP2 need σ'(z) at the weighted inputs the forward pass computed, so
every activation here is a pair: ``fn(z)`` computes ``a = σ(z)`` and
``prime(z)`` computes ``σ'(z)``. Both act element by element on arrays of any
shape. The forward pass calls :meth:`Activation.apply`, which writes σ(z^l)
and σ'(z^l) into arrays it is given; an activation may carry a faster
in-place form of that pair (``apply_in_place``), tested equal to ``fn`` and
``prime``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .array import Array


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


def sigmoid_in_place(z: Array, a: Array, sigma_prime: Array) -> None:
    """a = σ(z) and σ'(z) = σ(z) σ(−z), from one exponential, into ``a`` and ``sigma_prime``.

    σ(−z) = e^{−z} / (1 + e^{−z}) = e^{−z} σ(z), so both factors come from
    e^{−z}, each with full relative precision; :func:`sigmoid_prime` evaluates
    two exponentials. σ(z)(1 − σ(z)) would be cheaper still but loses digits
    once σ(z) nears 1 (at z = 20, a relative 5e-8).
    """
    s = sigma_prime
    np.negative(z, out=s)
    # e^{−z} overflows (with a warning) below z ≈ −709 in float64, −88 in
    # float32; capped there, σ(z) is the smallest float the cap allows rather
    # than the true e^{z}, a difference under 1e-307 (1e-38).
    np.minimum(s, _largest_exponent(s.dtype), out=s)
    np.exp(s, out=s)  # e^{−z}
    np.add(s, 1.0, out=a)
    np.reciprocal(a, out=a)  # a = σ(z)
    np.multiply(s, a, out=s)  # σ(−z)
    np.multiply(s, a, out=s)  # σ(z) σ(−z) = σ'(z)


def _largest_exponent(dtype: np.dtype) -> float:
    """A little below ln(largest float), so that e^x stays finite."""
    return float(np.floor(np.log(np.finfo(dtype).max)))


def tanh(z: Array) -> Array:
    """The hyperbolic tangent, σ(z) = tanh(z)."""
    return np.tanh(z)


def tanh_prime(z: Array) -> Array:
    """σ'(z) = 1 − tanh²(z), evaluated as 4u / (1 + u)², :math:`u = e^{−2|z|}`.

    The same number (1 − tanh² z = sech² z), but 1 − t² subtracts from 1 a t
    that rounds to ±1 once z passes about ±19, losing every digit, and loses
    a relative 1e-8 already at z = 10; u ≤ 1 never overflows.
    """
    e = np.exp(-np.abs(z))
    u = e * e  # e^{−2|z|}, without 2|z|, which overflows for |z| near the largest float
    return 4.0 * u / (1.0 + u) / (1.0 + u)


def tanh_in_place(z: Array, a: Array, sigma_prime: Array) -> None:
    """a = tanh(z) and σ'(z) = 4u / (1 + u)², :math:`u = e^{−2|z|}`, as :func:`tanh_prime`."""
    s = sigma_prime
    np.abs(z, out=s)
    np.negative(s, out=s)
    np.exp(s, out=s)
    np.multiply(s, s, out=s)  # u = (e^{−|z|})², as in tanh_prime
    np.add(s, 1.0, out=a)  # 1 + u, in a until tanh overwrites it
    np.multiply(s, 4.0, out=s)
    s /= a
    s /= a  # 4u / (1 + u)²
    np.tanh(z, out=a)


def relu(z: Array) -> Array:
    """The rectified linear unit, σ(z) = max(0, z)."""
    return np.maximum(z, 0.0)


def relu_prime(z: Array) -> Array:
    """σ'(z) = 1 where z > 0, else 0 (the derivative at z = 0 is taken as 0)."""
    return (z > 0).astype(z.dtype)


def relu_in_place(z: Array, a: Array, sigma_prime: Array) -> None:
    """a = max(0, z) and σ'(z) = [z > 0], without temporaries."""
    np.maximum(z, 0.0, out=a)
    np.greater(z, 0.0, out=sigma_prime)


def identity(z: Array) -> Array:
    """The identity, σ(z) = z: a linear output layer, for regression."""
    return np.asarray(z).copy()


def identity_prime(z: Array) -> Array:
    """σ'(z) = 1."""
    return np.ones_like(z)


def identity_in_place(z: Array, a: Array, sigma_prime: Array) -> None:
    """a = z and σ'(z) = 1."""
    np.copyto(a, z)
    sigma_prime.fill(1.0)


def softmax(z: Array) -> Array:
    """The softmax of each column: a_j = e^{z_j} / Σ_k e^{z_k}.

    Not element-wise: every a_j depends on the whole column z. Subtracting the
    column's largest z_k first changes nothing in the ratio and keeps e^{z}
    from overflowing.
    """
    e = np.exp(z - np.max(z, axis=0, keepdims=True))
    return e / np.sum(e, axis=0, keepdims=True)


def softmax_in_place(z: Array, a: Array, sigma_prime: Array) -> None:
    """a = softmax(z), column by column, in ``a``; ``sigma_prime`` is set to NaN.

    The Jacobian of softmax is not diagonal, so there is no σ'(z) vector: BP1
    takes the general form instead (:func:`bp4.backprop.softmax_output_error`).
    NaN says so to anyone who reads the array, rather than leaving whatever
    it held before.
    """
    sigma_prime.fill(np.nan)
    np.subtract(z, np.max(z, axis=0, keepdims=True), out=a)
    np.exp(a, out=a)
    a /= np.sum(a, axis=0, keepdims=True)


@dataclass(frozen=True)
class Activation:
    """An activation function σ together with its derivative σ'.

    ``apply_in_place(z, a, sigma_prime)``, if given, writes σ(z) into ``a``
    and σ'(z) into ``sigma_prime`` faster than ``fn`` and ``prime`` would; it
    must compute the same numbers (the tests check the built-in ones).
    ``prime`` is None for an activation that is not element-wise (softmax):
    it has no σ'(z) vector, only a full Jacobian, so it can only be an output
    layer's σ, where BP1 takes its general form.
    """

    name: str
    fn: Callable[[Array], Array]
    prime: Callable[[Array], Array] | None
    apply_in_place: Callable[[Array, Array, Array], None] | None = None

    @property
    def elementwise(self) -> bool:
        """Whether a_j depends on z_j alone, so that σ'(z) exists as a vector."""
        return self.prime is not None

    def apply(self, z: Array, a: Array, sigma_prime: Array) -> None:
        """a^l = σ(z^l) into ``a`` and σ'(z^l) into ``sigma_prime`` (for BP1 and BP2)."""
        if self.apply_in_place is not None:
            self.apply_in_place(z, a, sigma_prime)
        else:
            a[...] = self.fn(z)
            sigma_prime[...] = np.nan if self.prime is None else self.prime(z)

    def __repr__(self) -> str:
        return f"Activation({self.name!r})"


SIGMOID = Activation("sigmoid", sigmoid, sigmoid_prime, sigmoid_in_place)
TANH = Activation("tanh", tanh, tanh_prime, tanh_in_place)
RELU = Activation("relu", relu, relu_prime, relu_in_place)
IDENTITY = Activation("identity", identity, identity_prime, identity_in_place)
SOFTMAX = Activation("softmax", softmax, None, softmax_in_place)

# What each layer may use: a hidden σ must be element-wise (BP2 multiplies
# by σ'(z^l)); the output layer may also be linear (regression) or softmax.
ACTIVATIONS: dict[str, Activation] = {a.name: a for a in (SIGMOID, TANH, RELU)}
OUTPUT_ACTIVATIONS: dict[str, Activation] = {
    a.name: a for a in (SIGMOID, SOFTMAX, IDENTITY, TANH, RELU)
}


def get_activation(
    activation: str | Activation, name: str = "activation"
) -> Activation:
    """The hidden layers' activation named ``activation`` (or ``activation`` itself)."""
    return _get(activation, name, ACTIVATIONS)


def get_output_activation(
    activation: str | Activation, name: str = "output_activation"
) -> Activation:
    """The output layer's activation named ``activation`` (or ``activation`` itself)."""
    return _get(activation, name, OUTPUT_ACTIVATIONS)


def _get(
    activation: str | Activation, name: str, known: dict[str, Activation]
) -> Activation:
    if isinstance(activation, Activation):
        if name == "activation" and not activation.elementwise:
            raise ValueError(
                f"{name} {activation.name!r} is not element-wise, so BP2 has no "
                f"σ'(z^l) to use: it can only be an output_activation"
            )
        return activation
    if isinstance(activation, str) and activation in known:
        return known[activation]
    hint = ""
    if isinstance(activation, str) and activation in OUTPUT_ACTIVATIONS:
        hint = f" ({activation!r} is for the output layer: output_activation)"
    raise ValueError(
        f"{name} must be one of {sorted(known)} or an Activation, "
        f"got {activation!r}{hint}"
    )
