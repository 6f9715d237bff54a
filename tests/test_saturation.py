"""BP1 at saturation: ∂C/∂b^L stays true where a^L rounds to 0 or 1.

The oracle is the general form of BP1, δ^L = (∂a^L/∂z^L)^T ∇_a C, evaluated
straight from its definition in decimal arithmetic with 1,100 significant
digits (Python's ``decimal``): enough that 1 − a stays exact for a gap of
2,000 between logits (e^−2000 ≈ 1e-869), so nothing is rearranged or
simplified in it. A one-layer network [1, n_L] with zero weights and biases
z^L makes z^L exactly what the test asks, and ``Network.backprop`` gives
∂C/∂b^L = δ^L through bp4's one path.
"""

from __future__ import annotations

import decimal
import warnings
from decimal import Decimal

import numpy as np
import pytest

import bp4
from bp4.forward import forward
from bp4.teaching import reference

CONTEXT = decimal.Context(prec=1100, Emin=-999999, Emax=999999)
TINY = np.finfo(np.float64).tiny  # below it a float has no relative precision left
EPS = np.finfo(np.float64).eps

Z = [20.0, 37.0, 40.0, 100.0, 750.0]  # the z, with either sign
GAPS = [700.0, 800.0, 1000.0, 1500.0, 2000.0]  # softmax gaps between two logits

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


def _exact_delta(
    z: list[float], y: list[float], cost: str, sigma: str
) -> list[Decimal]:
    """δ^L_j = Σ_k ∂a_k/∂z_j ∂C/∂a_k, from the definitions, in 1,100 digits."""
    with decimal.localcontext(CONTEXT):
        zd, yd = [Decimal(v) for v in z], [Decimal(v) for v in y]
        one = Decimal(1)
        if sigma == "softmax":
            top = max(zd)
            e = [(v - top).exp() for v in zd]
            a = [v / sum(e) for v in e]
        elif sigma == "sigmoid":
            a = [one / (one + (-v).exp()) for v in zd]
        elif sigma == "tanh":
            a = [((2 * v).exp() - one) / ((2 * v).exp() + one) for v in zd]
        elif sigma == "identity":
            a = list(zd)
        else:  # relu
            a = [max(v, Decimal(0)) for v in zd]
        if cost == "quadratic":
            g = [ai - yi for ai, yi in zip(a, yd)]
        elif cost == "cross-entropy":
            g = [(ai - yi) / (ai * (one - ai)) for ai, yi in zip(a, yd)]
        else:  # log-likelihood
            g = [-yi / ai for ai, yi in zip(a, yd)]
        n = len(z)
        if sigma == "softmax":
            return [
                sum(a[k] * ((one if j == k else 0) - a[j]) * g[k] for k in range(n))
                for j in range(n)
            ]
        prime = {
            "sigmoid": lambda ai, zi: ai * (one - ai),
            "tanh": lambda ai, zi: one - ai * ai,
            "identity": lambda ai, zi: one,
            "relu": lambda ai, zi: one if zi > 0 else Decimal(0),
        }[sigma]
        return [g[j] * prime(a[j], zd[j]) for j in range(n)]


def _nabla_b(z: list[float], y: list[float], cost: str, sigma: str) -> np.ndarray:
    net = bp4.Network([1, len(z)], cost=cost, output_activation=sigma, seed=0)
    net.weights[0][...] = 0.0
    net.biases[0][:, 0] = z
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow, no division by zero
        with np.errstate(over="raise", divide="raise", invalid="raise"):
            _, nabla_b = net.backprop(np.zeros((1, 1)), np.array(y)[:, None])
    return nabla_b[0][:, 0]


def _wrong_cases(sigma: str) -> list[tuple[list[float], list[float]]]:
    """Saturated and wrong: the output sits at the end far from its target."""
    if sigma == "softmax":
        return [([0.0, g], [1.0, 0.0]) for g in GAPS + [20.0, 37.0, 40.0, 100.0]] + [
            ([0.0, g, g / 2], [1.0, 0.0, 0.0]) for g in GAPS
        ]
    if sigma in ("identity", "relu"):
        return [([s * v], [0.0]) for v in Z for s in (1.0, -1.0)]
    low = -1.0 if sigma == "tanh" else 0.0
    return [([v], [low]) for v in Z] + [([-v], [1.0]) for v in Z]


def _right_cases(sigma: str) -> list[tuple[list[float], list[float]]]:
    """Saturated and right: a^L is within a rounding of y."""
    if sigma == "softmax":
        return [([0.0, g], [0.0, 1.0]) for g in GAPS + [37.0, 40.0]]
    low = -1.0 if sigma == "tanh" else 0.0
    return [([v], [1.0]) for v in Z] + [([-v], [low]) for v in Z]


@pytest.mark.parametrize(("cost", "sigma"), PAIRS)
def test_saturated_wrong_output_gets_the_exact_gradient(cost, sigma):
    for z, y in _wrong_cases(sigma):
        got = _nabla_b(z, y, cost, sigma)
        exact = np.array([float(v) for v in _exact_delta(z, y, cost, sigma)])
        # Relative 1e-12, or within the smallest normal float where the exact
        # value underflows (σ'(750) = e^−750 is not a float).
        np.testing.assert_allclose(
            got, exact, rtol=1e-12, atol=TINY, err_msg=f"z = {z}, y = {y}"
        )


@pytest.mark.parametrize(
    ("cost", "sigma"), [p for p in PAIRS if p[1] not in ("identity", "relu")]
)
def test_saturated_right_output_is_as_accurate_as_a(cost, sigma):
    # Where a^L is within a rounding of y, δ^L is (a − y) times at most 2 or
    # so, and a − y is known only to a's rounding: 2^−53 relative to 1.
    # (A linear output does not saturate.)
    for z, y in _right_cases(sigma):
        got = _nabla_b(z, y, cost, sigma)
        exact = np.array([float(v) for v in _exact_delta(z, y, cost, sigma)])
        np.testing.assert_allclose(
            got, exact, rtol=1e-12, atol=4 * EPS, err_msg=f"z = {z}, y = {y}"
        )


@pytest.mark.parametrize("z", Z + [-v for v in Z])
@pytest.mark.parametrize("y", [0.0, 1.0])
def test_sigmoid_cross_entropy_is_a_minus_y(z, y):
    got = _nabla_b([z], [y], "cross-entropy", "sigmoid")
    net = bp4.Network([1, 1], cost="cross-entropy", seed=0)
    net.weights[0][...], net.biases[0][...] = 0.0, z
    a = net.feedforward(np.zeros((1, 1)))[:, 0]  # the a^L the forward pass computes
    np.testing.assert_allclose(got, a - y, rtol=1e-12, atol=0)
    assert abs(got[0]) <= 1.0


@pytest.mark.parametrize("gap", GAPS)
def test_softmax_log_likelihood_is_a_minus_y(gap):
    got = _nabla_b([0.0, gap], [1.0, 0.0], "log-likelihood", "softmax")
    np.testing.assert_allclose(got, [-1.0, 1.0], rtol=1e-12, atol=0)
    got = _nabla_b([0.0, gap, 3.0], [0.25, 0.0, 0.75], "log-likelihood", "softmax")
    np.testing.assert_allclose(got, [-0.25, 1.0, -0.75], rtol=1e-12, atol=0)


@pytest.mark.parametrize("gap", GAPS)
def test_softmax_cross_entropy_with_soft_targets(gap):
    z, y = [0.0, gap, 0.5 * gap], [0.25, 0.5, 0.25]
    got = _nabla_b(z, y, "cross-entropy", "softmax")
    exact = np.array([float(v) for v in _exact_delta(z, y, "cross-entropy", "softmax")])
    np.testing.assert_allclose(got, exact, rtol=1e-12, atol=TINY)


def _saturated_network(
    cost: str, sigma: str, seed: int
) -> tuple[bp4.Network, np.ndarray, np.ndarray]:
    """A [3, 4, n_L] network whose output z^L reaches |z| > 30 (gaps > 300 for softmax)."""
    n_L = 3 if sigma == "softmax" else 2
    net = bp4.Network([3, 4, n_L], cost=cost, output_activation=sigma, seed=seed)
    rng = np.random.default_rng(seed)
    net.weights[1] *= 1000.0 if sigma == "softmax" else 60.0
    X = rng.random((3, 9))
    labels = rng.integers(0, n_L, 9)
    Y = np.eye(n_L)[:, labels] if sigma == "softmax" else rng.integers(0, 2, (n_L, 9))
    return net, X, Y.astype(float)


@pytest.mark.parametrize(("cost", "sigma"), PAIRS)
def test_saturated_networks_equal_the_reference(cost, sigma):
    for seed in range(3):
        net, X, Y = _saturated_network(cost, sigma, seed)
        z_L = forward(
            net.weights, net.biases, X, net.activation, net.output_activation
        ).zs[-1]
        spread = np.ptp(z_L, axis=0) if sigma == "softmax" else np.abs(z_L)
        assert spread.max() > (300 if sigma == "softmax" else 30)  # saturated
        got_w, got_b = net.backprop(X, Y)
        ref_w, ref_b = reference.backprop(
            net.weights,
            net.biases,
            X,
            Y,
            net.activation,
            net.cost_function,
            net.output_activation,
        )
        for g, r in zip(got_w + got_b, ref_w + ref_b):
            assert np.all(np.isfinite(g))
            np.testing.assert_allclose(g, r, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("z", [37.0, 40.0, 100.0, 750.0])
def test_cross_entropy_cost_is_finite_and_a_lower_bound_at_saturation(z):
    a = bp4.activations.sigmoid(np.array([[z]]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        C = bp4.CrossEntropyCost.fn(a, np.zeros((1, 1)))
    # The true cost is −ln(1 − σ(z)) ≈ z; once a rounds to 1 only ≥ 37.4 is known.
    assert 36.7 <= C <= z + 1e-9
    assert C == pytest.approx(min(z, -np.log(EPS / 4)), rel=1e-2)


def test_log_likelihood_targets_must_sum_to_one():
    net = bp4.Network([2, 3], cost="log-likelihood", output_activation="softmax")
    Y = np.array([[1.0, 0.5], [1.0, 0.0], [0.0, 0.0]])
    with pytest.raises(ValueError, match=r"Y has a target column that sums to 2"):
        net.sgd(np.zeros((2, 2)), Y, epochs=1, batch_size=2, eta=0.1)


def test_a_cost_naming_an_unknown_form_of_bp1_is_refused():
    class Odd(bp4.QuadraticCost):
        output_error_forms = {"sigmoid": "a + y"}

    net = bp4.Network([2, 2], cost=Odd(), seed=0)
    with pytest.raises(
        ValueError, match=r"output_error_forms\['sigmoid'\] is 'a \+ y'"
    ):
        net.backprop(np.zeros((2, 1)), np.zeros((2, 1)))


def test_a_cost_may_declare_that_it_simplifies_with_its_output():
    # A custom cost that says "a - y" for sigmoid gets simplified_output_error.
    class MyCrossEntropy(bp4.CrossEntropyCost):
        name = "my cross-entropy"

    net = bp4.Network([1, 1], cost=MyCrossEntropy(), seed=0)
    net.weights[0][...], net.biases[0][...] = 0.0, 37.0
    _, (nabla_b,) = net.backprop(np.zeros((1, 1)), np.zeros((1, 1)))
    assert nabla_b[0, 0] == 1.0
