"""Each of BP1–BP4, in its matrix form, against its component-wise definition."""

import numpy as np
import pytest

from bp4.backprop import bias_gradient, hidden_error, output_error, weight_gradient


@pytest.fixture
def rng():
    return np.random.default_rng(7)


@pytest.mark.parametrize("n, m", [(1, 1), (4, 1), (5, 7)])
def test_bp1_output_error(rng, n, m):
    nabla_a, sp = rng.standard_normal((n, m)), rng.random((n, m))
    delta = output_error(nabla_a, sp)
    assert delta.shape == (n, m)
    for x in range(m):
        for j in range(n):
            # δ^L_j = ∂C/∂a^L_j σ'(z^L_j)
            assert delta[j, x] == pytest.approx(nabla_a[j, x] * sp[j, x], rel=1e-15)


@pytest.mark.parametrize("n, n_next, m", [(1, 1, 1), (3, 5, 1), (6, 4, 9)])
def test_bp2_hidden_error(rng, n, n_next, m):
    w_next = rng.standard_normal((n_next, n))
    delta_next = rng.standard_normal((n_next, m))
    sp = rng.random((n, m))
    delta = hidden_error(w_next, delta_next, sp)
    assert delta.shape == (n, m)
    for x in range(m):
        for j in range(n):
            # δ^l_j = Σ_k w^{l+1}_{kj} δ^{l+1}_k σ'(z^l_j)
            expected = (
                sum(w_next[k, j] * delta_next[k, x] for k in range(n_next)) * sp[j, x]
            )
            assert delta[j, x] == pytest.approx(expected, rel=1e-12, abs=1e-14)


@pytest.mark.parametrize("n, m", [(1, 1), (3, 1), (4, 6)])
def test_bp3_bias_gradient(rng, n, m):
    delta = rng.standard_normal((n, m))
    nabla_b = bias_gradient(delta)
    assert nabla_b.shape == (n, 1)
    for j in range(n):
        # ∂C/∂b^l_j = δ^l_j, averaged over the samples x
        expected = sum(delta[j, x] for x in range(m)) / m
        assert nabla_b[j, 0] == pytest.approx(expected, rel=1e-12, abs=1e-14)


@pytest.mark.parametrize("n, n_prev, m", [(1, 1, 1), (3, 2, 1), (4, 5, 8)])
def test_bp4_weight_gradient(rng, n, n_prev, m):
    delta = rng.standard_normal((n, m))
    a_prev = rng.random((n_prev, m))
    nabla_w = weight_gradient(delta, a_prev)
    assert nabla_w.shape == (n, n_prev)
    for j in range(n):
        for k in range(n_prev):
            # ∂C/∂w^l_{jk} = a^{l-1}_k δ^l_j, averaged over the samples x
            expected = sum(a_prev[k, x] * delta[j, x] for x in range(m)) / m
            assert nabla_w[j, k] == pytest.approx(expected, rel=1e-12, abs=1e-14)


def test_bp4_single_sample_is_outer_product(rng):
    # For one sample, δ (a^{l-1})^T is the outer product a_in δ_out of the text.
    delta, a_prev = rng.standard_normal((3, 1)), rng.random((2, 1))
    np.testing.assert_allclose(
        weight_gradient(delta, a_prev), np.outer(delta[:, 0], a_prev[:, 0]), rtol=1e-15
    )
