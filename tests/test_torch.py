"""bp4's gradients against PyTorch's autograd, including saturated networks.

PyTorch differentiates the cost it is given, so each cost is written there in
the form that stays exact for any logits z^L (log-softmax, BCE with logits,
ln(1 − a_k) as a log-sum-exp without z_k): its gradient is the true one even
where a^L rounds to 0 or 1. Skipped when torch is not installed.
"""

from __future__ import annotations

import numpy as np
import pytest

import bp4

torch = pytest.importorskip("torch")

PAIRS = [
    ("quadratic", "sigmoid"),
    ("quadratic", "tanh"),
    ("quadratic", "identity"),
    ("quadratic", "relu"),
    ("quadratic", "softmax"),
    ("cross-entropy", "sigmoid"),
    ("cross-entropy", "softmax"),
    ("log-likelihood", "softmax"),
]


def _torch_cost(z, y, cost: str, sigma: str):
    """C = (1/m) Σ_x C_x from the logits z (n_L, m), exact in both tails."""
    F = torch.nn.functional
    m = z.shape[1]
    if cost == "log-likelihood":
        return -(y * F.log_softmax(z, dim=0)).sum() / m
    if cost == "cross-entropy" and sigma == "sigmoid":
        return F.binary_cross_entropy_with_logits(z, y, reduction="sum") / m
    if cost == "cross-entropy":  # softmax: ln(1 − a_k) = lse_{i≠k} z_i − lse z
        n = z.shape[0]
        log_a = F.log_softmax(z, dim=0)
        without_k = z[None, :, :] + torch.where(
            torch.eye(n, dtype=torch.bool)[:, :, None], -torch.inf, 0.0
        ).to(z.dtype)  # [k, i, x]: z_i, with z_k removed
        log_1_minus_a = torch.logsumexp(without_k, dim=1) - torch.logsumexp(z, dim=0)
        return -(y * log_a + (1 - y) * log_1_minus_a).sum() / m
    a = {
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
        "identity": lambda t: t,
        "relu": torch.relu,
        "softmax": lambda t: torch.softmax(t, dim=0),
    }[sigma](z)
    return 0.5 * ((a - y) ** 2).sum() / m


def _torch_gradients(net: bp4.Network, X: np.ndarray, Y: np.ndarray):
    hidden = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu}
    ws = [torch.tensor(w, requires_grad=True) for w in net.weights]
    bs = [torch.tensor(b, requires_grad=True) for b in net.biases]
    a = torch.tensor(X)
    for i, (w, b) in enumerate(zip(ws, bs)):
        z = w @ a + b
        a = hidden[net.activation.name](z) if i < len(ws) - 1 else z
    C = _torch_cost(
        a, torch.tensor(Y), net.cost_function.name, net.output_activation.name
    )
    C.backward()
    return [w.grad.numpy() for w in ws], [b.grad.numpy() for b in bs]


def _network(cost, sigma, hidden, scale, seed):
    n_L = 3 if sigma == "softmax" else 2
    net = bp4.Network(
        [3, 5, n_L], activation=hidden, cost=cost, output_activation=sigma, seed=seed
    )
    net.weights[1] *= scale
    rng = np.random.default_rng(seed)
    X = rng.random((3, 11))
    if sigma == "softmax":
        Y = np.eye(n_L)[:, rng.integers(0, n_L, 11)]
    else:
        Y = rng.integers(0, 2, (n_L, 11)).astype(float)
    return net, X, Y


@pytest.mark.parametrize("hidden", ["sigmoid", "tanh"])
@pytest.mark.parametrize(("cost", "sigma"), PAIRS)
@pytest.mark.parametrize("saturated", [False, True], ids=["plain", "saturated"])
def test_gradients_equal_torch_autograd(cost, sigma, hidden, saturated):
    scale = (1000.0 if sigma == "softmax" else 60.0) if saturated else 1.0
    for seed in range(3):
        net, X, Y = _network(cost, sigma, hidden, scale, seed)
        if saturated:
            z_L = (
                net.weights[1] @ net.activation.fn(net.weights[0] @ X + net.biases[0])
                + net.biases[1]
            )
            spread = np.ptp(z_L, axis=0) if sigma == "softmax" else np.abs(z_L)
            assert spread.max() > (300 if sigma == "softmax" else 30)
        got_w, got_b = net.backprop(X, Y)
        want_w, want_b = _torch_gradients(net, X, Y)
        for got, want in zip(got_w + got_b, want_w + want_b):
            # torch's exp and log differ from NumPy's by an ulp or so; where a
            # output is saturated and right, δ^L is known only to a's rounding.
            np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-14)


def test_torch_sees_what_bp4_used_to_get_wrong():
    # The case: sigmoid with cross-entropy at z = 37, y = 0. ∂C/∂b^L
    # is a − y = 1 (torch agrees); dividing by a rounded a(1 − a) gave 3.8e291.
    net = bp4.Network([1, 1], cost="cross-entropy", seed=0)
    net.weights[0][...], net.biases[0][...] = 0.0, 37.0
    X, Y = np.zeros((1, 1)), np.zeros((1, 1))
    _, (got,) = net.backprop(X, Y)
    _, (want,) = _torch_gradients(net, X, Y)
    np.testing.assert_allclose(got, want, rtol=1e-12)
    np.testing.assert_allclose(got, 1.0, rtol=1e-12)
