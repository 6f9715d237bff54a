"""The matrix backward pass against the per-sample, component-wise reference."""

import numpy as np
import pytest
from helpers import random_cases

from bp4.teaching import reference

CASES = random_cases(24, seed=2024)


def assert_gradients_equal(got, expected, rtol, atol):
    for layer, (g, e) in enumerate(zip(got, expected)):
        assert g.shape == e.shape, f"layer index {layer}"
        np.testing.assert_allclose(
            g, e, rtol=rtol, atol=atol, err_msg=f"layer index {layer}"
        )


def test_the_family_covers_every_activation_cost_and_depth():
    kinds = {(c.net.activation.name, c.net.cost_function.name) for c in CASES}
    assert len(kinds) == 4
    assert {c.net.num_layers for c in CASES} == {2, 3, 4, 5}
    assert (
        min(c.X.shape[1] for c in CASES) <= 5 and max(c.X.shape[1] for c in CASES) >= 25
    )


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_matrix_backprop_equals_componentwise_reference(case):
    net = case.net
    nabla_w, nabla_b = net.backprop(case.X, case.Y)
    ref_w, ref_b = reference.backprop(
        net.weights,
        net.biases,
        case.X,
        case.Y,
        net.activation,
        net.cost_function,
        net.output_activation,
    )
    assert_gradients_equal(nabla_w, ref_w, rtol=1e-12, atol=1e-12)
    assert_gradients_equal(nabla_b, ref_b, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("case", CASES[:8], ids=repr)
def test_per_sample_loop_equals_matrix_form(case):
    net = case.net
    nabla_w, nabla_b = net.backprop(case.X, case.Y)
    loop_w, loop_b = reference.backprop_per_sample(
        net.weights,
        net.biases,
        case.X,
        case.Y,
        net.activation,
        net.cost_function,
        net.output_activation,
    )
    assert_gradients_equal(nabla_w, loop_w, rtol=1e-12, atol=1e-12)
    assert_gradients_equal(nabla_b, loop_b, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("case", CASES[:8], ids=repr)
def test_batch_gradient_is_mean_of_single_sample_gradients(case):
    net, m = case.net, case.X.shape[1]
    nabla_w, nabla_b = net.backprop(case.X, case.Y)
    singles = [net.backprop(case.X[:, [i]], case.Y[:, [i]]) for i in range(m)]
    for layer in range(len(net.weights)):
        mean_w = sum(s[0][layer] for s in singles) / m
        mean_b = sum(s[1][layer] for s in singles) / m
        np.testing.assert_allclose(nabla_w[layer], mean_w, rtol=1e-12, atol=1e-13)
        np.testing.assert_allclose(nabla_b[layer], mean_b, rtol=1e-12, atol=1e-13)


def test_reference_forward_matches_matrix_forward():
    case = CASES[3]
    net = case.net
    zs, activations = net.forward(case.X)
    for i in range(case.X.shape[1]):
        ref_zs, ref_as = reference.forward_sample(
            net.weights, net.biases, case.X[:, i], net.activation, net.output_activation
        )
        for z, rz in zip(zs, ref_zs):
            np.testing.assert_allclose(z[:, i], rz, rtol=1e-12, atol=1e-13)
        for a, ra in zip(activations, ref_as):
            np.testing.assert_allclose(a[:, i], ra, rtol=1e-12, atol=1e-13)


def test_gradients_do_not_change_the_network():
    case = CASES[5]
    before = [w.copy() for w in case.net.weights]
    case.net.backprop(case.X, case.Y)
    for w, b in zip(case.net.weights, before):
        np.testing.assert_array_equal(w, b)
