"""Every hidden/output/cost combination bp4 accepts, against the reference and
finite differences; the ones it refuses, with a reason."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import bp4
from bp4.activations import ACTIVATIONS, OUTPUT_ACTIVATIONS
from bp4.backprop import softmax_output_error
from bp4.cost import COSTS
from bp4.teaching import reference
from bp4.teaching.gradcheck import gradient_check, max_error

ALLOWED = {
    "quadratic": sorted(OUTPUT_ACTIVATIONS),
    "cross-entropy": ["sigmoid", "softmax"],
    "log-likelihood": ["softmax"],
}
COMBINATIONS = [
    (hidden, output, cost)
    for cost, outputs in ALLOWED.items()
    for hidden, output in itertools.product(sorted(ACTIVATIONS), outputs)
]
# Kinks of relu: keep every z^l this far from 0 so that finite differences
# (nudges up to 2e-4) measure one side's slope.
KINK_MARGIN = 1e-2


def _case(hidden: str, output: str, cost: str, seed: int):
    rng = np.random.default_rng(seed)
    while True:
        sizes = [int(n) for n in rng.integers(2, 7, size=int(rng.integers(2, 5)))]
        net = bp4.Network(
            sizes, hidden, cost, seed=int(rng.integers(2**31)), output_activation=output
        )
        m = int(rng.integers(1, 9))
        X = rng.standard_normal((sizes[0], m))
        if cost == "log-likelihood":
            Y = np.eye(sizes[-1])[:, rng.integers(0, sizes[-1], m)]
        else:
            Y = rng.random((sizes[-1], m))
        zs, _ = net.forward(X)
        if "relu" in (hidden, output) and any(
            np.any(np.abs(z) < KINK_MARGIN) for z in zs
        ):
            continue
        return net, X, Y


CASES = [_case(*combo, seed=i) for i, combo in enumerate(COMBINATIONS)]


def _id(case) -> str:
    net = case[0]
    return (
        f"{net.activation.name}-{net.output_activation.name}-{net.cost_function.name}"
    )


def test_every_accepted_combination_is_covered():
    assert len(CASES) == 3 * (5 + 2 + 1)


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_gradient_equals_reference(case):
    net, X, Y = case
    nabla_w, nabla_b = net.backprop(X, Y)
    ref_w, ref_b = reference.backprop(
        net.weights, net.biases, X, Y, net.activation, net.cost_function,
        net.output_activation,
    )  # fmt: skip
    for got, want in zip(nabla_w + nabla_b, ref_w + ref_b):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_gradient_equals_finite_differences(case):
    net, X, Y = case
    assert max_error(gradient_check(net, X, Y)) < 1e-7


def test_softmax_bp1_is_the_jacobian_transpose_times_nabla_a():
    rng = np.random.default_rng(5)
    z = rng.standard_normal((4, 3))
    a = bp4.SOFTMAX.fn(z)
    nabla_a = rng.standard_normal((4, 3))
    delta = softmax_output_error(nabla_a, a)
    for col in range(3):
        ac = a[:, col]
        jacobian = np.diag(ac) - np.outer(ac, ac)  # ∂a_k/∂z_j, symmetric
        np.testing.assert_allclose(
            delta[:, col], jacobian.T @ nabla_a[:, col], rtol=1e-13, atol=1e-15
        )


def test_softmax_with_log_likelihood_gives_a_minus_y():
    rng = np.random.default_rng(6)
    net = bp4.Network([3, 5], cost="log-likelihood", output_activation="softmax")
    X, labels = rng.standard_normal((3, 7)), rng.integers(0, 5, 7)
    walk_delta = net.backprop(X, labels)[1][-1]  # ∂C/∂b^L = mean of δ^L
    a_L = net.feedforward(X)
    Y = np.eye(5)[:, labels]
    np.testing.assert_allclose(
        walk_delta, (a_L - Y).mean(axis=1, keepdims=True), rtol=1e-12, atol=1e-15
    )


@pytest.mark.parametrize(
    "output, cost, said",
    [
        ("tanh", "cross-entropy", r"cross-entropy cost cannot be used with "
         r"output_activation='tanh': it takes ln a and ln\(1 − a\).*'sigmoid'"),
        ("relu", "cross-entropy", r"output_activation='relu'"),
        ("identity", "cross-entropy", r"output_activation='identity'"),
        ("sigmoid", "log-likelihood", r"log-likelihood cost cannot be used with "
         r"output_activation='sigmoid': .*probability vector.*'softmax'"),
        ("tanh", "log-likelihood", r"output_activation='softmax'"),
    ],
)  # fmt: skip
def test_impossible_pairs_are_refused_when_built(output, cost, said):
    with pytest.raises(ValueError, match=said):
        bp4.Network([2, 3, 2], cost=cost, output_activation=output)


def test_softmax_cannot_be_a_hidden_activation():
    with pytest.raises(ValueError, match=r"'softmax' is for the output layer"):
        bp4.Network([2, 3, 2], activation="softmax")
    with pytest.raises(ValueError, match=r"not element-wise"):
        bp4.Network([2, 3, 2], activation=bp4.SOFTMAX)


def test_unknown_output_activation_lists_the_valid_ones():
    with pytest.raises(
        ValueError,
        match=r"output_activation must be one of \['identity', 'relu', 'sigmoid', "
        r"'softmax', 'tanh'\]",
    ):
        bp4.Network([2, 2], output_activation="softsign")


def test_every_cost_is_known_by_name():
    assert sorted(COSTS) == ["cross-entropy", "log-likelihood", "quadratic"]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_log_likelihood_is_finite_at_saturated_softmax(dtype):
    net = bp4.Network(
        [2, 3], cost="log-likelihood", output_activation="softmax", dtype=dtype
    )
    net.weights[0][...] = [[500.0, 0.0], [0.0, 0.0], [-500.0, 0.0]]
    X = np.array([[1.0], [0.0]])
    with np.errstate(all="raise", under="ignore"):
        assert np.isfinite(net.cost(X, np.array([2])))
        nabla_w, nabla_b = net.backprop(X, np.array([2]))
    assert all(np.all(np.isfinite(g)) for g in nabla_w + nabla_b)
