"""The catalogue of known mistakes: each one a mistaken formula, from the mathematics.

A recogniser computes what the mistaken formula gives on the same arguments
the student's function got (``a`` below: the arguments in order) and the
checker compares it with what the student's function returned, on every
case. It never looks at the student's code or at a list of inputs, so it
recognises the mistake however it was written: a loop, ``np.dot``,
``np.einsum``. Some formulas run only when two widths are equal (w δ without
the transpose needs n_l = n_{l+1}): on the other cases they raise, and so,
for the mistake to be recognised, must the student's function.

``text`` is what the student computed, in the text's notation; ``en`` and
``zh`` say what is wrong, in words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..activations import sigmoid, sigmoid_prime
from ..array import Array

Formula = Callable[[tuple[Any, ...]], Any]


@dataclass(frozen=True)
class Mistake:
    key: str
    formulas: tuple[Formula, ...]  # any of them is this mistake
    text: str  # what the mistaken formula computes
    en: str
    zh: str


def _mean(x: Array) -> Array:
    return np.mean(x, axis=1, keepdims=True)


def _mean_broadcast(x: Array) -> Array:
    return np.broadcast_to(_mean(x), x.shape)


def sign(formula: Formula, text: str) -> Mistake:
    """The answer with the opposite sign (y − a for a − y, a minus dropped)."""
    return Mistake(
        "sign",
        (lambda a: [-e for e in formula(a)],),
        text,
        "a sign error: every entry has the opposite sign (a − y and y − a are not "
        "the same; ∇_a C = a^L − y for the quadratic cost)",
        "符号错误：每个元素的符号都相反（a − y 与 y − a 不同；对二次代价函数，∇_a C = a^L − y）",
    )


def _flat(e: Array) -> Array:
    if 1 not in e.shape:
        raise ValueError("no axis of length 1 to drop")
    return e.reshape(-1)


def flat(formula: Formula, symbol: str, shape: str) -> Mistake:
    """The answer as a 1-D array: an axis of length 1 dropped (no keepdims=True)."""
    return Mistake(
        "one_dimensional",
        (lambda a: [_flat(e) for e in formula(a)],),
        f"{symbol}, 1-D",
        f"the right numbers in a 1-D array: {symbol} must be 2-D, {shape}; keep the "
        "axis (keepdims=True) or reshape",
        f"数值正确，但数组是一维的：{symbol} 必须是二维的 {shape}；请保留这个轴"
        "（keepdims=True）或者 reshape",
    )


def transposed(formula: Formula, text: str) -> Mistake:
    """The answer transposed: samples as rows."""
    return Mistake(
        "transposed",
        (lambda a: [e.T for e in formula(a)],),
        text,
        "the result is transposed: samples must be columns, one column per sample",
        "结果被转置了：样本必须是列，每个样本一列",
    )


# -- BP1: δ^L = ∇_a C ⊙ σ'(z^L), arguments (nabla_a, sigma_prime_zL) -----------

BP1 = (
    Mistake(
        "no_sigma_prime",
        (lambda a: a[0],),
        "δ^L = ∇_a C",
        "⊙σ'(z^L) is missing: the error δ^L = ∂C/∂z^L needs the slope of σ at z^L",
        "缺少 ⊙σ'(z^L)：误差 δ^L = ∂C/∂z^L 还需要 σ 在 z^L 处的斜率",
    ),
    Mistake(
        "plus_instead_of_hadamard",
        (lambda a: a[0] + a[1],),
        "δ^L = ∇_a C + σ'(z^L)",
        "+ instead of ⊙: the Hadamard product multiplies entry by entry",
        "用了 + 而不是 ⊙：Hadamard 乘积是逐元素相乘",
    ),
    Mistake(
        "matrix_product",
        (lambda a: a[0] @ a[1], lambda a: a[0] @ a[1].T, lambda a: a[0].T @ a[1]),
        "δ^L = ∇_a C @ σ'(z^L)",
        "a matrix product instead of ⊙: the Hadamard product ⊙ is NumPy's *, "
        "entry by entry; @ and np.dot only run here because two widths are equal",
        "用了矩阵乘积而不是 ⊙：Hadamard 乘积 ⊙ 是 NumPy 的 *，逐元素相乘；"
        "@ 和 np.dot 在这里能运行，只是因为两个维度恰好相等",
    ),
    Mistake(
        "delta_averaged",
        (lambda a: _mean(a[0] * a[1]), lambda a: _mean_broadcast(a[0] * a[1])),
        "δ^L = (1/m) Σ_x ∇_a C_x ⊙ σ'(z^L_x)",
        "δ^L averaged over the batch: δ^L is per sample, one column each; only "
        "the gradients of BP3 and BP4 are averaged",
        "δ^L 在小批量上取了平均：δ^L 是每个样本各自的误差，每个样本一列；只有 BP3 和 BP4 "
        "的梯度才取平均",
    ),
    Mistake(
        "sigma_prime_again",
        (
            lambda a: a[0] * sigmoid_prime(a[1]),
            lambda a: a[0] * a[1] * (1 - a[1]),
            lambda a: a[0] * sigmoid_prime(sigmoid(a[1])),
        ),
        "δ^L = ∇_a C ⊙ σ'(σ'(z^L))",
        "σ' taken again: the argument sigma_prime_zL already is σ'(z^L) (σ' at "
        "the wrong point, like σ'(a^L) for σ'(z^L))",
        "又求了一次 σ'：参数 sigma_prime_zL 已经是 σ'(z^L)（σ' 的取值点错了，就像用 σ'(a^L) "
        "代替 σ'(z^L)）",
    ),
)

# -- BP2: δ^l = ((w^{l+1})^T δ^{l+1}) ⊙ σ'(z^l), arguments (w_next, delta_next,
#    sigma_prime_z) ------------------------------------------------------------

BP2 = (
    Mistake(
        "no_transpose",
        (lambda a: (a[0] @ a[1]) * a[2], lambda a: a[0] @ a[1]),
        "δ^l = (w^{l+1} δ^{l+1}) ⊙ σ'(z^l)",
        "w^{l+1} is not transposed: the error moves back through (w^{l+1})^T, "
        "δ^l_j = Σ_k w^{l+1}_{kj} δ^{l+1}_k σ'(z^l_j), summing over k, the "
        "first index",
        "w^{l+1} 没有转置：误差经由 (w^{l+1})^T 反向传播，δ^l_j = Σ_k w^{l+1}_{kj} "
        "δ^{l+1}_k σ'(z^l_j)，对第一个下标 k 求和",
    ),
    Mistake(
        "no_sigma_prime",
        (lambda a: a[0].T @ a[1],),
        "δ^l = (w^{l+1})^T δ^{l+1}",
        "⊙σ'(z^l) is missing: after moving back through (w^{l+1})^T, the error "
        "must pass back through layer l's σ",
        "缺少 ⊙σ'(z^l)：误差经由 (w^{l+1})^T 反向传播之后，还要反向穿过第 l 层的激活函数 σ",
    ),
    Mistake(
        "plus_instead_of_hadamard",
        (lambda a: a[0].T @ a[1] + a[2],),
        "δ^l = (w^{l+1})^T δ^{l+1} + σ'(z^l)",
        "+ instead of ⊙: the Hadamard product multiplies entry by entry",
        "用了 + 而不是 ⊙：Hadamard 乘积是逐元素相乘",
    ),
    Mistake(
        "matrix_product",
        (lambda a: (a[0].T @ a[1]) @ a[2], lambda a: (a[0].T @ a[1]) @ a[2].T),
        "δ^l = ((w^{l+1})^T δ^{l+1}) @ σ'(z^l)",
        "a matrix product instead of ⊙: the Hadamard product ⊙ is NumPy's *, "
        "entry by entry; @ and np.dot only run here because two widths are equal",
        "用了矩阵乘积而不是 ⊙：Hadamard 乘积 ⊙ 是 NumPy 的 *，逐元素相乘；"
        "@ 和 np.dot 在这里能运行，只是因为两个维度恰好相等",
    ),
    Mistake(
        "wrong_layer_sigma_prime",
        (lambda a: a[0].T @ (a[1] * a[2]),),
        "δ^l = (w^{l+1})^T (δ^{l+1} ⊙ σ'(z^l))",
        "σ'(z^l) is used at layer l+1: it multiplies δ^{l+1} before the error "
        "moves back through (w^{l+1})^T, but it is layer l's σ', so it belongs "
        "after, on δ^l",
        "σ'(z^l) 用在了第 l+1 层：它在误差经由 (w^{l+1})^T 反向传播之前乘到了 δ^{l+1} 上；"
        "它是第 l 层的 σ'，应当在之后乘到 δ^l 上",
    ),
    Mistake(
        "delta_averaged",
        (
            lambda a: _mean((a[0].T @ a[1]) * a[2]),
            lambda a: _mean_broadcast((a[0].T @ a[1]) * a[2]),
        ),
        "δ^l = (1/m) Σ_x ((w^{l+1})^T δ^{l+1}_x) ⊙ σ'(z^l_x)",
        "δ^l averaged over the batch: δ^l is per sample, one column each; only "
        "the gradients of BP3 and BP4 are averaged",
        "δ^l 在小批量上取了平均：δ^l 是每个样本各自的误差，每个样本一列；只有 BP3 和 BP4 "
        "的梯度才取平均",
    ),
    Mistake(
        "sigma_prime_again",
        (
            lambda a: (a[0].T @ a[1]) * sigmoid_prime(a[2]),
            lambda a: (a[0].T @ a[1]) * a[2] * (1 - a[2]),
            lambda a: (a[0].T @ a[1]) * sigmoid_prime(sigmoid(a[2])),
        ),
        "δ^l = ((w^{l+1})^T δ^{l+1}) ⊙ σ'(σ'(z^l))",
        "σ' taken again: the argument sigma_prime_z already is σ'(z^l) (σ' at the "
        "wrong point, like σ'(a^l) for σ'(z^l))",
        "又求了一次 σ'：参数 sigma_prime_z 已经是 σ'(z^l)（σ' 的取值点错了，就像用 σ'(a^l) "
        "代替 σ'(z^l)）",
    ),
)

# -- BP3: ∂C/∂b^l = δ^l averaged over the columns, argument (delta) -------------

BP3 = (
    Mistake(
        "summed",
        (lambda a: np.sum(a[0], axis=1, keepdims=True),),
        "∂C/∂b^l = Σ_x δ^l_x",
        "summed over the batch instead of averaged: divide by m, the number of "
        "samples, since C = (1/m) Σ_x C_x",
        "在小批量上求和而没有取平均：要除以样本数 m，因为 C = (1/m) Σ_x C_x",
    ),
    Mistake(
        "wrong_axis",
        (lambda a: np.mean(a[0], axis=0, keepdims=True),),
        "∂C/∂b^l_x = (1/n_l) Σ_j δ^l_{jx}",
        "averaged over the wrong axis: over the neurons j (axis 0) instead of the "
        "samples, the columns (axis=1)",
        "在错误的轴上取平均：对神经元 j（axis 0）而不是对样本（各列，axis=1）取了平均",
    ),
    Mistake(
        "wrong_count",
        (
            lambda a: np.sum(a[0], axis=1, keepdims=True) / a[0].shape[0],
            lambda a: np.sum(a[0], axis=1, keepdims=True) / a[0].size,
        ),
        "∂C/∂b^l = (1/n_l) Σ_x δ^l_x",
        "divided by the wrong count: the average is over the m samples, so "
        "divide the sum by m = delta.shape[1]",
        "除以了错误的个数：平均是对 m 个样本取的，所以要把和除以 m = delta.shape[1]",
    ),
    Mistake(
        "not_averaged",
        (lambda a: a[0],),
        "∂C/∂b^l = δ^l",
        "δ^l returned as it is: ∂C/∂b^l has the shape of b^l, one column, the "
        "average of δ^l's columns",
        "直接返回了 δ^l：∂C/∂b^l 的形状与 b^l 相同，只有一列，是 δ^l 各列的平均",
    ),
)

# -- BP4: ∂C/∂w^l = δ^l (a^{l-1})^T averaged, arguments (delta, a_prev) ----------

BP4 = (
    Mistake(
        "summed",
        (lambda a: a[0] @ a[1].T,),
        "∂C/∂w^l = Σ_x δ^l_x (a^{l-1}_x)^T",
        "summed over the batch instead of averaged: δ^l (a^{l-1})^T adds the m "
        "samples' outer products; divide by m",
        "在小批量上求和而没有取平均：δ^l (a^{l-1})^T 把 m 个样本的外积加在一起；要除以 m",
    ),
    Mistake(
        "a_delta_T",
        (lambda a: a[1] @ a[0].T / a[0].shape[1],),
        "∂C/∂w^l = a^{l-1} (δ^l)^T",
        "a^{l-1} (δ^l)^T instead of δ^l (a^{l-1})^T: ∂C/∂w^l_{jk} = a^{l-1}_k δ^l_j "
        "has the shape of w^l, (n_l, n_{l-1})",
        "用了 a^{l-1} (δ^l)^T 而不是 δ^l (a^{l-1})^T：∂C/∂w^l_{jk} = a^{l-1}_k δ^l_j "
        "的形状与 w^l 相同，为 (n_l, n_{l-1})",
    ),
    Mistake(
        "product_of_means",
        (lambda a: _mean(a[0]) @ _mean(a[1]).T,),
        "∂C/∂w^l = mean(δ^l) mean(a^{l-1})^T",
        "the product of the means instead of the mean of the products: average "
        "the samples' outer products δ^l_x (a^{l-1}_x)^T, not δ^l and a^{l-1} first",
        "用了均值的乘积而不是乘积的均值：要对每个样本的外积 δ^l_x (a^{l-1}_x)^T 取平均，"
        "而不是先分别对 δ^l 和 a^{l-1} 取平均",
    ),
    Mistake(
        "wrong_count",
        (
            lambda a: a[0] @ a[1].T / a[0].shape[0],
            lambda a: a[0] @ a[1].T / a[1].shape[0],
            lambda a: a[0] @ a[1].T / a[0].size,
        ),
        "∂C/∂w^l = δ^l (a^{l-1})^T / n_l",
        "divided by the wrong count: the average is over the m samples, so "
        "divide by m = delta.shape[1]",
        "除以了错误的个数：平均是对 m 个样本取的，所以要除以 m = delta.shape[1]",
    ),
    Mistake(
        "hadamard_instead_of_product",
        (lambda a: a[0] * a[1], lambda a: _mean(a[0] * a[1])),
        "∂C/∂w^l = δ^l ⊙ a^{l-1}",
        "⊙ instead of the outer product: ∂C/∂w^l_{jk} = a^{l-1}_k δ^l_j pairs "
        "every j with every k, the matrix product δ^l (a^{l-1})^T",
        "用了 ⊙ 而不是外积：∂C/∂w^l_{jk} = a^{l-1}_k δ^l_j 把每个 j 与每个 k 配对，"
        "即矩阵乘积 δ^l (a^{l-1})^T",
    ),
)

# -- BP1 for a softmax output: δ^L = a^L ⊙ (∇_a C − (a^L · ∇_a C)), arguments
#    (nabla_a, a_L) ----------------------------------------------------------------

SOFTMAX = (
    Mistake(
        "elementwise_form",
        (lambda a: a[0] * a[1] * (1 - a[1]),),
        "δ^L = ∇_a C ⊙ a^L (1 − a^L)",
        "the element-wise form of BP1: softmax is not element-wise, each a^L_k "
        "depends on every z^L_j, so δ^L_j = Σ_k ∂a_k/∂z_j ∂C/∂a_k",
        "用了逐元素形式的 BP1：softmax 不是逐元素的，每个 a^L_k 都依赖于所有 z^L_j，"
        "所以 δ^L_j = Σ_k ∂a_k/∂z_j ∂C/∂a_k",
    ),
    Mistake(
        "no_dot_term",
        (lambda a: a[0] * a[1],),
        "δ^L = a^L ⊙ ∇_a C",
        "the term a^L · ∇_a C is missing: ∂a_k/∂z_j = a_k (1[j = k] − a_j) has a "
        "part for k ≠ j too",
        "缺少 a^L · ∇_a C 这一项：∂a_k/∂z_j = a_k (1[j = k] − a_j) 在 k ≠ j 时也不为零",
    ),
)


# -- a whole backward pass, with one thing changed -------------------------------


def whole_pass(
    weights: list[Array],
    biases: list[Array],
    X: Array,
    Y: Array,
    *,
    sigma: Callable[[Array], Array] = sigmoid,
    sigma_prime: Callable[[Array], Array] = sigmoid_prime,
    prime_at_a: bool = False,
    prime_layer: int = 0,
    w_layer: int = 1,
    transpose: bool = True,
    hidden_prime: bool = True,
    delta_averaged: bool = False,
    delta_averaged_after: bool = False,
    average: bool = True,
    outer: str = "delta a^T",
) -> list[Array]:
    """BP1–BP4 over a batch as one formula; each keyword changes one step.

    The defaults give the right answer. ``prime_at_a``: σ'(a^l) for σ'(z^l);
    ``prime_layer=1``: σ'(z^{l+1}) in BP2; ``w_layer=0``: w^l for w^{l+1} in
    BP2; ``transpose=False``: w^{l+1} δ^{l+1}; ``hidden_prime=False``: BP2
    without ⊙σ'; ``delta_averaged``: every δ^l averaged over the batch
    (``delta_averaged_after``: only once all are computed);
    ``average=False``: BP3 and BP4 summed; ``outer="a delta^T"``.
    """
    m = X.shape[1]
    zs, activations = [], [X]
    for w, b in zip(weights, biases):
        zs.append(w @ activations[-1] + b)
        activations.append(sigma(zs[-1]))

    def prime(i: int) -> Array:
        return sigma_prime(activations[i + 1] if prime_at_a else zs[i])

    def spread(delta: Array) -> Array:
        return np.broadcast_to(_mean(delta), delta.shape) if delta_averaged else delta

    deltas = [np.empty(0)] * len(weights)
    deltas[-1] = spread((activations[-1] - Y) * prime(len(weights) - 1))
    for i in reversed(range(len(weights) - 1)):
        w_next = weights[i + w_layer]
        back = (w_next.T if transpose else w_next) @ deltas[i + 1]
        deltas[i] = spread(back * prime(i + prime_layer) if hidden_prime else back)
    if delta_averaged_after:  # each δ^l right, then its batch mean used in BP3, BP4
        deltas = [np.broadcast_to(_mean(d), d.shape) for d in deltas]
    count = m if average else 1
    nabla_b = [np.sum(d, axis=1, keepdims=True) / count for d in deltas]
    if outer == "delta a^T":
        nabla_w = [d @ a.T / count for d, a in zip(deltas, activations)]
    else:
        nabla_w = [a @ d.T / count for d, a in zip(deltas, activations)]
    return nabla_w + nabla_b


def pass_mistakes(**fixed: Any) -> tuple[Mistake, ...]:
    """The whole pass's mistakes; ``fixed`` sets σ and σ' (identity for linear neurons)."""

    def formula(**change: Any) -> Formula:
        return lambda a: whole_pass(a[0], a[1], a[2], a[3], **fixed, **change)

    return (
        Mistake(
            "sigma_prime_at_a",
            (formula(prime_at_a=True),),
            "δ^l = ((w^{l+1})^T δ^{l+1}) ⊙ σ'(a^l)",
            "σ' at a instead of z: BP1 and BP2 need σ'(z^l), the slope at the "
            "weighted input, not σ'(a^l) = σ'(σ(z^l))",
            "σ' 的取值点用了 a 而不是 z：BP1 和 BP2 需要带权输入处的斜率 σ'(z^l)，"
            "而不是 σ'(a^l) = σ'(σ(z^l))",
        ),
        Mistake(
            "wrong_layer_sigma_prime",
            (formula(prime_layer=1),),
            "δ^l = ((w^{l+1})^T δ^{l+1}) ⊙ σ'(z^{l+1})",
            "the wrong layer's σ': BP2 for layer l needs σ'(z^l), not σ'(z^{l+1})",
            "用错了层的 σ'：第 l 层的 BP2 需要 σ'(z^l)，而不是 σ'(z^{l+1})",
        ),
        Mistake(
            "wrong_layer_w",
            (formula(w_layer=0),),
            "δ^l = ((w^l)^T δ^{l+1}) ⊙ σ'(z^l)",
            "the wrong layer's w: BP2 moves δ^{l+1} back through w^{l+1}, the "
            "weights into layer l+1 (weights[i + 1] when delta is deltas[i])",
            "用错了层的 w：BP2 经由 w^{l+1}（进入第 l+1 层的权重）把 δ^{l+1} 反向传播"
            "（delta 是 deltas[i] 时为 weights[i + 1]）",
        ),
        Mistake(
            "no_transpose",
            (formula(transpose=False),),
            "δ^l = (w^{l+1} δ^{l+1}) ⊙ σ'(z^l)",
            "w^{l+1} is not transposed in BP2: the error moves back through (w^{l+1})^T",
            "BP2 中 w^{l+1} 没有转置：误差经由 (w^{l+1})^T 反向传播",
        ),
        Mistake(
            "no_sigma_prime",
            (formula(hidden_prime=False),),
            "δ^l = (w^{l+1})^T δ^{l+1}",
            "⊙σ'(z^l) is missing in BP2",
            "BP2 中缺少 ⊙σ'(z^l)",
        ),
        Mistake(
            "delta_averaged",
            (formula(delta_averaged=True), formula(delta_averaged_after=True)),
            "δ^l = (1/m) Σ_x δ^l_x",
            "δ averaged over the batch in BP1/BP2: δ^l is per sample, one column "
            "each; only the gradients of BP3 and BP4 are averaged",
            "在 BP1/BP2 中对 δ 取了小批量平均：δ^l 是每个样本各自的误差，每个样本一列；"
            "只有 BP3 和 BP4 的梯度才取平均",
        ),
        Mistake(
            "summed",
            (formula(average=False),),
            "∂C/∂w^l = Σ_x δ^l_x (a^{l-1}_x)^T, ∂C/∂b^l = Σ_x δ^l_x",
            "summed over the batch instead of averaged: divide BP3's and BP4's "
            "sums by m",
            "在小批量上求和而没有取平均：要把 BP3 和 BP4 的和除以 m",
        ),
        Mistake(
            "a_delta_T",
            (formula(outer="a delta^T"),),
            "∂C/∂w^l = a^{l-1} (δ^l)^T",
            "a^{l-1} (δ^l)^T instead of δ^l (a^{l-1})^T in BP4",
            "BP4 中用了 a^{l-1} (δ^l)^T 而不是 δ^l (a^{l-1})^T",
        ),
    )
