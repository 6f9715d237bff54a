"""The text's algorithm, one sample at a time and one component at a time.

Slow on purpose: every sum is an explicit loop over j and k, exactly as the
component forms of the equations are written, so that it can serve as the
oracle the tests compare the matrix code against.

1. Input x: set a^1 = x.
2. Feedforward: for l = 2, …, L, z^l_j = Σ_k w^l_{jk} a^{l-1}_k + b^l_j, a^l_j = σ(z^l_j).
3. Output error: δ^L_j = ∂C/∂a^L_j σ'(z^L_j).                          (BP1)
   Where the cost and σ simplify together (sigmoid with cross-entropy,
   softmax with log-likelihood) that is δ^L_j = a^L_j − y_j; softmax takes
   the general form δ^L_j = Σ_k ∂a^L_k/∂z^L_j ∂C/∂a^L_k.
4. Backpropagate: for l = L−1, …, 2, δ^l_j = Σ_k w^{l+1}_{kj} δ^{l+1}_k σ'(z^l_j).  (BP2)
5. Output: ∂C/∂b^l_j = δ^l_j and ∂C/∂w^l_{jk} = a^{l-1}_k δ^l_j.        (BP3, BP4)

The gradient of C = (1/n) Σ_x C_x is the average of the per-sample gradients.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .. import backprop as bp
from ..activations import Activation
from ..array import Array
from ..backprop import output_error_form
from ..cost import Cost
from ..forward import forward


def forward_sample(
    weights: Sequence[Array],
    biases: Sequence[Array],
    x: Array,
    activation: Activation,
    output_activation: Activation | None = None,
) -> tuple[list[Array], list[Array]]:
    """Steps 1–2 for one sample ``x`` of shape (n_1,): every z^l and a^l, component-wise.

    ``output_activation`` is the output layer's σ (``activation`` if None).
    """
    a = np.array(x, dtype=float)
    zs: list[Array] = []
    activations = [a]
    for l, (w, b) in enumerate(zip(weights, biases), start=2):
        sigma = _sigma(l, len(weights) + 1, activation, output_activation)
        n_out, n_in = w.shape
        z = np.zeros(n_out)
        for j in range(n_out):
            z[j] = b[j, 0]
            for k in range(n_in):
                z[j] += w[j, k] * a[k]
        if sigma.elementwise:
            a = np.array([sigma.fn(z[j]) for j in range(n_out)])
        else:  # softmax: a_j = e^{z_j} / Σ_k e^{z_k}, shifted by max z for range
            e = [np.exp(z[j] - max(z)) for j in range(n_out)]
            a = np.array([e[j] / sum(e) for j in range(n_out)])
        zs.append(z)
        activations.append(a)
    return zs, activations


def backprop_sample(
    weights: Sequence[Array],
    biases: Sequence[Array],
    x: Array,
    y: Array,
    activation: Activation,
    cost: Cost,
    output_activation: Activation | None = None,
) -> tuple[list[Array], list[Array]]:
    """Steps 1–5 for one sample: ∂C_x/∂w^l and ∂C_x/∂b^l, component by component."""
    zs, activations = forward_sample(weights, biases, x, activation, output_activation)
    sigma_L = output_activation or activation
    L = len(weights) + 1  # layers, input layer counted; weights[l - 2] is w^l
    y = np.asarray(y, float)
    delta: dict[int, Array] = {
        L: _output_error_sample(cost, sigma_L, zs[-1], activations[-1], y)
    }
    hidden_prime = activation.prime
    assert hidden_prime is not None, "a hidden layer's σ is element-wise"
    for l in range(L - 1, 1, -1):
        w_next = weights[l - 1]  # w^{l+1}
        z = zs[l - 2]  # z^l
        d = np.zeros(len(z))
        for j in range(len(z)):
            total = 0.0
            for k in range(w_next.shape[0]):
                total += w_next[k, j] * delta[l + 1][k]
            d[j] = total * hidden_prime(z[j])  # BP2
        delta[l] = d

    nabla_w: list[Array] = []
    nabla_b: list[Array] = []
    for l in range(2, L + 1):
        a_prev = activations[l - 2]  # a^{l-1}
        n_out, n_in = weights[l - 2].shape
        gw = np.zeros((n_out, n_in))
        gb = np.zeros((n_out, 1))
        for j in range(n_out):
            gb[j, 0] = delta[l][j]  # BP3
            for k in range(n_in):
                gw[j, k] = a_prev[k] * delta[l][j]  # BP4
        nabla_w.append(gw)
        nabla_b.append(gb)
    return nabla_w, nabla_b


def backprop(
    weights: Sequence[Array],
    biases: Sequence[Array],
    X: Array,
    Y: Array,
    activation: Activation,
    cost: Cost,
    output_activation: Activation | None = None,
) -> tuple[list[Array], list[Array]]:
    """The batch gradient as the mean of :func:`backprop_sample` over the columns."""
    m = X.shape[1]
    nabla_w = [np.zeros(w.shape) for w in weights]
    nabla_b = [np.zeros(b.shape) for b in biases]
    for i in range(m):
        gw, gb = backprop_sample(
            weights, biases, X[:, i], Y[:, i], activation, cost, output_activation
        )
        for layer in range(len(weights)):
            nabla_w[layer] += gw[layer]
            nabla_b[layer] += gb[layer]
    return [g / m for g in nabla_w], [g / m for g in nabla_b]


def backprop_per_sample(
    weights: Sequence[Array],
    biases: Sequence[Array],
    X: Array,
    Y: Array,
    activation: Activation,
    cost: Cost,
    output_activation: Activation | None = None,
) -> tuple[list[Array], list[Array]]:
    """The batch gradient with one matrix-vector backward pass per sample.

    The vector equations applied to one column at a time and summed: the form
    the text's algorithm takes before it is made "fully matrix-based", and the
    baseline the matrix form is timed against.
    """
    m = X.shape[1]
    nabla_w = [np.zeros_like(w) for w in weights]
    nabla_b = [np.zeros_like(b) for b in biases]
    for i in range(m):
        p = forward(weights, biases, X[:, i : i + 1], activation, output_activation)
        gw, gb = bp.backward(weights, Y[:, i : i + 1], cost, p, output_activation)
        for layer in range(len(weights)):
            nabla_w[layer] += gw[layer]
            nabla_b[layer] += gb[layer]
    return [g / m for g in nabla_w], [g / m for g in nabla_b]


def _sigma(
    l: int, L: int, activation: Activation, output_activation: Activation | None
) -> Activation:
    """σ of layer l: the output layer's own, if it has one, else the hidden σ."""
    return output_activation if l == L and output_activation else activation


def _output_error_sample(
    cost: Cost, sigma_L: Activation, z: Array, a: Array, y: Array
) -> Array:
    """Step 3, BP1 for one sample, in the form bp4.backprop.backward takes for this pair.

    Each form is the same δ^L_j = Σ_k ∂a^L_k/∂z^L_j ∂C/∂a^L_k, written so that
    no rounded number is divided by another where a^L saturates.
    """
    n_L = len(a)
    form = output_error_form(cost, sigma_L)
    if form == "a - y":  # σ' (or softmax's Jacobian) cancels ∇_a C's denominator
        return np.array([a[j] - y[j] for j in range(n_L)])
    if form == "softmax cross-entropy":
        return _softmax_cross_entropy_sample(z, a, y)
    nabla_a = cost.nabla_a(a[:, None], y[:, None])[:, 0]
    if form == "hadamard":
        prime = sigma_L.prime
        assert prime is not None, "an element-wise σ has σ'"
        return np.array([nabla_a[j] * prime(z[j]) for j in range(n_L)])
    # Softmax, general form: ∂a_k/∂z_j = a_k (1[j = k] − a_j), and with Σ_k a_k = 1
    # δ_j = a_j (∂C/∂a_j − Σ_k a_k ∂C/∂a_k) = a_j Σ_{k≠j} a_k (∂C/∂a_j − ∂C/∂a_k).
    return np.array(
        [
            a[j] * sum(a[k] * (nabla_a[j] - nabla_a[k]) for k in range(n_L) if k != j)
            for j in range(n_L)
        ]
    )


def _softmax_cross_entropy_sample(z: Array, a: Array, y: Array) -> Array:
    """δ^L_j = (a_j − y_j) − Σ_{k≠j} a_j r_k, r_k = (a_k − y_k)/(1 − a_k), for one sample.

    The k = M term (M the largest z_k, the one a_k that can round to 1) is
    a_j r_M = a_M (1 − y_M) q_j − y_M a_j, with q_j = a_j / (1 − a_M) the
    softmax over the entries other than M, from z.
    """
    n_L = len(a)
    if n_L == 1:
        return np.zeros(1)
    M = int(np.argmax(z))
    top_other = max(z[i] for i in range(n_L) if i != M)
    e = {i: np.exp(z[i] - top_other) for i in range(n_L) if i != M}
    delta = np.zeros(n_L)
    for j in range(n_L):
        total = a[j] - y[j]
        for k in range(n_L):
            if k == j:
                continue
            if k == M:
                q_j = e[j] / sum(e.values())
                total -= a[M] * (1.0 - y[M]) * q_j - y[M] * a[j]
            else:
                total -= a[j] * (a[k] - y[k]) / (1.0 - a[k])
        delta[j] = total
    return delta
