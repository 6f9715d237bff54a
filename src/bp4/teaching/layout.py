"""The walk-through as text: each step of the algorithm under its equation label.

:func:`format_walkthrough` lays out a :class:`~bp4.teaching.walkthrough.Walkthrough`
that :func:`~bp4.teaching.walkthrough.explain` computed; it computes nothing itself.
Each step of the algorithm has one function returning its lines: the input,
the feedforward, the cost, BP1, BP2, BP3, BP4 and the finite-difference check.
Each column of a matrix is aligned on its decimal point; a matrix with more
than :data:`MAX_PRINTED_WIDTH` rows or columns is shortened the way NumPy
shortens arrays, to its first and last :data:`EDGE_ITEMS` rows and columns
with ⋮ and ⋯ between them, its shape named above it. The walk-through keeps
the full arrays.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..array import Array
from ..backprop import output_error_form

if TYPE_CHECKING:
    from .walkthrough import Walkthrough

# Matrices up to this many rows and columns are printed in full; larger ones
# keep their first and last EDGE_ITEMS rows and columns, as NumPy prints them.
MAX_PRINTED_WIDTH = 10
EDGE_ITEMS = 3

COST_FORMULAS = {
    "quadratic": ("C = ½ ‖y − a^L‖²", "∇_a C = a^L − y"),
    "cross-entropy": (
        "C = −Σ_j [y_j ln a^L_j + (1 − y_j) ln(1 − a^L_j)]",
        "∇_a C = (a^L − y) / (a^L (1 − a^L))",
    ),
    "log-likelihood": ("C = −Σ_j y_j ln a^L_j", "∇_a C = −y / a^L"),
}


def format_walkthrough(walk: Walkthrough) -> str:
    """The walk-through as text: every quantity, in order, under its equation label."""
    steps = [
        introduction,
        input_step,
        feedforward_step,
        cost_step,
        output_error_step,
        hidden_error_step,
        bias_gradient_step,
        weight_gradient_step,
        update_step,
        check_step,
    ]
    lines: list[str] = []
    for step in steps:
        part = step(walk)
        if lines and part:
            lines.append("")
        lines += part
    return "\n".join(lines)


def name_of(obj: object) -> str:
    """An activation's or a cost's ``name``; a custom object without one by its type."""
    name = getattr(obj, "name", None)
    return name if isinstance(name, str) else type(obj).__name__


def describe_network(walk: Walkthrough) -> str:
    """``sizes [2, 3, 2], σ = sigmoid, quadratic cost, seed 0`` (no seed for a given network)."""
    hidden, output = name_of(walk.activation), name_of(walk.output_activation)
    sigmas = (
        f"σ = {hidden}"
        if hidden == output
        else f"σ = {hidden} (hidden), {output} (output)"
    )
    seed = "" if walk.seed is None else f", seed {walk.seed}"
    return f"sizes {walk.sizes}, {sigmas}, {name_of(walk.cost)} cost{seed}"


def introduction(walk: Walkthrough) -> list[str]:
    return [
        f"Backpropagation step by step: {describe_network(walk)}.",
        "One sample x with target y. Layers are numbered as in the text,",
        f"l = 1 (input) … L = {walk.num_layers}; Python counts from 0, "
        "so weights[0] is w^2.",
        "· is the matrix product, ⊙ the Hadamard (element-by-element) product;",
        "numbers are rounded to 4 significant digits.",
    ]


def input_step(walk: Walkthrough) -> list[str]:
    """1. Input: a^1 = x."""
    return ["1. Input: a^1 = x"] + _equation(
        _matrix("x = a^1", walk.x), _matrix("y", walk.y)
    )


def feedforward_step(walk: Walkthrough) -> list[str]:
    """2. z^l = w^l a^{l-1} + b^l and a^l = σ(z^l) for l = 2 … L."""
    out = ["2. Feedforward, l = 2 … L: z^l = w^l a^{l-1} + b^l and a^l = σ(z^l)"]
    for l in range(2, walk.num_layers + 1):
        out += feedforward_layer(walk, l)
    return out


def feedforward_layer(walk: Walkthrough, l: int) -> list[str]:
    """Layer l of the feedforward: z^l, then a^l and σ'(z^l)."""
    out = [f"  l = {l}"]
    out += _equation(
        _matrix(f"w^{l}", walk.w(l)),
        "·",
        _matrix(f"a^{l - 1}", walk.a(l - 1)),
        "+",
        _matrix(f"b^{l}", walk.b(l)),
        "=",
        _matrix(f"z^{l}", walk.z(l)),
    )
    if l == walk.num_layers and not walk.output_activation.elementwise:
        name = name_of(walk.output_activation)
        return out + _equation(_matrix(f"a^{l} = {name}(z^{l})", walk.a(l)))
    return out + _equation(
        _matrix(f"a^{l} = σ(z^{l})", walk.a(l)),
        _matrix(f"σ'(z^{l})", walk.sigma_primes[l - 2]),
    )


def cost_step(walk: Walkthrough) -> list[str]:
    """3. The cost C of the sample and its gradient ∇_a C."""
    L = walk.num_layers
    c_formula, nabla_formula = COST_FORMULAS.get(name_of(walk.cost), ("C", "∇_a C"))
    return [
        f"3. Cost: {c_formula} = {_number(walk.C)}",
        f"   and its gradient with respect to the output, {nabla_formula}",
    ] + _equation(
        _matrix(f"a^{L}", walk.a(L)),
        _matrix("y", walk.y),
        _matrix("∇_a C", walk.nabla_a),
    )


def output_error_step(walk: Walkthrough) -> list[str]:
    """4. BP1, as matrices and element by element, in the form backward took."""
    L = walk.num_layers
    form = output_error_form(walk.cost, walk.output_activation)
    if form == "a - y" and walk.output_activation.elementwise:
        return simplified_output_error_step(walk)
    if not walk.output_activation.elementwise:
        return softmax_output_error_step(walk)
    out = [f"4. Output error (BP1): δ^L = ∇_a C ⊙ σ'(z^L), L = {L}"]
    out += _equation(
        _matrix("∇_a C", walk.nabla_a),
        "⊙",
        _matrix(f"σ'(z^{L})", walk.sigma_primes[-1]),
        "=",
        _matrix(f"δ^{L}", walk.delta(L)),
    )
    out.append(f"  element by element, δ^{L}_j = ∂C/∂a^{L}_j σ'(z^{L}_j):")
    shown = _shown(walk.sizes[-1])
    nabla = _align([_number(walk.nabla_a[j, 0]) for j in shown if j >= 0])
    prime = _align([_number(walk.sigma_primes[-1][j, 0]) for j in shown if j >= 0])
    delta = _align([_number(walk.delta(L)[j, 0]) for j in shown if j >= 0])
    row = 0
    for j in shown:
        if j < 0:
            out.append("    ⋮")
            continue
        line = f"    δ^{L}_{j + 1} = {nabla[row]} × {prime[row]} = {delta[row]}"
        out.append(line.rstrip())
        row += 1
    return out


def simplified_output_error_step(walk: Walkthrough) -> list[str]:
    """4. BP1 where σ'(z^L) cancels the cost's denominator: δ^L = a^L − y."""
    L = walk.num_layers
    out = [
        f"4. Output error (BP1): δ^L = ∇_a C ⊙ σ'(z^L), L = {L}",
        f"   with the {name_of(walk.cost)} cost and a {name_of(walk.output_activation)} "
        "output, σ'(z^L) = a^L (1 − a^L)",
        "   cancels ∇_a C's denominator: δ^L = a^L − y, true even where a^L saturates",
    ]
    out += _equation(
        _matrix(f"a^{L}", walk.a(L)),
        "−",
        _matrix("y", walk.y),
        "=",
        _matrix(f"δ^{L}", walk.delta(L)),
    )
    out.append(
        f"  element by element, δ^{L}_j = ∂C/∂a^{L}_j σ'(z^{L}_j) = a^{L}_j − y_j:"
    )
    shown = [j for j in _shown(walk.sizes[-1]) if j >= 0]
    a = iter(_align([_number(walk.a(L)[j, 0]) for j in shown]))
    y = iter(_align([_number(walk.y[j, 0]) for j in shown]))
    delta = iter(_align([_number(walk.delta(L)[j, 0]) for j in shown]))
    for j in _shown(walk.sizes[-1]):
        if j < 0:
            out.append("    ⋮")
            continue
        line = f"    δ^{L}_{j + 1} = {next(a)} − {next(y)} = {next(delta)}"
        out.append(line.rstrip())
    return out


def softmax_output_error_step(walk: Walkthrough) -> list[str]:
    """4. BP1 in its general form, for a softmax output layer."""
    L = walk.num_layers
    a, nabla = walk.a(L), walk.nabla_a
    dot = a.T @ nabla  # a^L · ∇_a C, one number for the one sample
    form = output_error_form(walk.cost, walk.output_activation)
    computed = {
        "a - y": [
            f"   with the {name_of(walk.cost)} cost this is δ^L = a^L − y, which is how "
            "δ^L is computed:"
        ],
        "softmax cross-entropy": [
            "   computed as δ^L_j = (a_j − y_j) − a_j Σ_{k≠j} (a_k − y_k) / (1 − a_k),",
            "   the same sum with a^L (1 − a^L) cancelled, so it stays finite",
            "   (bp4.backprop.softmax_cross_entropy_output_error).",
        ],
    }.get(form, [])
    return (
        [
            f"4. Output error (BP1, general form for softmax), L = {L}:",
            "   δ^L = (∂a^L/∂z^L)^T ∇_a C = a^L ⊙ (∇_a C − (a^L · ∇_a C))",
            f"   with a^{L} · ∇_a C = {_number(float(dot[0, 0]))}",
        ]
        + _equation(
            _matrix(f"a^{L}", a),
            "⊙",
            _matrix("∇_a C − (a^L · ∇_a C)", nabla - dot),
            "=",
            _matrix(f"δ^{L}", walk.delta(L)),
        )
        + computed
        + (
            _equation(
                _matrix(f"a^{L}", a),
                "−",
                _matrix("y", walk.y),
                "=",
                _matrix(f"δ^{L}", walk.delta(L)),
            )
            if form == "a - y"
            else []
        )
    )


def hidden_error_step(walk: Walkthrough) -> list[str]:
    """5. BP2 for l = L−1 … 2: the product (w^{l+1})^T δ^{l+1}, then ⊙ σ'(z^l)."""
    out = [
        "5. Backpropagate the error (BP2), l = L−1 … 2: "
        "δ^l = ((w^{l+1})^T δ^{l+1}) ⊙ σ'(z^l)"
    ]
    if walk.num_layers == 2:
        out.append("  (no hidden layers: δ^2 is the output error, BP2 is not needed)")
    for l in range(walk.num_layers - 1, 1, -1):
        out += hidden_error_layer(walk, l)
    return out


def hidden_error_layer(walk: Walkthrough, l: int) -> list[str]:
    """BP2 at layer l: (w^{l+1})^T δ^{l+1}, then ⊙ σ'(z^l) gives δ^l."""
    back = walk.w(l + 1).T @ walk.delta(l + 1)
    return (
        [f"  l = {l}"]
        + _equation(
            _matrix(f"(w^{l + 1})^T", walk.w(l + 1).T),
            "·",
            _matrix(f"δ^{l + 1}", walk.delta(l + 1)),
            "=",
            _matrix(f"(w^{l + 1})^T δ^{l + 1}", back),
        )
        + _equation(
            _matrix(f"(w^{l + 1})^T δ^{l + 1}", back),
            "⊙",
            _matrix(f"σ'(z^{l})", walk.sigma_primes[l - 2]),
            "=",
            _matrix(f"δ^{l}", walk.delta(l)),
        )
    )


def bias_gradient_step(walk: Walkthrough) -> list[str]:
    """6. BP3: ∂C/∂b^l = δ^l for every layer."""
    return ["6. Gradient for the biases (BP3): ∂C/∂b^l = δ^l"] + _equation(
        *(
            _matrix(f"∂C/∂b^{l}", walk.bias_gradient(l))
            for l in range(2, walk.num_layers + 1)
        )
    )


def weight_gradient_step(walk: Walkthrough) -> list[str]:
    """7. BP4: ∂C/∂w^l = δ^l (a^{l-1})^T for every layer."""
    out = [
        "7. Gradient for the weights (BP4): ∂C/∂w^l = δ^l (a^{l-1})^T, the outer product",
        "   of δ^l and a^{l-1}: ∂C/∂w^l_{jk} = a^{l-1}_k δ^l_j",
    ]
    for l in range(2, walk.num_layers + 1):
        out.append(f"  l = {l}")
        out += _equation(
            _matrix(f"δ^{l}", walk.delta(l)),
            "·",
            _matrix(f"(a^{l - 1})^T", walk.a(l - 1).T),
            "=",
            _matrix(f"∂C/∂w^{l}", walk.weight_gradient(l)),
        )
    return out


def update_step(walk: Walkthrough) -> list[str]:
    """8. The update rule with η, and the cost of the same sample after it (with eta only)."""
    if walk.eta is None or walk.C_after is None:
        return []
    eta = f"{walk.eta:g}"
    out = [
        f"8. Update (gradient descent, η = {eta}): "
        "w^l → w^l − η ∂C/∂w^l and b^l → b^l − η ∂C/∂b^l"
    ]
    for l in range(2, walk.num_layers + 1):
        out += update_layer(walk, l)
    return out + [cost_after_line(walk)]


def update_layer(walk: Walkthrough, l: int) -> list[str]:
    """The update of layer l: w^l − η ∂C/∂w^l and b^l − η ∂C/∂b^l."""
    eta = f"{walk.eta:g}"
    return (
        [f"  l = {l}"]
        + _equation(
            _matrix(f"w^{l}", walk.w(l)),
            f"− {eta} ×",
            _matrix(f"∂C/∂w^{l}", walk.weight_gradient(l)),
            "=",
            _matrix(f"w^{l} after", walk.updated_w(l)),
        )
        + _equation(
            _matrix(f"b^{l}", walk.b(l)),
            f"− {eta} ×",
            _matrix(f"∂C/∂b^{l}", walk.bias_gradient(l)),
            "=",
            _matrix(f"b^{l} after", walk.updated_b(l)),
        )
    )


def cost_after_line(walk: Walkthrough) -> str:
    """The cost of the same sample before and after the update."""
    assert walk.C_after is not None
    change = walk.C_after - walk.C
    return (
        f"  The cost of the same sample: C = {_number(walk.C)} before the step, "
        f"{_number(walk.C_after)} after ({'+' if change >= 0 else '−'}"
        f"{_number(abs(change))})."
    )


def check_step(walk: Walkthrough) -> list[str]:
    """8. The backpropagated partial derivatives beside finite differences."""
    out = [
        f"{9 if walk.eta is not None else 8}. Check: backpropagation beside "
        "finite differences,",
        f"   ∂C/∂θ ≈ (C(θ + ε) − C(θ − ε)) / 2ε with ε = {walk.eps:g}",
        "  (subscripts count from 1 as in the text: w^2_{11} is weights[0][0, 0])",
    ]
    columns = [
        ["partial derivative", *(c.label for c in walk.checks)],
        ["backprop", *_align([f"{c.backprop:.10g}" for c in walk.checks])],
        ["finite difference", *_align([f"{c.estimate:.10g}" for c in walk.checks])],
        ["difference", *(f"{abs(c.backprop - c.estimate):.1e}" for c in walk.checks)],
    ]
    widths = [max(map(len, column)) for column in columns]
    for r in range(len(walk.checks) + 1):
        cells = [column[r].ljust(w) for column, w in zip(columns, widths)]
        out.append(("    " + "  ".join(cells)).rstrip())
    return out


# -- matrices side by side ------------------------------------------------------


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


def _shown(n: int) -> list[int]:
    """The indices printed of n rows or columns: all, or the edges with −1 for the gap."""
    if n <= MAX_PRINTED_WIDTH:
        return list(range(n))
    return [*range(EDGE_ITEMS), -1, *range(n - EDGE_ITEMS, n)]


def _matrix(name: str, M: Array) -> _Block:
    """``name (3×2)`` above the rows of M, each column aligned on its decimal point.

    Rows and columns beyond :data:`MAX_PRINTED_WIDTH` are shortened to the
    first and last :data:`EDGE_ITEMS`, with ⋮ and ⋯ in the gap.
    """
    rows_shown, cols_shown = _shown(M.shape[0]), _shown(M.shape[1])
    columns = []
    for k in cols_shown:
        if k < 0:
            columns.append(["⋯" if j >= 0 else "⋱" for j in rows_shown])
            continue
        numbers = _align([_number(M[j, k]) for j in rows_shown if j >= 0])
        cells = iter(numbers)
        gap = " " * len(numbers[0])
        columns.append(
            [next(cells) if j >= 0 else _centred("⋮", gap) for j in rows_shown]
        )
    rows = [
        "[ " + "  ".join(col[r] for col in columns) + " ]"
        for r in range(len(rows_shown))
    ]
    return _Block(f"{name} ({M.shape[0]}×{M.shape[1]})", rows)


def _centred(mark: str, gap: str) -> str:
    return mark.center(len(gap))


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
