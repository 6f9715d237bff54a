"""One step of backpropagation on one sample, with every number shown.

:func:`explain` runs bp4's own forward pass and BP1–BP4 functions on a tiny
network and keeps every quantity the text names: x and y, each z^l and a^l,
the cost C and ∇_a C, each δ^l, ∂C/∂b^l and ∂C/∂w^l, and finite-difference
estimates of a few partial derivatives to set beside the backpropagated ones.
:func:`format_walkthrough` prints them in the order the algorithm computes
them, each under its equation label. ``python -m bp4 explain`` does both.

Layers are numbered as in the text, l = 1 (the input) … L; Python lists count
from 0, so ``weights[0]`` is w^2 and ``deltas[0]`` is δ^2. The accessors
``walk.w(l)``, ``walk.delta(l)`` and so on take the text's l.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .activations import Activation
from .array import Array
from .backprop import backward
from .cost import Cost
from .forward import forward
from .network import Network
from .validation import check_inputs, check_positive, check_targets

# Every matrix is printed in full; wider layers would not fit on a screen.
MAX_PRINTED_WIDTH = 10


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


@dataclass(frozen=True)
class Walkthrough:
    """Every quantity of one backpropagation step on one sample (one column).

    Lists hold one entry per layer in Python's order: ``zs[0]``, ``deltas[0]``,
    ``nabla_w[0]`` belong to layer l = 2, ``activations[0]`` is a^1 = x.
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
    sigma_primes: list[Array]  # σ'(z^l), kept for BP1 and BP2
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
    y = _one_column(check_targets(y, n_out, 1, np.float64, name="y"), "y")
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


# -- printing -----------------------------------------------------------------

COST_FORMULAS = {
    "quadratic": ("C = ½ ‖y − a^L‖²", "∇_a C = a^L − y"),
    "cross-entropy": (
        "C = −Σ_j [y_j ln a^L_j + (1 − y_j) ln(1 − a^L_j)]",
        "∇_a C = (a^L − y) / (a^L (1 − a^L))",
    ),
}


def _number(v: float) -> str:
    """4 significant digits, trailing zeros kept so that columns line up."""
    return f"{v:#.4g}"


def _align(cells: list[str]) -> list[str]:
    """Pad the strings so that their decimal points fall in one column."""
    parts = [_split_point(c) for c in cells]
    left = max(len(p[0]) for p in parts)
    right = max(len(p[1]) for p in parts)
    return [p[0].rjust(left) + p[1].ljust(right) for p in parts]


def _split_point(cell: str) -> tuple[str, str]:
    for mark in ".e":
        i = cell.find(mark)
        if i >= 0:
            return cell[:i], cell[i:]
    return cell, ""


@dataclass
class _Block:
    """A labelled matrix: a label line above its rows."""

    label: str
    rows: list[str]

    @property
    def width(self) -> int:
        return max(len(self.label), *(len(r) for r in self.rows))


def _matrix(name: str, M: Array) -> _Block:
    """``name (3×2)`` above the rows of M, each column aligned on its decimal point."""
    columns = [_align([_number(v) for v in M[:, k]]) for k in range(M.shape[1])]
    rows = [
        "[ " + "  ".join(col[j] for col in columns) + " ]" for j in range(M.shape[0])
    ]
    return _Block(f"{name} ({M.shape[0]}×{M.shape[1]})", rows)


def _equation(*parts: _Block | str, indent: str = "    ") -> list[str]:
    """Blocks side by side, operators between them on the middle row."""
    height = max(len(p.rows) for p in parts if isinstance(p, _Block))
    middle = (height - 1) // 2
    columns: list[list[str]] = []
    for previous, part in zip((None, *parts), parts):
        if isinstance(previous, _Block) and isinstance(part, _Block):
            columns.append([""] * (height + 1))  # a wider gap between unrelated blocks
        if isinstance(part, str):
            column = [""] * (height + 1)
            column[middle + 1] = part
            width = len(part)
        else:
            top = (height - len(part.rows)) // 2
            column = [part.label] + [""] * height
            column[1 + top : 1 + top + len(part.rows)] = part.rows
            width = part.width
        columns.append([cell.ljust(width) for cell in column])
    return [
        (indent + "  ".join(col[r] for col in columns)).rstrip()
        for r in range(height + 1)
    ]


def format_walkthrough(walk: Walkthrough) -> str:
    """The walk-through as text: every quantity, in order, under its equation label."""
    too_wide = [n for n in walk.sizes if n > MAX_PRINTED_WIDTH]
    if too_wide:
        raise ValueError(
            f"sizes must be at most {MAX_PRINTED_WIDTH} neurons a layer to print every "
            f"matrix, got {walk.sizes}; try sizes such as [2, 3, 2]"
        )
    L = walk.num_layers
    cost_name = getattr(walk.cost, "name", repr(walk.cost))
    c_formula, nabla_formula = COST_FORMULAS.get(cost_name, ("C", "∇_a C"))
    sigmas = f"σ = {walk.activation.name}"
    if walk.output_activation.name != walk.activation.name:
        sigmas += f" (hidden), {walk.output_activation.name} (output)"
    out: list[str] = [
        f"Backpropagation step by step: sizes {walk.sizes}, {sigmas}, "
        f"{cost_name} cost, seed {walk.seed}.",
        "One sample x with target y. Layers are numbered as in the text,",
        f"l = 1 (input) … L = {L}; Python counts from 0, so weights[0] is w^2.",
        "· is the matrix product, ⊙ the Hadamard (element-by-element) product;",
        "numbers are rounded to 4 significant digits.",
        "",
        "1. Input: a^1 = x",
    ]
    out += _equation(_matrix("x = a^1", walk.x), _matrix("y", walk.y))

    out += ["", "2. Feedforward, l = 2 … L: z^l = w^l a^{l-1} + b^l and a^l = σ(z^l)"]
    for l in range(2, L + 1):
        out.append(f"  l = {l}")
        out += _equation(
            _matrix(f"w^{l}", walk.w(l)),
            "·",
            _matrix(f"a^{l - 1}", walk.a(l - 1)),
            "+",
            _matrix(f"b^{l}", walk.b(l)),
            "=",
            _matrix(f"z^{l}", walk.z(l)),
        )
        out += _equation(
            _matrix(f"a^{l} = σ(z^{l})", walk.a(l)),
            _matrix(f"σ'(z^{l})", walk.sigma_primes[l - 2]),
        )

    out += [
        "",
        f"3. Cost: {c_formula} = {_number(walk.C)}",
        f"   and its gradient with respect to the output, {nabla_formula}",
    ]
    out += _equation(
        _matrix(f"a^{L}", walk.a(L)),
        _matrix("y", walk.y),
        _matrix("∇_a C", walk.nabla_a),
    )

    out += ["", f"4. Output error (BP1): δ^L = ∇_a C ⊙ σ'(z^L), L = {L}"]
    out += _equation(
        _matrix("∇_a C", walk.nabla_a),
        "⊙",
        _matrix(f"σ'(z^{L})", walk.sigma_primes[-1]),
        "=",
        _matrix(f"δ^{L}", walk.delta(L)),
    )
    out.append(f"  element by element, δ^{L}_j = ∂C/∂a^{L}_j σ'(z^{L}_j):")
    nabla = _align([_number(v) for v in walk.nabla_a[:, 0]])
    prime = _align([_number(v) for v in walk.sigma_primes[-1][:, 0]])
    delta = _align([_number(v) for v in walk.delta(L)[:, 0]])
    for j in range(walk.sizes[-1]):
        out.append(f"    δ^{L}_{j + 1} = {nabla[j]} × {prime[j]} = {delta[j]}".rstrip())

    out += [
        "",
        "5. Backpropagate the error (BP2), l = L−1 … 2: "
        "δ^l = ((w^{l+1})^T δ^{l+1}) ⊙ σ'(z^l)",
    ]
    if L == 2:
        out.append("  (no hidden layers: δ^2 is the output error, BP2 is not needed)")
    for l in range(L - 1, 1, -1):
        back = walk.w(l + 1).T @ walk.delta(l + 1)
        out.append(f"  l = {l}")
        out += _equation(
            _matrix(f"(w^{l + 1})^T", walk.w(l + 1).T),
            "·",
            _matrix(f"δ^{l + 1}", walk.delta(l + 1)),
            "=",
            _matrix(f"(w^{l + 1})^T δ^{l + 1}", back),
        )
        out += _equation(
            _matrix(f"(w^{l + 1})^T δ^{l + 1}", back),
            "⊙",
            _matrix(f"σ'(z^{l})", walk.sigma_primes[l - 2]),
            "=",
            _matrix(f"δ^{l}", walk.delta(l)),
        )

    out += ["", "6. Gradient for the biases (BP3): ∂C/∂b^l = δ^l"]
    out += _equation(
        *(_matrix(f"∂C/∂b^{l}", walk.bias_gradient(l)) for l in range(2, L + 1))
    )

    out += [
        "",
        "7. Gradient for the weights (BP4): ∂C/∂w^l = δ^l (a^{l-1})^T, the outer product",
        "   of δ^l and a^{l-1}: ∂C/∂w^l_{jk} = a^{l-1}_k δ^l_j",
    ]
    for l in range(2, L + 1):
        out.append(f"  l = {l}")
        out += _equation(
            _matrix(f"δ^{l}", walk.delta(l)),
            "·",
            _matrix(f"(a^{l - 1})^T", walk.a(l - 1).T),
            "=",
            _matrix(f"∂C/∂w^{l}", walk.weight_gradient(l)),
        )

    out += [
        "",
        "8. Check: backpropagation beside finite differences,",
        f"   ∂C/∂θ ≈ (C(θ + ε) − C(θ − ε)) / 2ε with ε = {walk.eps:g}",
        "  (subscripts count from 1 as in the text: w^2_{11} is weights[0][0, 0])",
    ]
    rows = [
        ["partial derivative", *(c.label for c in walk.checks)],
        ["backprop", *_align([f"{c.backprop:.10g}" for c in walk.checks])],
        ["finite difference", *_align([f"{c.estimate:.10g}" for c in walk.checks])],
        ["difference", *(f"{abs(c.backprop - c.estimate):.1e}" for c in walk.checks)],
    ]
    widths = [max(map(len, column)) for column in rows]
    for r in range(len(walk.checks) + 1):
        cells = [column[r].ljust(w) for column, w in zip(rows, widths)]
        out.append(("    " + "  ".join(cells)).rstrip())
    return "\n".join(out)
