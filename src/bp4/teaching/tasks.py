"""What a student's function can be checked against: BP1–BP4 and the exercises.

A :class:`Task` says what the function is called, what it takes and returns
(in the text's notation), the equation in words and symbols, how to build its
cases from :mod:`bp4.teaching.cases`, the right answer as a formula (for the
sign and transpose recognisers) and the catalogue of mistakes to recognise.
``TASKS`` holds them by key ("BP1" … "BP4", "softmax", and the exercises'
names, which :mod:`bp4.teaching.exercises` adds).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..activations import SOFTMAX
from ..array import Array
from . import mistakes
from .cases import Case, Net, cases, cast


@dataclass(frozen=True)
class Task:
    key: str  # "BP2", or an exercise's name
    name: str  # the function's name in bp4.backprop or bp4.exercises
    params: tuple[str, ...]
    title_en: str
    title_zh: str
    text: str  # the equation, in the text's notation
    tex: str  # the same, in LaTeX
    component: str  # its component form, for a mistake outside the catalogue
    symbol: str  # what the function returns ("δ^l"); "" for (nabla_w, nabla_b)
    shape: str  # its shape in the text's notation, "(n_l, m)"
    formula: Callable[[tuple[Any, ...]], list[Array]]  # the right answer
    build: Callable[[], list[Case]]
    catalogue: tuple[mistakes.Mistake, ...]
    gradients: bool = False  # returns (nabla_w, nabla_b), lists over the layers
    zh: tuple[str, str, str] = (
        "",
        "",
        "",
    )  # text, component, shape where they have words

    def words(self, lang: str) -> tuple[str, str, str]:
        """(text, component, shape) in ``lang``."""
        english = (self.text, self.component, self.shape)
        if lang != "zh":
            return english
        return tuple(z or e for z, e in zip(self.zh, english))  # type: ignore[return-value]

    def label(self, lang: str) -> str:
        """ "BP2 (the error of layer l from layer l+1)", in ``lang``."""
        title = self.title_zh if lang == "zh" else self.title_en
        return f"{self.key}：{title}" if lang == "zh" else f"{self.key} ({title})"


TASKS: dict[str, Task] = {}
NAMES: dict[str, str] = {}  # function name → task key


def register(task: Task) -> Task:
    TASKS[task.key] = task
    NAMES[task.name] = task.key
    return task


@functools.cache
def task_cases(key: str) -> list[Case]:
    return TASKS[key].build()


def _bp1(net: Net, dtype: type) -> tuple[tuple[Any, ...], list[Array], dict[str, int]]:
    prime = net.output_activation.prime
    assert prime is not None
    nabla_a = net.activations[-1] - net.Y
    args = (cast(nabla_a, dtype), cast(prime(net.zs[-1]), dtype))
    n_L, m = net.deltas[-1].shape
    return args, [net.deltas[-1]], {"n_L": n_L, "m": m}


def _bp2(net: Net, dtype: type) -> tuple[tuple[Any, ...], list[Array], dict[str, int]]:
    prime = net.activation.prime
    assert prime is not None
    w_next, delta_next = net.weights[1], net.deltas[1]
    args = (cast(w_next, dtype), cast(delta_next, dtype), cast(prime(net.zs[0]), dtype))
    n_next, n_l = w_next.shape
    return args, [net.deltas[0]], {"n_l": n_l, "n_{l+1}": n_next, "m": net.X.shape[1]}


def _bp3(net: Net, dtype: type) -> tuple[tuple[Any, ...], list[Array], dict[str, int]]:
    n_l, m = net.deltas[0].shape
    return (cast(net.deltas[0], dtype),), [net.nabla_b[0]], {"n_l": n_l, "m": m}


def _bp4(net: Net, dtype: type) -> tuple[tuple[Any, ...], list[Array], dict[str, int]]:
    args = (cast(net.deltas[0], dtype), cast(net.activations[0], dtype))
    (n_l, n_prev), m = net.weights[0].shape, net.X.shape[1]
    return args, [net.nabla_w[0]], {"n_l": n_l, "n_{l-1}": n_prev, "m": m}


def _softmax(
    net: Net, dtype: type
) -> tuple[tuple[Any, ...], list[Array], dict[str, int]]:
    a_L = net.activations[-1]
    args = (cast(a_L - net.Y, dtype), cast(a_L, dtype))  # quadratic: ∇_a C = a^L − y
    n_L, m = a_L.shape
    return args, [net.deltas[-1]], {"n_L": n_L, "m": m}


def _with_generic(
    formula: Callable[[tuple[Any, ...]], list[Array]],
    catalogue: tuple[mistakes.Mistake, ...],
    sign_text: str,
    transposed_text: str,
    flat: tuple[str, str] | None = None,
) -> tuple[mistakes.Mistake, ...]:
    """The catalogue, then the mistakes any equation can have: a sign, a
    transposed result and, for a column (``flat``: its symbol and shape), a
    1-D one."""
    one_dimensional = (mistakes.flat(formula, *flat),) if flat else ()
    return (
        *catalogue,
        mistakes.sign(formula, sign_text),
        *one_dimensional,
        mistakes.transposed(formula, transposed_text),
    )


def _bp2_formula(a: tuple[Any, ...]) -> list[Array]:
    return [(a[0].T @ a[1]) * a[2]]


def _softmax_formula(a: tuple[Any, ...]) -> list[Array]:
    nabla_a, a_L = a
    return [a_L * (nabla_a - np.sum(a_L * nabla_a, axis=0, keepdims=True))]


register(
    Task(
        "BP1", "output_error", ("nabla_a", "sigma_prime_zL"),
        "the error in the output layer", "输出层误差",
        "δ^L = ∇_a C ⊙ σ'(z^L)", r"\delta^L = \nabla_a C \odot \sigma'(z^L)",
        "δ^L_j = ∂C/∂a^L_j σ'(z^L_j)", "δ^L", "(n_L, m)",
        lambda a: [a[0] * a[1]], lambda: cases(_bp1),
        _with_generic(
            lambda a: [a[0] * a[1]], mistakes.BP1, "δ^L = −∇_a C ⊙ σ'(z^L)", "(δ^L)^T"
        ),
    )
)  # fmt: skip
register(
    Task(
        "BP2", "hidden_error", ("w_next", "delta_next", "sigma_prime_z"),
        "the error of a layer from the error of the next", "用下一层的误差表示当前层的误差",
        "δ^l = ((w^{l+1})^T δ^{l+1}) ⊙ σ'(z^l)",
        r"\delta^l = \big((w^{l+1})^T \delta^{l+1}\big) \odot \sigma'(z^l)",
        "δ^l_j = Σ_k w^{l+1}_{kj} δ^{l+1}_k σ'(z^l_j)", "δ^l", "(n_l, m)",
        _bp2_formula, lambda: cases(_bp2),
        _with_generic(
            _bp2_formula, mistakes.BP2, "δ^l = −((w^{l+1})^T δ^{l+1}) ⊙ σ'(z^l)",
            "(δ^l)^T = ((δ^{l+1})^T w^{l+1}) ⊙ σ'(z^l)^T",
        ),
    )
)  # fmt: skip
register(
    Task(
        "BP3", "bias_gradient", ("delta",),
        "the rate of change of the cost with respect to a bias", "代价函数关于偏置的变化率",
        "∂C/∂b^l = δ^l, averaged over the batch's columns",
        r"\frac{\partial C}{\partial b^l} = \frac{1}{m} \sum_x \delta^l_x",
        "∂C/∂b^l_j = (1/m) Σ_x δ^l_{jx}", "∂C/∂b^l", "(n_l, 1)",
        lambda a: [np.mean(a[0], axis=1, keepdims=True)], lambda: cases(_bp3),
        _with_generic(
            lambda a: [np.mean(a[0], axis=1, keepdims=True)], mistakes.BP3,
            "∂C/∂b^l = −(1/m) Σ_x δ^l_x", "(∂C/∂b^l)^T", ("∂C/∂b^l", "(n_l, 1)"),
        ),
        zh=("∂C/∂b^l = δ^l，对批量的各列取平均", "", ""),
    )
)  # fmt: skip
register(
    Task(
        "BP4", "weight_gradient", ("delta", "a_prev"),
        "the rate of change of the cost with respect to a weight", "代价函数关于权重的变化率",
        "∂C/∂w^l = δ^l (a^{l-1})^T, averaged over the batch",
        r"\frac{\partial C}{\partial w^l} = \frac{1}{m} \delta^l (a^{l-1})^T",
        "∂C/∂w^l_{jk} = (1/m) Σ_x a^{l-1}_{kx} δ^l_{jx}", "∂C/∂w^l", "(n_l, n_{l-1})",
        lambda a: [a[0] @ a[1].T / a[0].shape[1]], lambda: cases(_bp4),
        _with_generic(
            lambda a: [a[0] @ a[1].T / a[0].shape[1]], mistakes.BP4,
            "∂C/∂w^l = −δ^l (a^{l-1})^T / m", "a^{l-1} (δ^l)^T",
        )[:-1],  # transposed is a_delta_T here, already in the catalogue
        zh=("∂C/∂w^l = δ^l (a^{l-1})^T，对批量取平均", "", ""),
    )
)  # fmt: skip
register(
    Task(
        "softmax", "softmax_output_error", ("nabla_a", "a_L"),
        "the error in a softmax output layer", "softmax 输出层的误差",
        "δ^L = a^L ⊙ (∇_a C − (a^L · ∇_a C))",
        r"\delta^L = a^L \odot \big(\nabla_a C - (a^L \cdot \nabla_a C)\big)",
        "δ^L_j = a^L_j (∂C/∂a^L_j − Σ_k a^L_k ∂C/∂a^L_k)", "δ^L", "(n_L, m)",
        _softmax_formula, lambda: cases(_softmax, output_activation=SOFTMAX),
        _with_generic(
            _softmax_formula, mistakes.SOFTMAX,
            "δ^L = −a^L ⊙ (∇_a C − (a^L · ∇_a C))", "(δ^L)^T",
        ),
    )
)  # fmt: skip
