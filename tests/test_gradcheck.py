"""Backpropagation against finite differences."""

import numpy as np
import pytest
from helpers import random_cases

import bp4
from bp4.teaching.gradcheck import gradient_check, max_error, relative_error

CASES = random_cases(24, seed=99)


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_gradient_check_float64(case):
    errors = gradient_check(case.net, case.X, case.Y)
    assert [e.layer for e in errors] == list(range(2, case.net.num_layers + 1))
    assert max_error(errors) < 1e-7


def test_gradient_check_catches_a_wrong_gradient(monkeypatch):
    # A check that cannot fail is no check: break BP3 and watch it fail.
    case = CASES[0]
    monkeypatch.setattr(
        bp4.backprop,
        "bias_gradient",
        lambda delta, out=None: 2 * delta.mean(axis=1, keepdims=True),
    )
    errors = gradient_check(case.net, case.X, case.Y)
    assert max(e.biases for e in errors) > 1e-2


def test_gradient_check_leaves_parameters_untouched():
    case = CASES[1]
    before = [w.copy() for w in case.net.weights] + [b.copy() for b in case.net.biases]
    gradient_check(case.net, case.X, case.Y)
    after = case.net.weights + case.net.biases
    for x, y in zip(before, after):
        np.testing.assert_array_equal(x, y)


def test_relative_error():
    a = np.array([1.0, 2.0])
    assert relative_error(a, a) == 0.0
    assert relative_error(np.zeros(2), np.zeros(2)) == 0.0
    assert relative_error(a, -a) == pytest.approx(1.0)


# -- an honest comparison: rounding's floor, float64 differences, "too small" ----

DEEP = [4] + [4] * 30 + [3]  # 32 layers: ∂C/∂w^2 is about 1e-19


def _batch(net, seed=0, m=10):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((net.sizes[0], m)), rng.random((net.sizes[-1], m))


def test_a_deep_sigmoid_network_reads_too_small_to_judge_not_wrong():
    # Its early layers' finite differences are exactly 0 (nudging w^2 moves C
    # by less than C's rounding), backprop's gradient is about 1e-19: the
    # plain relative error is 1.0, but no rounding-free comparison exists.
    net = bp4.Network(DEEP, seed=0)
    X, Y = _batch(net)
    check = gradient_check(net, X, Y)
    assert relative_error(*[net.backprop(X, Y)[0][0], np.zeros((4, 4))]) == 1.0
    assert check[0].reading == "too small to judge"
    assert "wrong" not in [e.reading for e in check]
    assert check[-1].reading == "good"  # the layers near the output are judged
    assert check.reading == "good"
    assert 2 in check.too_small and check.too_small == sorted(check.too_small)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_a_wrong_backprop_still_reads_wrong_in_a_deep_network(monkeypatch, dtype):
    # BP2 without its ⊙ σ'(z^l): the mistake is large where it can be seen.
    monkeypatch.setattr(
        bp4.backprop,
        "hidden_error",
        lambda w_next, delta_next, sigma_prime_z, out=None: w_next.T @ delta_next,
    )
    net = bp4.Network(DEEP, seed=0, dtype=dtype)
    check = gradient_check(net, *_batch(net))
    assert check[-2].reading == "wrong"
    assert check.reading == "wrong"


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_a_wrong_bias_gradient_reads_wrong_in_any_dtype(monkeypatch, dtype):
    monkeypatch.setattr(
        bp4.backprop,
        "bias_gradient",
        lambda delta, out=None: 2 * delta.mean(axis=1, keepdims=True),
    )
    net = bp4.Network([4, 5, 3], seed=0, dtype=dtype)
    check = gradient_check(net, *_batch(net))
    assert all(e.biases_check.reading == "wrong" for e in check)
    assert all(e.weights_check.reading == "good" for e in check)


@pytest.mark.parametrize("case", CASES[:12], ids=repr)
def test_a_float32_network_reads_good(case):
    # Finite differences in float32 with ε = 1e-4 read about 2e-2 ("wrong");
    # in float64 on a copy of the float32 parameters they agree.
    net = bp4.Network(
        case.net.sizes,
        case.net.activation.name,
        case.net.cost_function.name,
        seed=3,
        dtype=np.float32,
    )
    before = [w.copy() for w in net.weights]
    check = gradient_check(net, case.X, case.Y)
    assert check.reading == "good", repr(check)
    assert all(w.dtype == np.float32 for w in net.weights)
    for w, saved in zip(net.weights, before):
        np.testing.assert_array_equal(w, saved)


def test_finite_differences_run_in_float64_for_a_float32_network():
    net = bp4.Network([3, 4, 2], seed=1, dtype=np.float32)
    X, Y = _batch(net)
    numeric_w, numeric_b = bp4.teaching.gradcheck.numerical_gradient(net, X, Y)
    assert all(g.dtype == np.float64 for g in numeric_w + numeric_b)
    # The same float32 parameters, held as float64: the same differences.
    net64 = bp4.Network([3, 4, 2], seed=1)
    net64.weights = [w.astype(np.float64) for w in net.weights]
    net64.biases = [b.astype(np.float64) for b in net.biases]
    X32, Y32 = (v.astype(np.float32).astype(np.float64) for v in (X, Y))
    expected_w, _ = bp4.teaching.gradcheck.numerical_gradient(net64, X32, Y32)
    for got, expected in zip(numeric_w, expected_w):
        np.testing.assert_array_equal(got, expected)


def test_compare_is_public_and_reads_each_case():
    from bp4.teaching.gradcheck import compare

    g = np.array([1.0, 2.0, 3.0])
    assert compare(g, g).reading == "good" and compare(g, g).error == 0.0
    assert compare(g, g * (1 + 1e-5)).reading == "suspicious"
    assert compare(g, -g).reading == "wrong"
    assert compare(g, g * (1 + 1e-5), np.float32).reading == "good"
    assert compare(g, [np.nan, 2.0, 3.0]).reading == "wrong"
    tiny = np.array([1e-19, -2e-19])
    assert compare(tiny, np.zeros(2)).reading == "wrong"  # no floor: plain reading
    judged = compare(tiny, np.zeros(2), floor=1e-12)
    assert judged.reading == "too small to judge"
    assert judged.error == pytest.approx(np.linalg.norm(tiny) / 1e-12)
    # A difference beyond the floor is still a mistake.
    assert compare(g * 1e-10, -g * 1e-10, floor=1e-12).reading == "wrong"
    assert compare(np.zeros(2), np.zeros(2)).reading == "good"
    with pytest.raises(ValueError, match=r"same shape.*\(3,\).*\(2,\)"):
        compare(g, np.zeros(2))


def test_the_floor_is_above_the_rounding_it_stands_for():
    # The estimate is checked against what rounding does on deep networks,
    # where the finite differences are nothing but rounding in the early layers.
    from bp4.teaching.gradcheck import finite_difference_floor, layer_floor

    for activation in ("sigmoid", "tanh"):
        net = bp4.Network(DEEP, activation, seed=2)
        X, Y = _batch(net, seed=2)
        entry = finite_difference_floor(net, X, Y)
        analytic, _ = net.backprop(X, Y)
        numeric, _ = bp4.teaching.gradcheck.numerical_gradient(net, X, Y)
        for a, n in zip(analytic, numeric):
            assert np.linalg.norm(a - n) < layer_floor(entry, n.size)
        # ... and not so far above that a sizable gradient cannot be judged.
        assert layer_floor(entry, 16) < 1e-9
