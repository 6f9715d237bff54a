"""One SGD step, fast: BP1–BP4 and the update rule on preallocated buffers.

:meth:`bp4.Network.sgd` spends nearly all its time in its inner loop, so that
loop calls :class:`BatchStep`. It computes what :func:`bp4.forward.forward`,
:func:`bp4.backprop.backward` and the update w → w − η ∂C/∂w compute, equation
by equation in the same order, with three changes that only affect speed:

1. Every array is allocated once per call of ``sgd`` and refilled with
   NumPy's ``out=``. A step on a batch of 100 would otherwise free about a
   megabyte of temporaries, which the C allocator hands back to the operating
   system, paying page faults to get it back on the next step.
2. BP3 and BP4 average over the m columns and the update multiplies by η;
   both factors are folded into δ^L once, as η/m. BP2 is linear in δ^{l+1},
   so every δ^l then carries the same factor, BP3 and BP4 give η ∂C/∂b^l and
   η ∂C/∂w^l directly, and the update is a single subtraction: two fewer
   passes over each weight matrix per step.
3. The samples are kept one per contiguous row (``X.T`` C-ordered, which is
   ``X`` Fortran-ordered), so gathering a shuffled batch reads ``m``
   contiguous blocks; ``np.take(..., out=, mode="clip")`` writes them
   straight into the batch buffer (the default ``mode="raise"`` would first
   gather into a buffer of its own to check the indices).

For the built-in activations σ and σ' are computed together in place; any
other activation uses its own ``fn`` and ``prime``. The tests check a step
against ``backward`` and the update rule to 1e-12 (``tests/test_fast.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal

import numpy as np

from .activations import (
    Activation,
    relu,
    relu_prime,
    sigmoid,
    sigmoid_prime,
    tanh,
    tanh_prime,
)
from .cost import Cost, QuadraticCost
from .forward import feedforward

Array = np.ndarray
# a^l = σ(z^l) and s^l = σ'(z^l) written into ``a`` and ``s``.
Kernel = Callable[[Array, Array, Array], None]


def _sigmoid(z: Array, a: Array, s: Array) -> None:
    """a = σ(z) = 1 / (1 + e^{−z}) and s = σ'(z) = σ(z) σ(−z), in place.

    σ(−z) = e^{−z} / (1 + e^{−z}) = e^{−z} σ(z), so both come from one
    exponential, each with full relative precision (the readable
    σ(z) σ(−z) in :mod:`bp4.activations` evaluates two). σ(z)(1 − σ(z)) would
    be cheaper still but loses digits once σ(z) nears 1: at z = 20 it is off
    by a relative 5e-8, and a saturated neuron's gradient with it.
    """
    np.negative(z, out=s)
    # e^{−z} overflows (with a warning) below z ≈ −709 in float64, −88 in
    # float32; capped there, σ(z) is the smallest normal-or-subnormal number
    # rather than the true e^{z}, a difference under 1e-307 (1e-38).
    np.minimum(s, _max_exp(s.dtype), out=s)
    np.exp(s, out=s)  # s = e^{−z}
    np.add(s, 1.0, out=a)
    np.reciprocal(a, out=a)  # a = σ(z)
    np.multiply(s, a, out=s)  # s = σ(−z)
    np.multiply(s, a, out=s)  # s = σ(z) σ(−z) = σ'(z)


def _tanh(z: Array, a: Array, s: Array) -> None:
    """a = tanh(z) and s = 1 − tanh²(z), in place."""
    np.tanh(z, out=a)
    np.multiply(a, a, out=s)
    np.subtract(1.0, s, out=s)


def _relu(z: Array, a: Array, s: Array) -> None:
    """a = max(0, z) and s = 1 where z > 0, else 0, in place."""
    np.maximum(z, 0.0, out=a)
    np.greater(z, 0.0, out=s)


_KERNELS: dict[tuple[Callable, Callable], Kernel] = {
    (sigmoid, sigmoid_prime): _sigmoid,
    (tanh, tanh_prime): _tanh,
    (relu, relu_prime): _relu,
}


def _max_exp(dtype: np.dtype) -> float:
    """A little below ln(largest float), so that e^x stays finite."""
    return float(np.floor(np.log(np.finfo(dtype).max)))


def _kernel(activation: Activation) -> Kernel:
    """The in-place kernel for a built-in σ, else one that calls ``fn`` and ``prime``."""
    kernel = _KERNELS.get((activation.fn, activation.prime))
    if kernel is not None:
        return kernel

    def generic(z: Array, a: Array, s: Array) -> None:
        a[...] = activation.fn(z)
        s[...] = activation.prime(z)

    return generic


class BatchStep:
    """``step(batch, eta)``: one SGD step on the columns ``batch`` of X.

    w^l → w^l − η ∂C/∂w^l and b^l → b^l − η ∂C/∂b^l with the batch-averaged
    gradients of BP1–BP4, applied in place to the arrays in ``weights`` and
    ``biases``. ``X`` (n_1, n) and ``Y`` (n_L, n) are checked arrays of the
    weights' dtype; ``batch`` is an integer array of at most ``batch_size``
    column indices in 0 … n − 1 (they are not checked again).

    ``X`` is used in place when it is Fortran-ordered (one sample contiguous,
    as :func:`bp4.load_digits` returns it); otherwise one copy in that order
    is made here, the same size as ``X``. ``Y`` is likewise used in place when
    Fortran-ordered, else copied once (n_L numbers a sample: 4 MB for 50,000
    one-hot float64 targets of 10 classes).

    After a call, ``nabla_w[i]`` and ``nabla_b[i]`` hold that step's
    η ∂C/∂w and η ∂C/∂b for ``weights[i]`` and ``biases[i]``.
    """

    def __init__(
        self,
        weights: list[Array],
        biases: list[Array],
        X: Array,
        Y: Array,
        batch_size: int,
        activation: Activation,
        cost: Cost,
        order: str | None = None,
    ) -> None:
        self.XT = np.ascontiguousarray(X.T)  # (n, n_1): a sample per row
        self.YT = np.ascontiguousarray(Y.T)
        self.sigma = _kernel(activation)
        self.cost = cost
        self.quadratic = type(cost) is QuadraticCost
        self.weights, self.biases = weights, biases
        m = min(batch_size, X.shape[1])
        dtype = X.dtype
        sizes = [X.shape[0]] + [w.shape[0] for w in weights]
        # Flat storage for m columns; a batch of r ≤ m columns uses the first
        # n·r entries, so its views stay contiguous (the last batch included).
        self._x = np.empty(sizes[0] * m, dtype)
        self._y = np.empty(sizes[-1] * m, dtype)
        self._zs = [np.empty(n * m, dtype) for n in sizes[1:]]
        self._as = [np.empty(n * m, dtype) for n in sizes[1:]]
        self._ss = [np.empty(n * m, dtype) for n in sizes[1:]]  # σ'(z^l)
        self._deltas = [np.empty(n * m, dtype) for n in sizes[1:]]
        self.nabla_w = [np.empty_like(w) for w in weights]
        self.nabla_b = [np.empty_like(b) for b in biases]
        self._views: dict[int, tuple] = {}
        # The memory order of z^l, a^l, σ'(z^l) and δ^l. Either gives the same
        # numbers; what differs is which BLAS kernel runs the products with the
        # widest layer. With NumPy's OpenBLAS 0.3.31 (SkylakeX kernels), one
        # sample contiguous ("F") made those products about 30% faster in
        # float32 and 20% slower in float64 (benchmarks/README.md), so each
        # dtype takes its faster order unless told otherwise.
        if order is None:
            order = "F" if dtype == np.float32 else "C"
        if order not in ("C", "F"):
            raise ValueError(f"order must be 'C' or 'F', got {order!r}")
        self.order: Literal["C", "F"] = "C" if order == "C" else "F"

    def _views_for(self, r: int) -> tuple:
        """(x^T, y^T, zs, activations, sigma_primes, deltas) for a batch of r."""
        if r not in self._views:
            n_in, n_out = self.XT.shape[1], self.YT.shape[1]
            sizes = [w.shape[0] for w in self.weights]

            def columns(flats: list[Array]) -> list[Array]:
                return [
                    f[: n * r].reshape(n, r, order=self.order)
                    for f, n in zip(flats, sizes)
                ]

            self._views[r] = (
                self._x[: r * n_in].reshape(r, n_in),
                self._y[: r * n_out].reshape(r, n_out),
                columns(self._zs),
                columns(self._as),
                columns(self._ss),
                columns(self._deltas),
            )
        return self._views[r]

    def __call__(self, batch: Array, eta: float) -> None:
        r = len(batch)
        xT, yT, zs, activations, sigma_primes, deltas = self._views_for(r)
        np.take(self.XT, batch, axis=0, out=xT, mode="clip")
        np.take(self.YT, batch, axis=0, out=yT, mode="clip")
        x, y = xT.T, yT.T  # a^1 and y: one column per sample

        # Forward: z^l = w^l a^{l-1} + b^l, a^l = σ(z^l); σ'(z^l) kept for BP1, BP2.
        a = x
        for w, b, z, a_l, s in zip(
            self.weights, self.biases, zs, activations, sigma_primes
        ):
            np.matmul(w, a, out=z)
            z += b
            self.sigma(z, a_l, s)
            a = a_l

        # (BP1) δ^L = ∇_a C ⊙ σ'(z^L), times η/m (see the module docstring).
        delta = deltas[-1]
        if self.quadratic:
            np.subtract(a, y, out=delta)  # ∇_a C = a^L − y
        else:
            delta[...] = self.cost.nabla_a(a, y)
        delta *= sigma_primes[-1]
        delta *= eta / r

        # Back from the output layer; weights[i] is w^l with l = i + 2.
        for i in range(len(self.weights) - 1, -1, -1):
            w, b, delta = self.weights[i], self.biases[i], deltas[i]
            nabla_w, nabla_b = self.nabla_w[i], self.nabla_b[i]
            a_prev = activations[i - 1] if i else x
            if i:
                # (BP2) δ^{l-1} = ((w^l)^T δ^l) ⊙ σ'(z^{l-1}), before w^l moves.
                np.matmul(w.T, delta, out=deltas[i - 1])
                deltas[i - 1] *= sigma_primes[i - 1]
            # (BP4) η ∂C/∂w^l = δ^l (a^{l-1})^T (δ^l carries η/m), then the update.
            np.matmul(delta, a_prev.T, out=nabla_w)
            w -= nabla_w
            # (BP3) η ∂C/∂b^l = δ^l summed over the batch's columns.
            np.add.reduce(delta, axis=1, keepdims=True, out=nabla_b)
            b -= nabla_b


def feedforward_in_blocks(
    weights: Sequence[Array],
    biases: Sequence[Array],
    X: Array,
    activation: Activation,
    block: int = 4096,
) -> Array:
    """a^L for the columns of X, :func:`bp4.forward.feedforward` a block at a time.

    Each column's output depends on that column alone, so the result is the
    same; only the temporaries shrink: for 50,000 samples z^2 and σ(z^2) of a
    30-neuron layer would be 12 MB each in float64, several alive at once.
    """
    n = X.shape[1]
    if n <= block:
        return feedforward(weights, biases, X, activation)
    out = np.empty((weights[-1].shape[0], n), X.dtype)
    for k in range(0, n, block):
        out[:, k : k + block] = feedforward(
            weights, biases, X[:, k : k + block], activation
        )
    return out
