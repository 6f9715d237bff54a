"""The cases a student's function is checked on, with the reference's answers.

Each case is a tiny random network and mini-batch, backpropagated by
:mod:`bp4.teaching.reference` one sample and one component at a time; a task
takes from it the arguments its function receives (for BP2: w^{l+1},
δ^{l+1} and σ'(z^l)) and the answer (δ^l). Weights, biases and inputs are
standard normal, so every argument has negative entries.

The widths are chosen to expose transposes: on the *main* cases n_1 = 4,
n_2 = 5, n_3 = 2 and m = 3 (so n_{l-1}, n_l, n_{l+1} and m all differ), in
float64 and float32, and once with m = 1. The *square* cases make two of the
widths equal, so that a mistaken formula that only runs when they are equal
(w^{l+1} δ^{l+1} without the transpose, a matrix product for ⊙) gives a
result that can be compared with the student's. They only recognise
mistakes; a function is judged on the main cases.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..activations import SIGMOID, Activation
from ..array import Array
from ..cost import Cost, QuadraticCost
from . import reference

MAIN = (  # (sizes [n_1, n_2, n_3], m, seed, dtype)
    ((4, 5, 2), 3, 0, np.float64),
    ((4, 5, 2), 3, 1, np.float32),
    ((4, 5, 2), 1, 2, np.float64),
    ((4, 5, 2), 3, 3, np.float64),
)
SQUARE = (
    ((3, 2, 2), 3, 4, np.float64),  # n_l = n_{l+1} in BP2, n_{l-1} = m in BP4
    ((2, 3, 2), 3, 5, np.float64),  # n_l = m in BP2 and BP4
    ((3, 4, 2), 2, 6, np.float64),  # n_L = m in BP1
    ((3, 3, 2), 2, 7, np.float64),  # n_l = n_{l-1} in BP4
)


@dataclass(frozen=True)
class Net:
    """A network's every quantity on one batch, from the per-sample reference."""

    weights: list[Array]
    biases: list[Array]
    X: Array
    Y: Array
    zs: list[Array]  # z^2 … z^L, (n_l, m)
    activations: list[Array]  # a^1 … a^L
    deltas: list[Array]  # δ^2 … δ^L
    nabla_w: list[Array]  # batch-averaged ∂C/∂w^l
    nabla_b: list[Array]
    activation: Activation
    output_activation: Activation


def network(
    sizes: Sequence[int],
    m: int,
    seed: int,
    activation: Activation = SIGMOID,
    output_activation: Activation | None = None,
    cost: Cost | None = None,
    one_hot: bool = False,
) -> Net:
    rng = np.random.default_rng(seed)
    pairs = list(zip(sizes[:-1], sizes[1:]))
    weights = [rng.standard_normal((n_out, n_in)) for n_in, n_out in pairs]
    biases = [rng.standard_normal((n_out, 1)) for _, n_out in pairs]
    X = rng.standard_normal((sizes[0], m))
    if one_hot:
        Y = np.eye(sizes[-1])[:, rng.integers(sizes[-1], size=m)]
    else:
        Y = rng.random((sizes[-1], m))
    output = output_activation or activation
    cost = cost or QuadraticCost()
    columns = []
    for i in range(m):
        zs, acts = reference.forward_sample(
            weights, biases, X[:, i], activation, output
        )
        _, gb = reference.backprop_sample(
            weights, biases, X[:, i], Y[:, i], activation, cost, output
        )
        columns.append((zs, acts, [g[:, 0] for g in gb]))  # ∂C_x/∂b^l = δ^l (BP3)

    def stack(part: int) -> list[Array]:
        return [np.stack(layer, axis=1) for layer in zip(*(c[part] for c in columns))]

    nabla_w, nabla_b = reference.backprop(
        weights, biases, X, Y, activation, cost, output
    )
    return Net(
        weights, biases, X, Y, stack(0), stack(1), stack(2), nabla_w, nabla_b,
        activation, output,
    )  # fmt: skip


@dataclass(frozen=True)
class Case:
    """The arguments a student's function gets, and the reference's answer.

    ``expected`` is a list of arrays: one for an equation, every ∂C/∂w^l and
    then every ∂C/∂b^l for a whole backward pass. ``sizes`` names the widths
    in the text's notation, for the feedback ("n_l = 5, m = 3").
    """

    args: tuple[Any, ...]
    expected: list[Array]
    sizes: dict[str, int]
    dtype: type
    main: bool
    extra: dict[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        widths = ", ".join(f"{k} = {v}" for k, v in self.sizes.items())
        return f"{widths}, {np.dtype(self.dtype).name}"


def cases(
    build: Callable[[Net, type], tuple[tuple[Any, ...], list[Array], dict[str, int]]],
    main: Sequence[tuple[Any, ...]] = MAIN,
    square: Sequence[tuple[Any, ...]] = SQUARE,
    **net_options: Any,
) -> list[Case]:
    """The cases of one task: ``build(net, dtype)`` gives (args, expected, sizes)."""
    out = []
    for is_main, specs in ((True, main), (False, square)):
        for sizes, m, seed, dtype in specs:
            net = network(sizes, m, seed, **net_options)
            args, expected, named = build(net, dtype)
            out.append(Case(args, expected, named, dtype, is_main))
    return out


def cast(x: Any, dtype: type) -> Any:
    """x in ``dtype``: an array, or each array of a list (a network's weights)."""
    if isinstance(x, list):
        return [np.asarray(v, dtype=dtype) for v in x]
    return np.asarray(x, dtype=dtype)
