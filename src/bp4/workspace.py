"""The arrays one forward and backward pass fill, allocated once and reused.

:func:`bp4.forward.forward` and :func:`bp4.backprop.backward` write every
z^l, a^l, σ'(z^l), δ^l, ∂C/∂w^l and ∂C/∂b^l into a :class:`Pass`. Called on
their own they allocate a fresh one; :meth:`bp4.Network.sgd` keeps a
:class:`Workspace` instead, so that the thousands of batches of an epoch reuse
the same memory. A step on a batch of 100 would otherwise free about a
megabyte of temporaries, which the C allocator hands back to the operating
system, paying page faults to get it back on the next step. The arithmetic is
the same either way: only where the results are written differs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .array import Array


@dataclass
class Pass:
    """Every quantity of one pass over a batch of m columns, per layer.

    Lists are in Python's order, as ``weights``: ``zs[i]``, ``sigma_primes[i]``,
    ``deltas[i]``, ``nabla_w[i]`` and ``nabla_b[i]`` belong to layer
    l = i + 2; ``activations[0]`` is the input a^1 = x and ``activations[i + 1]``
    is a^l.
    """

    zs: list[Array]  # z^l = w^l a^{l-1} + b^l, (n_l, m)
    activations: list[Array]  # a^l = σ(z^l), (n_l, m); activations[0] = x
    sigma_primes: list[Array]  # σ'(z^l), kept for BP1 and BP2 (NaN at L for softmax)
    deltas: list[Array]  # δ^l = ∂C/∂z^l
    nabla_w: list[Array]  # ∂C/∂w^l averaged over the batch (BP4)
    nabla_b: list[Array]  # ∂C/∂b^l averaged over the batch (BP3)
    # Dropout: per hidden layer, a column (n_l, 1) of 0 (dropped) and 1/(1 − p)
    # (kept), shared by the batch's samples; None without dropout.
    masks: list[Array] | None = None

    @classmethod
    def empty(cls, sizes: Sequence[int], m: int, dtype: np.dtype) -> Pass:
        """Fresh arrays for ``sizes = [n_1, …, n_L]`` and m columns."""
        layers = list(zip(sizes[:-1], sizes[1:]))
        return cls(
            zs=[np.empty((n, m), dtype) for _, n in layers],
            # a^1 is the input itself, which forward puts in its place.
            activations=[np.empty((sizes[0], 0), dtype)]
            + [np.empty((n, m), dtype) for _, n in layers],
            sigma_primes=[np.empty((n, m), dtype) for _, n in layers],
            deltas=[np.empty((n, m), dtype) for _, n in layers],
            nabla_w=[np.empty((n, k), dtype) for k, n in layers],
            nabla_b=[np.empty((n, 1), dtype) for _, n in layers],
        )


class Workspace:
    """Reusable :class:`Pass` arrays for batches of up to ``batch_size`` columns.

    ``workspace.gather(X_rows, Y_rows, batch)`` copies the columns ``batch``
    of the training data into the workspace's a^1 and y and returns the
    :class:`Pass` for a batch of that many columns, with its ``y``.

    The data is given one sample per contiguous row (``X.T`` C-ordered, which
    is ``X`` Fortran-ordered), so gathering a shuffled batch reads ``m``
    contiguous blocks; ``np.take(..., out=, mode="clip")`` writes them
    straight into the batch buffer (the default ``mode="raise"`` would first
    gather into a buffer of its own to check the indices, which ``batch``, a
    slice of a permutation, never needs).
    """

    def __init__(self, sizes: Sequence[int], batch_size: int, dtype: np.dtype):
        self.sizes = list(sizes)
        self.batch_size = batch_size
        self.dtype = dtype
        # One flat array per quantity and layer, sized for batch_size columns;
        # a batch of r columns uses the first n·r entries, so that the short
        # last batch of an epoch gets contiguous views of the same memory.
        m = batch_size
        self._flat = {
            key: [np.empty(n * m, dtype) for n in self.sizes[1:]]
            for key in ("zs", "activations", "sigma_primes", "deltas")
        }
        self._x = np.empty(self.sizes[0] * m, dtype)
        self._y = np.empty(self.sizes[-1] * m, dtype)
        self.nabla_w = [np.empty((n, k), dtype) for k, n in self._layers()]
        self.nabla_b = [np.empty((n, 1), dtype) for _, n in self._layers()]
        # Scratch for the update rule's η ∂C/∂w, which must not overwrite ∂C/∂w.
        self.step_w = [np.empty_like(w) for w in self.nabla_w]
        self.step_b = [np.empty_like(b) for b in self.nabla_b]
        self._passes: dict[int, tuple[Pass, Array, Array]] = {}

    def _layers(self) -> list[tuple[int, int]]:
        return list(zip(self.sizes[:-1], self.sizes[1:]))

    def _views(self, r: int) -> tuple[Pass, Array, Array]:
        """The Pass for r columns, with the rows of x^T and y^T it gathers into."""
        if r not in self._passes:

            def columns(key: str) -> list[Array]:
                return [
                    flat[: n * r].reshape(n, r)
                    for flat, n in zip(self._flat[key], self.sizes[1:])
                ]

            xT = self._x[: r * self.sizes[0]].reshape(r, self.sizes[0])
            yT = self._y[: r * self.sizes[-1]].reshape(r, self.sizes[-1])
            p = Pass(
                zs=columns("zs"),
                activations=[xT.T] + columns("activations"),
                sigma_primes=columns("sigma_primes"),
                deltas=columns("deltas"),
                nabla_w=self.nabla_w,
                nabla_b=self.nabla_b,
            )
            self._passes[r] = (p, xT, yT)
        return self._passes[r]

    def gather(self, X_rows: Array, Y_rows: Array, batch: Array) -> tuple[Pass, Array]:
        """The Pass for the samples ``batch``, its a^1 and y filled from the data.

        ``X_rows`` (n, n_1) and ``Y_rows`` (n, n_L) hold one sample per row.
        """
        p, xT, yT = self._views(len(batch))
        np.take(X_rows, batch, axis=0, out=xT, mode="clip")
        np.take(Y_rows, batch, axis=0, out=yT, mode="clip")
        return p, yT.T  # p.activations[0] is xT.T, a^1 with one column per sample
