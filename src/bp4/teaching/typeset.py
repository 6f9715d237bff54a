"""The walk-through as Markdown with LaTeX, for notebooks: each step's matrices under its equation.

:func:`walkthrough_markdown` lays out a :class:`~bp4.teaching.walkthrough.Walkthrough`
the way :mod:`bp4.teaching.layout` does as text, in the same eight steps, one function
each: a bold heading, the step's equation as display math, and below it the
equation again with every matrix written out, its name under it. Jupyter,
VS Code and the documentation typeset the ``$$ … $$`` blocks (MathJax or
KaTeX). Numbers are rounded to 4 significant digits; a matrix with more than
:data:`~bp4.teaching.layout.MAX_PRINTED_WIDTH` rows or columns is shortened to
its first and last rows and columns with ⋯, ⋮ and ⋱, its shape under its
name. Every name that comes from an object (an activation's or a cost's) is
escaped, so a name holding HTML or Markdown is shown as written.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

from ..array import Array
from ..backprop import output_error_form
from .layout import _shown, describe_network, name_of

if TYPE_CHECKING:
    from .walkthrough import Walkthrough

COST_TEX = {
    "quadratic": (r"C = \tfrac{1}{2} \lVert y - a^L \rVert^2", r"\nabla_a C = a^L - y"),
    "cross-entropy": (
        r"C = -\sum_j \left[ y_j \ln a^L_j + (1 - y_j) \ln (1 - a^L_j) \right]",
        r"\nabla_a C = \frac{a^L - y}{a^L (1 - a^L)}",
    ),
    "log-likelihood": (r"C = -\sum_j y_j \ln a^L_j", r"\nabla_a C = -\frac{y}{a^L}"),
}


def walkthrough_markdown(walk: Walkthrough) -> str:
    """The walk-through as Markdown: one paragraph and ``$$`` blocks per step."""
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
    return "\n\n".join("\n\n".join(step(walk)) for step in steps if step(walk)) + "\n"


def escaped(text: str) -> str:
    """Text as Markdown shows it literally: HTML escaped, Markdown's marks backslashed."""
    return re.sub(r"([\\`*_{}\[\]()#+!|<>~-])", r"\\\1", html.escape(text, quote=False))


def operator_name(obj: object) -> str:
    """``\\operatorname{softmax}`` for a plain name, σ^L for any other."""
    name = name_of(obj)
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", name):
        return rf"\operatorname{{{name}}}"
    return r"\sigma^L"


def number(v: float) -> str:
    """``v`` to 4 significant digits, a power of ten written as ``\\times 10^{…}``."""
    text = f"{v:.4g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return rf"{mantissa} \times 10^{{{int(exponent)}}}"
    return text


def matrix(M: Array, name: str | None = None) -> str:
    """A ``bmatrix`` of M's entries, ``name`` written under it if given.

    A matrix too large to show in full keeps its first and last rows and
    columns, and its shape is written beside its name.
    """
    rows_shown, cols_shown = _shown(M.shape[0]), _shown(M.shape[1])
    rows = r" \\ ".join(
        " & ".join(_entry(M, j, k) for k in cols_shown) for j in rows_shown
    )
    tex = rf"\begin{{bmatrix}} {rows} \end{{bmatrix}}"
    if len(rows_shown) < M.shape[0] or len(cols_shown) < M.shape[1]:
        shape = rf"({M.shape[0]} \times {M.shape[1]})"
        name = rf"{name}\ {shape}" if name else shape
    return rf"\underset{{\textstyle {name}}}{{{tex}}}" if name else tex


def _entry(M: Array, j: int, k: int) -> str:
    if j < 0:
        return r"\ddots" if k < 0 else r"\vdots"
    return r"\cdots" if k < 0 else number(M[j, k])


def display(*parts: str) -> str:
    """Display math on lines of its own, as Markdown and MyST want it."""
    return "$$\n" + " ".join(parts) + "\n$$"


def introduction(walk: Walkthrough) -> list[str]:
    return [
        f"**Backpropagation step by step**: {escaped(describe_network(walk))}. "
        f"One sample $x$ with target $y$; layers are numbered as in the text, "
        f"$l = 1$ (input) … $L = {walk.num_layers}$, and Python counts from 0, "
        "so `weights[0]` is $w^2$. $\\odot$ is the Hadamard (element-by-element) "
        "product; numbers are rounded to 4 significant digits."
    ]


def input_step(walk: Walkthrough) -> list[str]:
    return [
        "**1. Input**: $a^1 = x$",
        display(matrix(walk.x, "x = a^1"), r",\qquad", matrix(walk.y, "y")),
    ]


def feedforward_step(walk: Walkthrough) -> list[str]:
    out = [
        "**2. Feedforward**, $l = 2, \\dots, L$",
        display(r"z^l = w^l a^{l-1} + b^l, \qquad a^l = \sigma(z^l)"),
    ]
    for l in range(2, walk.num_layers + 1):
        out.append(
            display(
                matrix(walk.w(l), f"w^{{{l}}}"),
                matrix(walk.a(l - 1), f"a^{{{l - 1}}}"),
                "+",
                matrix(walk.b(l), f"b^{{{l}}}"),
                "=",
                matrix(walk.z(l), f"z^{{{l}}}"),
            )
        )
        if l == walk.num_layers and not walk.output_activation.elementwise:
            name = rf"a^{{{l}}} = {operator_name(walk.output_activation)}(z^{{{l}}})"
            out.append(display(matrix(walk.a(l), name)))
            continue
        out.append(
            display(
                matrix(walk.a(l), rf"a^{{{l}}} = \sigma(z^{{{l}}})"),
                r",\qquad",
                matrix(walk.sigma_primes[l - 2], rf"\sigma'(z^{{{l}}})"),
            )
        )
    return out


def cost_step(walk: Walkthrough) -> list[str]:
    L = walk.num_layers
    c_tex, nabla_tex = COST_TEX.get(name_of(walk.cost), ("C", r"\nabla_a C"))
    return [
        f"**3. Cost** of this sample, $C = {number(walk.C)}$, "
        "and its gradient with respect to the output",
        display(c_tex, r",\qquad", nabla_tex),
        display(
            matrix(walk.a(L), f"a^{{{L}}}"),
            r",\qquad",
            matrix(walk.y, "y"),
            r",\qquad",
            matrix(walk.nabla_a, r"\nabla_a C"),
        ),
    ]


def output_error_step(walk: Walkthrough) -> list[str]:
    L = walk.num_layers
    if output_error_form(walk.cost, walk.output_activation) == "a - y":
        return simplified_output_error_step(walk)
    if not walk.output_activation.elementwise:
        return softmax_output_error_step(walk)
    return [
        f"**4. Output error (BP1)**, $L = {L}$",
        display(r"\delta^L = \nabla_a C \odot \sigma'(z^L)"),
        display(
            matrix(walk.nabla_a, r"\nabla_a C"),
            r"\odot",
            matrix(walk.sigma_primes[-1], rf"\sigma'(z^{{{L}}})"),
            "=",
            matrix(walk.delta(L), rf"\delta^{{{L}}}"),
        ),
    ]


def simplified_output_error_step(walk: Walkthrough) -> list[str]:
    L = walk.num_layers
    pairing = escaped(
        f"{name_of(walk.output_activation)} output with the {name_of(walk.cost)} cost"
    )
    return [
        f"**4. Output error (BP1)**, $L = {L}$: for a {pairing} the general form "
        r"$\left( \partial a^L / \partial z^L \right)^T \nabla_a C$ simplifies to "
        "$a^L - y$, which bp4 computes as that (`simplified_output_error`)",
        display(r"\delta^L = a^L - y"),
        display(
            matrix(walk.a(L), f"a^{{{L}}}"),
            "-",
            matrix(walk.y, "y"),
            "=",
            matrix(walk.delta(L), rf"\delta^{{{L}}}"),
        ),
    ]


def softmax_output_error_step(walk: Walkthrough) -> list[str]:
    L = walk.num_layers
    a, nabla = walk.a(L), walk.nabla_a
    dot = a.T @ nabla  # a^L · ∇_a C, one number for the one sample
    return [
        f"**4. Output error (BP1)**, $L = {L}$, in its general form: softmax has "
        f"no $\\sigma'(z^L)$ vector. Here $a^{{{L}}} \\cdot \\nabla_a C = "
        f"{number(float(dot[0, 0]))}$.",
        display(
            r"\delta^L = \left( \frac{\partial a^L}{\partial z^L} \right)^T "
            r"\nabla_a C = a^L \odot \left( \nabla_a C - (a^L \cdot \nabla_a C) "
            r"\right)"
        ),
        display(
            matrix(a, f"a^{{{L}}}"),
            r"\odot",
            matrix(nabla - dot, r"\nabla_a C - (a^L \cdot \nabla_a C)"),
            "=",
            matrix(walk.delta(L), rf"\delta^{{{L}}}"),
        ),
    ]


def hidden_error_step(walk: Walkthrough) -> list[str]:
    out = [
        "**5. Backpropagate the error (BP2)**, $l = L-1, \\dots, 2$",
        display(
            r"\delta^l = \left( (w^{l+1})^T \delta^{l+1} \right) \odot \sigma'(z^l)"
        ),
    ]
    if walk.num_layers == 2:
        out.append(
            "No hidden layers: $\\delta^2$ is the output error, BP2 is not needed."
        )
    for l in range(walk.num_layers - 1, 1, -1):
        back = walk.w(l + 1).T @ walk.delta(l + 1)
        named_back = rf"(w^{{{l + 1}}})^T \delta^{{{l + 1}}}"
        out.append(
            display(
                matrix(walk.w(l + 1).T, f"(w^{{{l + 1}}})^T"),
                matrix(walk.delta(l + 1), rf"\delta^{{{l + 1}}}"),
                "=",
                matrix(back, named_back),
            )
        )
        out.append(
            display(
                matrix(back, named_back),
                r"\odot",
                matrix(walk.sigma_primes[l - 2], rf"\sigma'(z^{{{l}}})"),
                "=",
                matrix(walk.delta(l), rf"\delta^{{{l}}}"),
            )
        )
    return out


def bias_gradient_step(walk: Walkthrough) -> list[str]:
    return [
        "**6. Gradient for the biases (BP3)**",
        display(r"\frac{\partial C}{\partial b^l} = \delta^l"),
        display(
            r",\qquad ".join(
                matrix(walk.bias_gradient(l), rf"\partial C / \partial b^{{{l}}}")
                for l in range(2, walk.num_layers + 1)
            )
        ),
    ]


def weight_gradient_step(walk: Walkthrough) -> list[str]:
    out = [
        "**7. Gradient for the weights (BP4)**: the outer product of "
        "$\\delta^l$ and $a^{l-1}$",
        display(
            r"\frac{\partial C}{\partial w^l} = \delta^l (a^{l-1})^T, \qquad "
            r"\frac{\partial C}{\partial w^l_{jk}} = a^{l-1}_k \delta^l_j"
        ),
    ]
    for l in range(2, walk.num_layers + 1):
        out.append(
            display(
                matrix(walk.delta(l), rf"\delta^{{{l}}}"),
                matrix(walk.a(l - 1).T, f"(a^{{{l - 1}}})^T"),
                "=",
                matrix(walk.weight_gradient(l), rf"\partial C / \partial w^{{{l}}}"),
            )
        )
    return out


def update_step(walk: Walkthrough) -> list[str]:
    if walk.eta is None or walk.C_after is None:
        return []
    eta = number(walk.eta)
    out = [
        f"**8. Update** by gradient descent, $\\eta = {eta}$",
        display(
            r"w^l \to w^l - \eta \frac{\partial C}{\partial w^l}, \qquad "
            r"b^l \to b^l - \eta \frac{\partial C}{\partial b^l}"
        ),
    ]
    for l in range(2, walk.num_layers + 1):
        out.append(
            display(
                matrix(walk.w(l), f"w^{{{l}}}"),
                f"- {eta}",
                matrix(walk.weight_gradient(l), rf"\partial C / \partial w^{{{l}}}"),
                "=",
                matrix(walk.updated_w(l), rf"w^{{{l}}}\ \text{{after}}"),
            )
        )
        out.append(
            display(
                matrix(walk.b(l), f"b^{{{l}}}"),
                f"- {eta}",
                matrix(walk.bias_gradient(l), rf"\partial C / \partial b^{{{l}}}"),
                "=",
                matrix(walk.updated_b(l), rf"b^{{{l}}}\ \text{{after}}"),
            )
        )
    out.append(
        f"The cost of the same sample after the step: $C = {number(walk.C_after)}$ "
        f"(before it, ${number(walk.C)}$)."
    )
    return out


def check_step(walk: Walkthrough) -> list[str]:
    rows = [
        f"| ${_partial_tex(c.label)}$ | {c.backprop:.10g} | {c.estimate:.10g} "
        f"| {abs(c.backprop - c.estimate):.1e} |"
        for c in walk.checks
    ]
    return [
        f"**{9 if walk.eta is not None else 8}. Check**: backpropagation beside "
        "finite differences, "
        f"$\\partial C / \\partial \\theta \\approx "
        f"(C(\\theta + \\varepsilon) - C(\\theta - \\varepsilon)) / 2\\varepsilon$ "
        f"with $\\varepsilon = {number(walk.eps)}$ (subscripts count from 1 as in the "
        "text: $w^2_{11}$ is `weights[0][0, 0]`)",
        "\n".join(
            [
                "| partial derivative | backprop | finite difference | difference |",
                "|---|---:|---:|---:|",
                *rows,
            ]
        ),
    ]


def _partial_tex(label: str) -> str:
    """``∂C/∂w^2_{11}`` (a check's label) as TeX."""
    return label.replace("∂", r"\partial ")
