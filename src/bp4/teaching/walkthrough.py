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

import copy
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import backprop
from ..activations import Activation
from ..array import Array
from ..cost import Cost
from ..forward import feedforward, forward
from ..network import Network
from ..training import update_parameters
from ..validation import (
    check_inputs,
    check_positive,
    check_target_range,
    check_targets,
    class_values,
)
from .layout import describe_network, format_walkthrough
from .typeset import walkthrough_markdown

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from .stepper import Stepper

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
        """``∂C/∂w^2_{11}``: the text's name, indices counted from 1.

        Indices past 9 are separated by a comma, ``∂C/∂w^2_{2,30}``.
        """
        j, k = self.index
        comma = "," if max(j, k) >= 9 else ""
        sub = f"{{{j + 1}{comma}{k + 1}}}" if self.parameter == "w" else f"{j + 1}"
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
    eta: float | None = None  # the learning rate η of the update, if asked for
    updated_weights: list[Array] | None = None  # w^l − η ∂C/∂w^l
    updated_biases: list[Array] | None = None  # b^l − η ∂C/∂b^l
    C_after: float | None = None  # the cost of the same sample after the update

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

    def updated_w(self, l: int) -> Array:
        """w^l − η ∂C/∂w^l, l = 2 … L (needs ``explain(…, eta=…)``)."""
        return self._updated(self.updated_weights)[self._index(l, 2)]

    def updated_b(self, l: int) -> Array:
        """b^l − η ∂C/∂b^l, l = 2 … L (needs ``explain(…, eta=…)``)."""
        return self._updated(self.updated_biases)[self._index(l, 2)]

    def _updated(self, arrays: list[Array] | None) -> list[Array]:
        if arrays is None:
            raise ValueError(
                "this walk-through stops at the gradients; explain(…, eta=0.5) "
                "goes on to the update"
            )
        return arrays

    def __repr__(self) -> str:
        after = "" if self.C_after is None else f" → {self.C_after:.4g} after the step"
        return f"<Walkthrough: {describe_network(self)}, C = {self.C:.4g}{after}>"

    def __str__(self) -> str:
        """The walk-through as text: every equation for every layer, wide matrices shortened."""
        return format_walkthrough(self)

    def _repr_markdown_(self) -> str:
        """Each step's matrices under its equation, as Markdown with LaTeX."""
        return walkthrough_markdown(self)

    def steps(self, interval: int = 2000) -> Stepper:
        """The walk-through one algorithm step at a time, to step through in a notebook.

        One frame per step: the input; the feedforward, layer by layer; the
        cost and BP1; BP2, layer by layer; BP3 and BP4; and, with ``eta``,
        the update. Each frame is the network with that step's quantities
        coloured, above the step's equation with its numbers. A notebook
        shows matplotlib's player (``interval`` milliseconds a frame when
        playing), which works offline. Needs matplotlib.
        """
        from .stepper import Stepper

        return Stepper(self, interval=interval)

    def save_html(self, path: str | os.PathLike) -> Path:
        """The stepper (:meth:`steps`) as one self-contained HTML page, for a projector.

        Nothing on the page is fetched from outside; ``page.html#step=3``
        opens the third step, and ← and → step. Returns the path.
        """
        return self.steps().save_html(path)

    def plot(self, ax: Any = None) -> Figure:
        """The network, each neuron coloured by δ^l_j and each connection by ∂C/∂w^l_{jk}.

        Needs matplotlib (``pip install "bp4[plot]"``). Draws into ``ax`` if
        given, else into a new figure that pyplot does not hold, so that a
        notebook cell ending in ``walk.plot()`` shows it once (``fig.savefig``
        writes it to a file); returns the figure.
        """
        from .display import plot_walkthrough

        return plot_walkthrough(self, ax)


def explain(
    net: Network | Sequence[int] | None = None,
    x: object = None,
    y: object = None,
    *,
    eta: float | None = None,
    seed: int | None = 0,
    activation: str | Activation | None = None,
    cost: str | Cost | None = None,
    output_activation: str | Activation | None = None,
    eps: float = 1e-6,
) -> Walkthrough:
    """Backpropagate one sample (x, y) through a network, keeping every quantity.

    ``net`` is a :class:`bp4.Network` (the student's own, or a trained one),
    or layer sizes such as ``[2, 3, 2]`` for a new
    ``Network(sizes, activation, cost, seed=seed, output_activation=…)``;
    with neither, the tiny ``[2, 3, 2]`` sigmoid network with the quadratic
    cost. ``activation``, ``cost`` and ``output_activation`` (defaults
    sigmoid, quadratic, sigmoid) build that new network; a given network has
    its own, and passing them with it is an error.

    x is one input column, shape (n_1, 1); y its target column (n_L, 1) or
    its class label (an int). Unless given, x is drawn uniformly from [0, 1)
    and rounded to two decimals, and y is a one-hot column of a random class:
    for sizes, from the new network's generator after it drew the parameters;
    for a given network, from ``numpy.random.default_rng(seed)``.

    The steps are the text's algorithm, run by the same forward and backward
    pass that training runs (:func:`bp4.forward.forward`,
    :func:`bp4.backprop.backward`): BP1 (``output_error``), BP2
    (``hidden_error``) for l = L−1 … 2, then BP3 and BP4 (``bias_gradient``,
    ``weight_gradient``), so the gradients are exactly ``net.backprop(x, y)``.
    With ``eta`` = η the walk-through goes on to the update rule
    w^l → w^l − η ∂C/∂w^l, b^l → b^l − η ∂C/∂b^l (on copies) and the cost of
    the same sample after it, ``C_after``. Up to three partial derivatives
    are also estimated as (C(θ + ε) − C(θ − ε)) / 2ε, in float64. The network
    itself is never changed: not its parameters, not its generator.
    """
    given = isinstance(net, Network)
    net, rng = _network_to_explain(net, x, seed, activation, cost, output_activation)
    n_in, n_out = net.sizes[0], net.sizes[-1]
    if x is None:
        x = np.round(rng.random((n_in, 1)), 2)
    if y is None:
        y = np.zeros((n_out, 1))
        y[rng.integers(n_out), 0] = 1.0
    elif isinstance(y, (int, np.integer)) and not isinstance(y, bool):
        y = [y]  # one class label
    x = _one_column(check_inputs(x, n_in, net.dtype, name="x"), "x")
    # The targets rule of training: a tanh output's classes are −1 and 1.
    values = class_values(net.output_activation)
    y = _one_column(check_targets(y, n_out, 1, net.dtype, "y", values), "y")
    check_target_range(y, net.cost_function, name="y")
    eps = check_positive(eps, "eps")
    if eta is not None:
        eta = check_positive(eta, "eta")
    sigma, C_fn = net.activation, net.cost_function

    # bp4's own forward and backward pass, the ones training runs: the Pass
    # they fill keeps every z^l, a^l, σ'(z^l), δ^l, ∂C/∂w^l and ∂C/∂b^l.
    p = forward(net.weights, net.biases, x, sigma, net.output_activation)
    nabla_w, nabla_b = backprop.backward(net.weights, y, C_fn, p, net.output_activation)
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
    weights = [w.copy() for w in net.weights]
    biases = [b.copy() for b in net.biases]

    updated_weights = updated_biases = None
    C_after = None
    if eta is not None:
        # Training's own update rule, applied to copies.
        updated_weights = [w.copy() for w in weights]
        updated_biases = [b.copy() for b in biases]
        update_parameters(updated_weights, updated_biases, nabla_w, nabla_b, eta)
        a_after = feedforward(
            updated_weights, updated_biases, x, sigma, net.output_activation
        )
        C_after = float(C_fn.fn(a_after, y))

    exact = _float64_copy(net)
    checks = [
        FiniteDifference(
            kind,
            i + 2,
            index,
            float((nabla_w if kind == "w" else nabla_b)[i][index]),
            _central_difference(exact, kind, i, index, x, y, eps),
        )
        for kind, i, index in _checked_parameters(net.sizes)
    ]
    return Walkthrough(
        sizes=list(net.sizes),
        activation=sigma,
        output_activation=net.output_activation,
        cost=C_fn,
        seed=None if given else seed,  # a given network's seed is its own
        weights=weights,
        biases=biases,
        x=x,
        y=y,
        zs=zs,
        activations=activations,
        sigma_primes=sigma_primes,
        C=float(C_fn.fn(activations[-1], y)),
        nabla_a=nabla_a,
        deltas=deltas,
        nabla_b=nabla_b,
        nabla_w=nabla_w,
        checks=checks,
        eps=float(eps),
        eta=eta,
        updated_weights=updated_weights,
        updated_biases=updated_biases,
        C_after=C_after,
    )


def _network_to_explain(
    net: object,
    x: object,
    seed: int | None,
    activation: str | Activation | None,
    cost: str | Cost | None,
    output_activation: str | Activation | None,
) -> tuple[Network, np.random.Generator]:
    """The network to explain and the generator that draws a missing x and y."""
    if isinstance(net, Network):
        given = {
            "activation": activation,
            "cost": cost,
            "output_activation": output_activation,
        }
        clashing = [name for name, value in given.items() if value is not None]
        if clashing:
            raise TypeError(
                f"{', '.join(clashing)} cannot be given with a Network: explain uses "
                f"the network's own ({net!r})"
            )
        return net, np.random.default_rng(seed)
    if net is not None and not isinstance(net, Sequence):
        raise TypeError(
            "net must be a bp4.Network, layer sizes such as [2, 3, 2], or None; "
            f"got {type(net).__name__}"
        )
    if isinstance(x, (int, np.integer)) and not isinstance(x, bool):
        raise TypeError(
            f"explain's second argument is the sample x, got the number {x!r}; "
            f"pass the seed by name: explain({list(net or (2, 3, 2))}, seed={x!r})"
        )
    new = Network(
        (2, 3, 2) if net is None else net,
        "sigmoid" if activation is None else activation,
        "quadratic" if cost is None else cost,
        seed=seed,
        output_activation="sigmoid" if output_activation is None else output_activation,
    )
    return new, new.rng


def _one_column(arr: Array, name: str) -> Array:
    if arr.shape[1] != 1:
        raise ValueError(
            f"{name} must be a single sample, one column; got shape {arr.shape}"
        )
    return arr


def _float64_copy(net: Network) -> Network:
    """A shallow copy of net with float64 parameters of its own, for the finite differences.

    In float32 a nudge of ε = 1e-6 is lost in rounding; and nudging a copy
    leaves the student's network untouched.
    """
    exact = copy.copy(net)
    exact.weights = [w.astype(np.float64) for w in net.weights]
    exact.biases = [b.astype(np.float64) for b in net.biases]
    exact.dtype = np.dtype(np.float64)
    return exact


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
