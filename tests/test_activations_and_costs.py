"""σ, σ' and the costs: values, derivatives and behaviour at extreme inputs."""

import warnings

import numpy as np
import pytest

from bp4.activations import ACTIVATIONS
from bp4.cost import CrossEntropyCost, QuadraticCost


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_prime_is_the_derivative(name):
    act = ACTIVATIONS[name]
    z = np.linspace(-6, 6, 101) + 0.013  # keep away from ReLU's kink at 0
    h = 1e-6
    numeric = (act.fn(z + h) - act.fn(z - h)) / (2 * h)
    np.testing.assert_allclose(act.prime(z), numeric, rtol=1e-7, atol=1e-9)


def test_sigmoid_values_and_tails():
    sigmoid = ACTIVATIONS["sigmoid"]
    z = np.array([-1000.0, -40.0, 0.0, 40.0, 1000.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # Underflow to 0 is the right answer for e^{-1000}; the rest must not happen.
        with np.errstate(all="raise", under="ignore"):
            s = sigmoid.fn(z)
            sp = sigmoid.prime(z)
    np.testing.assert_allclose(
        s[1:4],
        [np.exp(-40) / (1 + np.exp(-40)), 0.5, 1 / (1 + np.exp(-40))],
        rtol=1e-14,
    )
    assert s[0] == 0.0 and s[-1] == 1.0
    assert (
        sp[2] == 0.25
        and sp[1] == pytest.approx(np.exp(-40), rel=1e-12)
        and sp[3] == sp[1]
    )


def test_quadratic_cost_and_gradient():
    a = np.array([[0.2, 0.9], [0.7, 0.1]])
    y = np.array([[0.0, 1.0], [1.0, 0.0]])
    # C = 1/(2n) Σ_x ‖y − a‖², n = 2 columns
    assert QuadraticCost.fn(a, y) == pytest.approx((0.04 + 0.09 + 0.01 + 0.01) / 4)
    np.testing.assert_array_equal(QuadraticCost.nabla_a(a, y), a - y)


def test_cross_entropy_cost_and_gradient():
    a = np.array([[0.2], [0.7]])
    y = np.array([[0.0], [1.0]])
    assert CrossEntropyCost.fn(a, y) == pytest.approx(-(np.log(0.8) + np.log(0.7)))
    h = 1e-7
    numeric = [
        (CrossEntropyCost.fn(a + h * e, y) - CrossEntropyCost.fn(a - h * e, y))
        / (2 * h)
        for e in np.eye(2)[:, :, None]
    ]
    np.testing.assert_allclose(CrossEntropyCost.nabla_a(a, y)[:, 0], numeric, rtol=1e-6)


def test_cross_entropy_is_finite_and_silent_at_saturated_outputs():
    a = np.array([[0.0, 1.0, 1.0], [1.0, 0.0, 0.5]])
    y = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.5]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise", under="ignore"):
            c = CrossEntropyCost.fn(a, y)
            g = CrossEntropyCost.nabla_a(a, y)
    assert np.isfinite(c) and c > 100  # confidently wrong outputs cost a lot
    assert np.all(np.isfinite(g))
    assert g[0, 2] == 0.0
