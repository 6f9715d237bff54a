"""The text's exercises on backpropagation, as tasks bp4 can check.

Each exercise is a stub to fill in: copy it, write its body, and check it
with ``bp4.check(my_function)`` (the name tells which exercise it is) or
``bp4.check(fn, "matrix_backprop")``. The checker is the same as for
BP1–BP4: type and shape, values against :mod:`bp4.teaching.reference` (or
the component form, written out below), and a catalogue of mistakes.

>>> from bp4 import exercises
>>> print(exercises.EXERCISES)
('sigma_prime_output_error', 'sigma_prime_hidden_error', 'modified_neuron_hidden_error', 'linear_backprop', 'matrix_backprop', 'log_likelihood_output_error')

To add an exercise: write its stub here, a function that builds its cases
from :func:`bp4.teaching.cases.cases`, its catalogue of mistaken formulas,
and :func:`bp4.teaching.tasks.register` a :class:`~bp4.teaching.tasks.Task`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..activations import (
    IDENTITY,
    SOFTMAX,
    identity,
    identity_prime,
    sigmoid,
    sigmoid_prime,
    tanh_prime,
)
from ..array import Array
from ..cost import LogLikelihoodCost
from . import mistakes
from .cases import Net, cases, cast
from .tasks import Task, register

EXERCISES = (
    "sigma_prime_output_error",
    "sigma_prime_hidden_error",
    "modified_neuron_hidden_error",
    "linear_backprop",
    "matrix_backprop",
    "log_likelihood_output_error",
)


def _todo(name: str) -> NotImplementedError:
    return NotImplementedError(f"{name}: not implemented yet (fill in its body)")


# -- the stubs -----------------------------------------------------------------


def sigma_prime_output_error(nabla_a: Array, z_L: Array) -> Array:
    """Chapter 2, the alternate presentation of BP1: δ^L = Σ'(z^L) ∇_a C.

    "Σ'(z) is a square matrix whose diagonal entries are the values σ'(z_j),
    and whose off-diagonal entries are zero." For one sample: ``nabla_a`` is
    ∇_a C and ``z_L`` is z^L, both (n_L, 1); return δ^L, (n_L, 1), as the
    matrix product Σ'(z^L) ∇_a C (build Σ'(z^L) with ``np.diag``).
    """
    raise _todo("sigma_prime_output_error")


def sigma_prime_hidden_error(w_next: Array, delta_next: Array, z: Array) -> Array:
    """Chapter 2, the alternate presentation of BP2: δ^l = Σ'(z^l) (w^{l+1})^T δ^{l+1}.

    For one sample: ``w_next`` is w^{l+1}, (n_{l+1}, n_l); ``delta_next`` is
    δ^{l+1}, (n_{l+1}, 1); ``z`` is z^l, (n_l, 1). Return δ^l, (n_l, 1), with
    Σ'(z^l) the diagonal matrix of the σ'(z^l_j) (σ is the sigmoid).
    """
    raise _todo("sigma_prime_hidden_error")


def modified_neuron_hidden_error(
    w_next: Array, delta_next: Array, z: Array, j: int, f_prime: Any
) -> Array:
    """Chapter 2, backpropagation with a single modified neuron.

    "Suppose we modify a single neuron in a feedforward network so that the
    output from the neuron is given by f(Σ_j w_j x_j + b), where f is some
    function other than the sigmoid. How should we modify the
    backpropagation algorithm in this case?" Here neuron ``j`` (0-based) of
    layer l computes f; the others compute σ, the sigmoid. Return δ^l,
    (n_l, m), from ``w_next`` w^{l+1}, ``delta_next`` δ^{l+1} (n_{l+1}, m) and
    ``z`` z^l (n_l, m); ``f_prime`` computes f' element-wise.
    """
    raise _todo("modified_neuron_hidden_error")


def linear_backprop(
    weights: list[Array], biases: list[Array], X: Array, Y: Array
) -> tuple[list[Array], list[Array]]:
    """Chapter 2, backpropagation with linear neurons.

    "Suppose we replace the usual non-linear σ function with σ(z) = z
    throughout the network. Rewrite the backpropagation algorithm for this
    case." ``weights[i]`` is w^{i+2}, ``biases[i]`` b^{i+2}; X (n_1, m) and
    Y (n_L, m) have one column per sample; the cost is quadratic. Return
    ``(nabla_w, nabla_b)``, the lists of ∂C/∂w^l and ∂C/∂b^l averaged over
    the batch.
    """
    raise _todo("linear_backprop")


def matrix_backprop(
    weights: list[Array], biases: list[Array], X: Array, Y: Array
) -> tuple[list[Array], list[Array]]:
    """Chapter 2, the fully matrix-based approach to backpropagation over a mini-batch.

    "Our implementation of stochastic gradient descent loops over training
    examples in a mini-batch. It's possible to modify the backpropagation
    algorithm so that it computes the gradients for all training examples in
    a mini-batch simultaneously. The idea is that instead of beginning with
    a single input vector, x, we can begin with a matrix X = [x_1 x_2 …
    x_m] whose columns are the vectors in the mini-batch." Forward-propagate
    by multiplying by the weight matrices and adding b^l to every column,
    then apply BP1–BP4 to whole matrices. σ is the sigmoid, the cost
    quadratic; ``weights[i]`` is w^{i+2}. Return ``(nabla_w, nabla_b)``
    averaged over the m columns, without a loop over the samples.
    """
    raise _todo("matrix_backprop")


def log_likelihood_output_error(a_L: Array, y: Array) -> Array:
    """Chapter 3, backpropagation with softmax and the log-likelihood cost.

    With a softmax output layer, a^L_j = e^{z^L_j} / Σ_k e^{z^L_k}, and the
    log-likelihood cost C = −ln a^L_y, show that δ^L = a^L − y, and
    compute it: ``a_L`` is a^L and ``y`` the one-hot targets, both (n_L, m).
    """
    raise _todo("log_likelihood_output_error")


def check(fn: Any, name: str | None = None, *, lang: str = "en") -> Any:
    """Check ``fn`` against exercise ``name`` (by default, ``fn.__name__``)."""
    from .check import check as check_function

    return check_function(fn, name, lang=lang)


# -- the tasks: cases, answers and mistakes --------------------------------------

ONE = (
    ((4, 5, 2), 1, 0, np.float64),
    ((4, 5, 2), 1, 1, np.float32),
    ((4, 5, 2), 1, 3, np.float64),
)
ONE_SQUARE = (((3, 2, 2), 1, 4, np.float64),)
DEEP = (
    ((4, 5, 3, 2), 3, 0, np.float64),
    ((4, 5, 3, 2), 3, 1, np.float32),
    ((4, 5, 3, 2), 1, 2, np.float64),
)
DEEP_SQUARE = (((3, 3, 3, 3), 2, 4, np.float64), ((3, 3, 3, 3), 4, 5, np.float64))
Built = tuple[tuple[Any, ...], list[Array], dict[str, int]]


def _sizes(net: Net) -> dict[str, int]:
    widths = [net.X.shape[0], *(w.shape[0] for w in net.weights)]
    return {**{f"n_{i}": n for i, n in enumerate(widths, start=1)}, "m": net.X.shape[1]}


def _alt_bp1(net: Net, dtype: type) -> Built:
    args = (cast(net.activations[-1] - net.Y, dtype), cast(net.zs[-1], dtype))
    return args, [net.deltas[-1]], {"n_L": net.Y.shape[0], "m": 1}


def _alt_bp2(net: Net, dtype: type) -> Built:
    args = (
        cast(net.weights[1], dtype),
        cast(net.deltas[1], dtype),
        cast(net.zs[0], dtype),
    )
    n_next, n_l = net.weights[1].shape
    return args, [net.deltas[0]], {"n_l": n_l, "n_{l+1}": n_next, "m": 1}


def _modified(net: Net, dtype: type) -> Built:
    w, d, z = net.weights[1], net.deltas[1], net.zs[0]
    j = 1
    # The component form: δ^l_k = Σ_i w^{l+1}_{ik} δ^{l+1}_i g'(z^l_k), g = f at k = j.
    expected = np.zeros(z.shape)
    for x in range(z.shape[1]):
        for k in range(z.shape[0]):
            total = sum(w[i, k] * d[i, x] for i in range(w.shape[0]))
            slope = tanh_prime(z[k, x]) if k == j else sigmoid_prime(z[k, x])
            expected[k, x] = total * slope
    args = (cast(w, dtype), cast(d, dtype), cast(z, dtype), j, tanh_prime)
    return args, [expected], {"n_l": w.shape[1], "n_{l+1}": w.shape[0], "m": z.shape[1]}


def _whole(net: Net, dtype: type) -> Built:
    args = (
        cast(net.weights, dtype),
        cast(net.biases, dtype),
        cast(net.X, dtype),
        cast(net.Y, dtype),
    )
    return args, [*net.nabla_w, *net.nabla_b], _sizes(net)


def _log_likelihood(net: Net, dtype: type) -> Built:
    args = (cast(net.activations[-1], dtype), cast(net.Y, dtype))
    n_L, m = net.Y.shape
    return args, [net.deltas[-1]], {"n_L": n_L, "m": m}


def _slopes(a: tuple[Any, ...], prime: Any) -> Array:
    """g'(z^l): σ' for every neuron, f' for neuron j (a = w, δ, z, j, f')."""
    z, j = a[2], a[3]
    slopes = sigmoid_prime(z)
    slopes[j] = prime(z[j])
    return slopes


def _diag_each(z: Array, g: Any) -> Array:
    return np.diag(g(z[:, 0]))


def _with_sign(
    formula: Any, catalogue: tuple[mistakes.Mistake, ...], text: str
) -> tuple[mistakes.Mistake, ...]:
    return (*catalogue, mistakes.sign(formula, text))


def _alt_bp1_formula(a: tuple[Any, ...]) -> list[Array]:
    return [_diag_each(a[1], sigmoid_prime) @ a[0]]


def _alt_bp2_formula(a: tuple[Any, ...]) -> list[Array]:
    return [_diag_each(a[2], sigmoid_prime) @ a[0].T @ a[1]]


def _modified_formula(a: tuple[Any, ...]) -> list[Array]:
    return [(a[0].T @ a[1]) * _slopes(a, a[4])]


_AT_A = "σ' at a instead of z: Σ'(z) holds σ'(z_j), the slope at the weighted input, not σ'(σ(z_j))"
_AT_A_ZH = "σ' 的取值点用了 a 而不是 z：Σ'(z) 的对角元是带权输入处的斜率 σ'(z_j)，而不是 σ'(σ(z_j))"
_NO_PRIME = "Σ'(z) is missing: the error needs the slope of σ at z"
_NO_PRIME_ZH = "缺少 Σ'(z)：误差还需要 σ 在 z 处的斜率"
_SIGMA = "Σ(z) instead of Σ'(z): the diagonal holds σ'(z_j), the derivative, not σ(z_j)"
_SIGMA_ZH = "用了 Σ(z) 而不是 Σ'(z)：对角元是导数 σ'(z_j)，而不是 σ(z_j)"

register(
    Task(
        "sigma_prime_output_error", "sigma_prime_output_error", ("nabla_a", "z_L"),
        "the alternate presentation of BP1", "BP1 的另一种表示",
        "δ^L = Σ'(z^L) ∇_a C", r"\delta^L = \Sigma'(z^L) \nabla_a C",
        "δ^L_j = σ'(z^L_j) ∂C/∂a^L_j", "δ^L", "(n_L, 1)",
        _alt_bp1_formula, lambda: cases(_alt_bp1, ONE, ONE_SQUARE),
        _with_sign(_alt_bp1_formula, (
            mistakes.Mistake("no_sigma_prime", (lambda a: a[0],), "δ^L = ∇_a C", _NO_PRIME, _NO_PRIME_ZH),
            mistakes.Mistake("sigma_prime_at_a", (lambda a: sigmoid_prime(sigmoid(a[1])) * a[0],),
                      "δ^L = Σ'(a^L) ∇_a C", _AT_A, _AT_A_ZH),
            mistakes.Mistake("sigma_not_prime", (lambda a: sigmoid(a[1]) * a[0],),
                      "δ^L = Σ(z^L) ∇_a C", _SIGMA, _SIGMA_ZH),
        ), "δ^L = −Σ'(z^L) ∇_a C"),
    )
)  # fmt: skip
register(
    Task(
        "sigma_prime_hidden_error", "sigma_prime_hidden_error", ("w_next", "delta_next", "z"),
        "the alternate presentation of BP2", "BP2 的另一种表示",
        "δ^l = Σ'(z^l) (w^{l+1})^T δ^{l+1}",
        r"\delta^l = \Sigma'(z^l) (w^{l+1})^T \delta^{l+1}",
        "δ^l_j = σ'(z^l_j) Σ_k w^{l+1}_{kj} δ^{l+1}_k", "δ^l", "(n_l, 1)",
        _alt_bp2_formula, lambda: cases(_alt_bp2, ONE, ONE_SQUARE),
        _with_sign(_alt_bp2_formula, (
            mistakes.Mistake("no_transpose", (lambda a: sigmoid_prime(a[2]) * (a[0] @ a[1]),),
                      "δ^l = Σ'(z^l) w^{l+1} δ^{l+1}",
                      "w^{l+1} is not transposed: the error moves back through (w^{l+1})^T",
                      "w^{l+1} 没有转置：误差经由 (w^{l+1})^T 反向传播"),
            mistakes.Mistake("no_sigma_prime", (lambda a: a[0].T @ a[1],),
                      "δ^l = (w^{l+1})^T δ^{l+1}", _NO_PRIME, _NO_PRIME_ZH),
            mistakes.Mistake("sigma_prime_at_a", (lambda a: sigmoid_prime(sigmoid(a[2])) * (a[0].T @ a[1]),),
                      "δ^l = Σ'(a^l) (w^{l+1})^T δ^{l+1}", _AT_A, _AT_A_ZH),
            mistakes.Mistake("wrong_layer_sigma_prime", (lambda a: a[0].T @ (sigmoid_prime(a[2]) * a[1]),),
                      "δ^l = (w^{l+1})^T Σ'(z^l) δ^{l+1}",
                      "Σ'(z^l) is used at layer l+1: it belongs after (w^{l+1})^T, on layer l",
                      "Σ'(z^l) 用在了第 l+1 层：它应当在 (w^{l+1})^T 之后，作用在第 l 层上"),
        ), "δ^l = −Σ'(z^l) (w^{l+1})^T δ^{l+1}"),
    )
)  # fmt: skip
register(
    Task(
        "modified_neuron_hidden_error", "modified_neuron_hidden_error",
        ("w_next", "delta_next", "z", "j", "f_prime"),
        "backpropagation with a single modified neuron", "修改单个神经元后的反向传播",
        "δ^l = ((w^{l+1})^T δ^{l+1}) ⊙ g'(z^l), g = f for neuron j and σ for the others",
        r"\delta^l_k = \Big(\sum_i w^{l+1}_{ik} \delta^{l+1}_i\Big) \cdot "
        r"\begin{cases} f'(z^l_k) & k = j \\ \sigma'(z^l_k) & k \ne j \end{cases}",
        "δ^l_k = Σ_i w^{l+1}_{ik} δ^{l+1}_i f'(z^l_k) if k = j, … σ'(z^l_k) otherwise",
        "δ^l", "(n_l, m)",
        _modified_formula, lambda: cases(_modified),
        _with_sign(_modified_formula, (
            mistakes.Mistake("unmodified", (lambda a: (a[0].T @ a[1]) * sigmoid_prime(a[2]),),
                      "δ^l = ((w^{l+1})^T δ^{l+1}) ⊙ σ'(z^l)",
                      "neuron j still uses σ': its slope is f'(z^l_j)",
                      "神经元 j 仍然用了 σ'：它的斜率是 f'(z^l_j)"),
            mistakes.Mistake("f_prime_everywhere", (lambda a: (a[0].T @ a[1]) * a[4](a[2]),),
                      "δ^l = ((w^{l+1})^T δ^{l+1}) ⊙ f'(z^l)",
                      "f' used for every neuron: only neuron j computes f; the others keep σ",
                      "所有神经元都用了 f'：只有神经元 j 计算 f，其余仍然是 σ"),
            mistakes.Mistake("no_transpose", (lambda a: (a[0] @ a[1]) * _slopes(a, a[4]),),
                      "δ^l = (w^{l+1} δ^{l+1}) ⊙ g'(z^l)",
                      "w^{l+1} is not transposed: the error moves back through (w^{l+1})^T",
                      "w^{l+1} 没有转置：误差经由 (w^{l+1})^T 反向传播"),
        ), "−δ^l"),
        zh=(
            "δ^l = ((w^{l+1})^T δ^{l+1}) ⊙ g'(z^l)，神经元 j 的 g = f，其余的 g = σ",
            "k = j 时 δ^l_k = Σ_i w^{l+1}_{ik} δ^{l+1}_i f'(z^l_k)，否则为 … σ'(z^l_k)",
            "",
        ),
    )
)  # fmt: skip


def _linear_formula(a: tuple[Any, ...]) -> list[Array]:
    return mistakes.whole_pass(*a, sigma=identity, sigma_prime=identity_prime)


def _matrix_formula(a: tuple[Any, ...]) -> list[Array]:
    return mistakes.whole_pass(*a)


# σ' = 1 for linear neurons: mistakes about σ' change nothing, so they are not listed.
_LINEAR_MISTAKES = tuple(
    m
    for m in mistakes.pass_mistakes(sigma=identity, sigma_prime=identity_prime)
    if m.key not in ("sigma_prime_at_a", "wrong_layer_sigma_prime", "no_sigma_prime")
)

register(
    Task(
        "linear_backprop", "linear_backprop", ("weights", "biases", "X", "Y"),
        "backpropagation with linear neurons", "线性神经元的反向传播",
        "σ(z) = z: δ^L = a^L − y, δ^l = (w^{l+1})^T δ^{l+1}, then BP3 and BP4",
        r"\sigma(z) = z:\quad \delta^L = a^L - y, \quad \delta^l = (w^{l+1})^T \delta^{l+1}",
        "δ^l_j = Σ_k w^{l+1}_{kj} δ^{l+1}_k", "", "the shapes of w^l and b^l",
        _linear_formula, lambda: cases(_whole, DEEP, DEEP_SQUARE, activation=IDENTITY),
        _with_sign(_linear_formula, (
            mistakes.Mistake("sigmoid_kept", (lambda a: mistakes.whole_pass(*a),),
                      "a^l = σ(z^l), δ^l = ((w^{l+1})^T δ^{l+1}) ⊙ σ'(z^l)",
                      "σ is still the sigmoid: with linear neurons a^l = z^l and σ'(z) = 1",
                      "σ 仍然是 sigmoid：线性神经元的 a^l = z^l，σ'(z) = 1"),
            *_LINEAR_MISTAKES,
        ), "−∂C/∂w^l, −∂C/∂b^l"),
        gradients=True,
        zh=(
            "σ(z) = z：δ^L = a^L − y，δ^l = (w^{l+1})^T δ^{l+1}，然后是 BP3 和 BP4",
            "", "w^l 和 b^l 的形状",
        ),
    )
)  # fmt: skip
register(
    Task(
        "matrix_backprop", "matrix_backprop", ("weights", "biases", "X", "Y"),
        "the fully matrix-based approach over a mini-batch", "完全基于矩阵的小批量反向传播",
        "BP1–BP4 on X = [x_1 … x_m], averaged over the m columns",
        r"Z^l = w^l A^{l-1} + b^l,\quad \Delta^L = (A^L - Y) \odot \sigma'(Z^L),\quad "
        r"\Delta^l = \big((w^{l+1})^T \Delta^{l+1}\big) \odot \sigma'(Z^l),\quad "
        r"\frac{\partial C}{\partial w^l} = \tfrac{1}{m} \Delta^l (A^{l-1})^T",
        "the per-sample equations, averaged over the columns", "", "the shapes of w^l and b^l",
        _matrix_formula, lambda: cases(_whole, DEEP, DEEP_SQUARE),
        _with_sign(_matrix_formula, mistakes.pass_mistakes(), "−∂C/∂w^l, −∂C/∂b^l"),
        gradients=True,
        zh=(
            "在 X = [x_1 … x_m] 上计算 BP1–BP4，对 m 列取平均",
            "逐样本的方程，对各列取平均", "w^l 和 b^l 的形状",
        ),
    )
)  # fmt: skip
register(
    Task(
        "log_likelihood_output_error", "log_likelihood_output_error", ("a_L", "y"),
        "softmax with the log-likelihood cost", "softmax 与对数似然代价函数",
        "δ^L = a^L − y", r"\delta^L = a^L - y", "δ^L_j = a^L_j − y_j", "δ^L", "(n_L, m)",
        lambda a: [a[0] - a[1]],
        lambda: cases(_log_likelihood, output_activation=SOFTMAX, cost=LogLikelihoodCost(), one_hot=True),
        (
            mistakes.Mistake("sign", (lambda a: a[1] - a[0],), "δ^L = y − a^L",
                      "a sign error: δ^L = a^L − y, not y − a^L",
                      "符号错误：δ^L = a^L − y，而不是 y − a^L"),
            mistakes.Mistake("nabla_a", (lambda a: -a[1] / a[0],), "∇_a C = −y / a^L",
                      "that is ∇_a C = −y/a^L, the gradient with respect to a^L; δ^L = ∂C/∂z^L "
                      "goes on through softmax, which gives a^L − y",
                      "这是 ∇_a C = −y/a^L，对 a^L 的梯度；δ^L = ∂C/∂z^L 还要穿过 softmax，结果是 a^L − y"),
            mistakes.Mistake("elementwise_form", (lambda a: (a[0] - a[1]) * a[0] * (1 - a[0]),),
                      "δ^L = (a^L − y) ⊙ a^L (1 − a^L)",
                      "an extra ⊙σ': with softmax and the log-likelihood, δ^L = a^L − y, with no σ' factor",
                      "多乘了 ⊙σ'：softmax 与对数似然代价函数给出 δ^L = a^L − y，没有 σ' 因子"),
        ),
    )
)  # fmt: skip

__all__ = [*EXERCISES, "EXERCISES", "check"]
