"""One step of backpropagation on one sample, with every number shown.

:func:`explain` runs bp4's own forward pass and BP1–BP4 functions on a tiny
network and keeps every quantity the text names: x and y, each z^l and a^l,
the cost C and ∇_a C, each δ^l, ∂C/∂b^l and ∂C/∂w^l, and finite-difference
estimates of a few partial derivatives to set beside the backpropagated ones.
:func:`format_walkthrough` (in :mod:`bp4.teaching.layout`) prints them in the order
the algorithm computes them, each under its equation label, and
:mod:`bp4.teaching.typeset` typesets them for notebooks. ``python -m bp4 explain``
computes and prints.

Layers are numbered as in the text, l = 1 (the input) … L; Python lists count
from 0, so ``weights[0]`` is w^2 and ``deltas[0]`` is δ^2. The accessors
``walk.w(l)``, ``walk.delta(l)`` and so on take the text's l.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..activations import Activation
from ..array import Array
from ..backprop import backward
from ..cost import Cost
from ..forward import forward
from ..network import Network
from ..validation import check_inputs, check_positive, check_targets, class_values
from .layout import MAX_PRINTED_WIDTH, describe_network, format_walkthrough
from .typeset import walkthrough_markdown

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["FiniteDifference", "Walkthrough", "explain", "format_walkthrough"]


@dataclass(frozen=True)
class FiniteDifference:
    """One partial derivative two ways: by backpropagation and by a finite difference.

    ``parameter`` is ``"w"`` or ``"b"``, ``layer`` the text's l and ``index``
    the 0-based NumPy index into w^l or b^l (the text's w^l_{jk} is
    ``index = (j - 1, k - 1)``).
    """

    parameter: str
    layer: int
    index: tuple[int, int]
    backprop: float
    estimate: float

    @property
    def label(self) -> str:
        """``∂C/∂w^2_{11}``: the text's name, indices counted from 1."""
        j, k = self.index
        sub = f"{{{j + 1}{k + 1}}}" if self.parameter == "w" else f"{j + 1}"
        return f"∂C/∂{self.parameter}^{self.layer}_{sub}"


@dataclass(frozen=True, repr=False)
class Walkthrough:
    """Every quantity of one backpropagation step on one sample (one column).

    Lists hold one entry per layer in Python's order: ``zs[0]``, ``deltas[0]``,
    ``nabla_w[0]`` belong to layer l = 2, ``activations[0]`` is a^1 = x.

    ``print(walk)`` shows the whole walk-through as text
    (:func:`format_walkthrough`); a notebook shows it typeset, each step's
    matrices under its equation; ``walk.plot()`` draws the network coloured
    by δ^l_j and ∂C/∂w^l_{jk}.
    """

    sizes: list[int]
    activation: Activation  # σ of the hidden layers
    output_activation: Activation  # σ of the output layer
    cost: Cost
    seed: int | None
    weights: list[Array]  # w^l, shape (n_l, n_{l-1})
    biases: list[Array]  # b^l, shape (n_l, 1)
    x: Array  # (n_1, 1)
    y: Array  # (n_L, 1)
    zs: list[Array]  # z^l = w^l a^{l-1} + b^l
    activations: list[Array]  # a^l = σ(z^l); activations[0] = x
    sigma_primes: list[Array]  # σ'(z^l) for BP1 and BP2; NaN at L for softmax
    C: float  # the cost of this sample
    nabla_a: Array  # ∇_a C
    deltas: list[Array]  # δ^l: BP1 for l = L, BP2 below it
    nabla_b: list[Array]  # ∂C/∂b^l = δ^l (BP3)
    nabla_w: list[Array]  # ∂C/∂w^l = δ^l (a^{l-1})^T (BP4)
    checks: list[FiniteDifference]
    eps: float  # the nudge of the finite differences

    @property
    def num_layers(self) -> int:
        """The number of layers, input layer counted."""
        return len(self.sizes)

    def _index(self, l: int, first: int) -> int:
        if isinstance(l, bool) or not isinstance(l, (int, np.integer)):
            raise TypeError(f"l must be a layer number, got {l!r}")
        if not first <= l <= self.num_layers:
            raise ValueError(
                f"l must be a layer in {first} … {self.num_layers}, got {l}"
            )
        return int(l) - 2

    def w(self, l: int) -> Array:
        """w^l, l = 2 … L."""
        return self.weights[self._index(l, 2)]

    def b(self, l: int) -> Array:
        """b^l, l = 2 … L."""
        return self.biases[self._index(l, 2)]

    def z(self, l: int) -> Array:
        """z^l, l = 2 … L."""
        return self.zs[self._index(l, 2)]

    def a(self, l: int) -> Array:
        """a^l, l = 1 … L (a^1 = x)."""
        return self.activations[self._index(l, 1) + 1]

    def delta(self, l: int) -> Array:
        """δ^l, l = 2 … L."""
        return self.deltas[self._index(l, 2)]

    def bias_gradient(self, l: int) -> Array:
        """∂C/∂b^l, l = 2 … L."""
        return self.nabla_b[self._index(l, 2)]

    def weight_gradient(self, l: int) -> Array:
        """∂C/∂w^l, l = 2 … L."""
        return self.nabla_w[self._index(l, 2)]

    def __repr__(self) -> str:
        return f"<Walkthrough: {describe_network(self)}, C = {self.C:.4g}>"

    def __str__(self) -> str:
        """The walk-through as text, or the short form if a layer is too wide to print."""
        if any(n > MAX_PRINTED_WIDTH for n in self.sizes):
            return (
                f"{self!r} (layers wider than {MAX_PRINTED_WIDTH} neurons are not "
                "printed in full)"
            )
        return format_walkthrough(self)

    def _repr_markdown_(self) -> str | None:
        """Each step's matrices under its equation, as Markdown with LaTeX.

        None for layers too wide to print, so that notebooks show the repr.
        """
        if any(n > MAX_PRINTED_WIDTH for n in self.sizes):
            return None
        return walkthrough_markdown(self)

    def plot(self, ax: Any = None) -> Figure:
        """The network, each neuron coloured by δ^l_j and each connection by ∂C/∂w^l_{jk}.

        Needs matplotlib (``pip install "bp4[plot]"``). Draws into ``ax`` if
        given, else into a new figure; returns the figure.
        """
        from .display import plot_walkthrough

        return plot_walkthrough(self, ax)


def explain(
    sizes: Sequence[int] = (2, 3, 2),
    seed: int | None = 0,
    activation: str | Activation = "sigmoid",
    cost: str | Cost = "quadratic",
    x: object = None,
    y: object = None,
    eps: float = 1e-6,
    output_activation: str | Activation = "sigmoid",
) -> Walkthrough:
    """Backpropagate one sample through ``Network(sizes, activation, cost, seed=seed)``.

    ``output_activation`` is the output layer's σ, as in :class:`bp4.Network`.

    The weights and biases are exactly those of that network. Unless given,
    the input x (shape (n_1, 1)) is drawn uniformly from [0, 1) and rounded to
    two decimals, and the target y is a one-hot column of a random class,
    both from the network's generator after it drew the parameters.

    The steps are the text's algorithm, run by the same forward and backward
    pass that training runs (:func:`bp4.forward.forward`,
    :func:`bp4.backprop.backward`): BP1 (``output_error``), BP2
    (``hidden_error``) for l = L−1 … 2, then BP3 and BP4 (``bias_gradient``,
    ``weight_gradient``). Up to three partial derivatives are also estimated
    as (C(θ + ε) − C(θ − ε)) / 2ε.
    """
    net = Network(
        sizes, activation, cost, seed=seed, output_activation=output_activation
    )
    n_in, n_out = net.sizes[0], net.sizes[-1]
    if x is None:
        x = np.round(net.rng.random((n_in, 1)), 2)
    if y is None:
        y = np.zeros((n_out, 1))
        y[net.rng.integers(n_out), 0] = 1.0
    x = _one_column(check_inputs(x, n_in, np.float64, name="x"), "x")
    # The targets rule of training: a tanh output's classes are −1 and 1.
    values = class_values(net.output_activation)
    y = _one_column(check_targets(y, n_out, 1, np.float64, "y", values), "y")
    eps = check_positive(eps, "eps")
    sigma, C_fn = net.activation, net.cost_function

    # bp4's own forward and backward pass, the ones training runs: the Pass
    # they fill keeps every z^l, a^l, σ'(z^l), δ^l, ∂C/∂w^l and ∂C/∂b^l.
    p = forward(net.weights, net.biases, x, sigma, net.output_activation)
    nabla_w, nabla_b = backward(net.weights, y, C_fn, p, net.output_activation)
    zs, activations, sigma_primes, deltas = (
        p.zs,
        p.activations,
        p.sigma_primes,
        p.deltas,
    )
    if not net.output_activation.elementwise:
        # Softmax has no σ'(z^L) vector (its Jacobian is not diagonal), and the
        # forward pass leaves that buffer unwritten: NaN says "does not exist".
        sigma_primes = [*sigma_primes[:-1], np.full_like(zs[-1], np.nan)]
    nabla_a = C_fn.nabla_a(activations[-1], y)

    checks = [
        FiniteDifference(
            kind,
            i + 2,
            index,
            float((nabla_w if kind == "w" else nabla_b)[i][index]),
            _central_difference(net, kind, i, index, x, y, eps),
        )
        for kind, i, index in _checked_parameters(net.sizes)
    ]
    return Walkthrough(
        sizes=net.sizes,
        activation=sigma,
        output_activation=net.output_activation,
        cost=C_fn,
        seed=seed,
        weights=[w.copy() for w in net.weights],
        biases=[b.copy() for b in net.biases],
        x=x,
        y=y,
        zs=zs,
        activations=activations,
        sigma_primes=sigma_primes,
        C=C_fn.fn(activations[-1], y),
        nabla_a=nabla_a,
        deltas=deltas,
        nabla_b=nabla_b,
        nabla_w=nabla_w,
        checks=checks,
        eps=float(eps),
    )


def _one_column(arr: Array, name: str) -> Array:
    if arr.shape[1] != 1:
        raise ValueError(
            f"{name} must be a single sample, one column; got shape {arr.shape}"
        )
    return arr


def _checked_parameters(sizes: list[int]) -> list[tuple[str, int, tuple[int, int]]]:
    """w^2_{11} (the far end of BP2), b^L_1 and the last weight of w^L, without repeats."""
    last = len(sizes) - 2
    chosen = [
        ("w", 0, (0, 0)),
        ("b", last, (0, 0)),
        ("w", last, (sizes[-1] - 1, sizes[-2] - 1)),
    ]
    return list(dict.fromkeys(chosen))


def _central_difference(
    net: Network,
    kind: str,
    i: int,
    index: tuple[int, int],
    x: Array,
    y: Array,
    eps: float,
) -> float:
    """(C(θ + ε) − C(θ − ε)) / 2ε for θ = weights[i][index] or biases[i][index]."""
    theta = (net.weights if kind == "w" else net.biases)[i]
    saved = theta[index]
    theta[index] = saved + eps
    c_plus = net.cost(x, y)
    theta[index] = saved - eps
    c_minus = net.cost(x, y)
    theta[index] = saved
    return (c_plus - c_minus) / (2 * eps)
