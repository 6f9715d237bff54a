"""One path: training, update, backprop and explain all run bp4.backprop's BP1–BP4.

Each of the four functions is wrapped in turn so that what it computes is
zeroed; the consequence for the parameters is exactly what the equation it
computes implies.
"""

from __future__ import annotations

import numpy as np
import pytest

import bp4
from bp4 import backprop
from bp4.activations import IDENTITY, RELU, SIGMOID, SOFTMAX, TANH

EQUATIONS = ["output_error", "hidden_error", "bias_gradient", "weight_gradient"]


def _zeroed_copy(real):
    def wrapper(*args, **kwargs):
        return np.zeros_like(real(*args, **kwargs))

    return wrapper


def _zeroed_in_place(real):
    def wrapper(*args, **kwargs):
        result = real(*args, **kwargs)
        result[...] = 0.0
        return result

    return wrapper


def _train(how: str) -> tuple[bp4.Network, list[np.ndarray], list[np.ndarray]]:
    rng = np.random.default_rng(3)
    X, y = rng.random((5, 24)), rng.integers(0, 3, 24)
    net = bp4.Network([5, 6, 4, 3], seed=1)
    before_w = [w.copy() for w in net.weights]
    before_b = [b.copy() for b in net.biases]
    if how == "sgd":
        net.sgd(X, y, epochs=2, batch_size=5, eta=1.0)
    else:
        net.update(X, y, eta=1.0)
    return net, before_w, before_b


def _moved(after: list[np.ndarray], before: list[np.ndarray]) -> list[bool]:
    return [not np.array_equal(a, b) for a, b in zip(after, before)]


@pytest.mark.parametrize("how", ["sgd", "update"])
@pytest.mark.parametrize("wrap", [_zeroed_copy, _zeroed_in_place])
@pytest.mark.parametrize("equation", EQUATIONS)
def test_zeroing_an_equation_has_its_exact_consequence(
    monkeypatch, how, wrap, equation
):
    monkeypatch.setattr(backprop, equation, wrap(getattr(backprop, equation)))
    net, before_w, before_b = _train(how)
    moved_w, moved_b = _moved(net.weights, before_w), _moved(net.biases, before_b)
    if equation == "output_error":  # δ^L = 0, so every δ^l = 0: nothing moves
        assert moved_w == [False] * 3 and moved_b == [False] * 3
    elif equation == "hidden_error":  # δ^l = 0 below L: only w^L, b^L learn
        assert moved_w == [False, False, True] and moved_b == [False, False, True]
    elif equation == "bias_gradient":  # ∂C/∂b = 0: no bias moves, weights do
        assert moved_b == [False] * 3 and moved_w == [True] * 3
    else:  # ∂C/∂w = 0: no weight moves, biases do
        assert moved_w == [False] * 3 and moved_b == [True] * 3


@pytest.mark.parametrize("how", ["sgd", "update"])
def test_unwrapped_everything_learns(how):
    net, before_w, before_b = _train(how)
    assert _moved(net.weights, before_w) == [True] * 3
    assert _moved(net.biases, before_b) == [True] * 3


def test_explain_and_backprop_run_the_replaced_bp1(monkeypatch):
    monkeypatch.setattr(backprop, "output_error", _zeroed_copy(backprop.output_error))
    walk = bp4.explain([2, 3, 2], seed=0)
    assert all(not d.any() for d in walk.deltas)
    net = bp4.Network([2, 3, 2], seed=0)
    nabla_w, nabla_b = net.backprop(np.ones((2, 4)), np.array([0, 1, 1, 0]))
    assert all(not g.any() for g in nabla_w + nabla_b)


@pytest.mark.parametrize("batch_size", [1, 5, 7, 24])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sgd_equals_update_on_the_same_batches(batch_size, dtype):
    # sgd reuses one workspace for every batch; update allocates fresh arrays.
    # With the same shuffles they must produce the same parameters.
    rng = np.random.default_rng(0)
    X, y = rng.random((5, 24)), rng.integers(0, 3, 24)
    trained = bp4.Network([5, 6, 4, 3], seed=2, dtype=dtype)
    stepped = bp4.Network([5, 6, 4, 3], seed=2, dtype=dtype)
    trained.sgd(X, y, epochs=2, batch_size=batch_size, eta=0.7)
    for _ in range(2):
        order = stepped.rng.permutation(24)
        for k in range(0, 24, batch_size):
            batch = order[k : k + batch_size]
            stepped.update(X[:, batch], y[batch], eta=0.7)
    rtol = 1e-12 if dtype == np.float64 else 1e-5
    for a, b in zip(trained.weights + trained.biases, stepped.weights + stepped.biases):
        np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol)


def test_nabla_holds_the_gradient_after_update(monkeypatch):
    # The update rule is its own step: the arrays BP3 and BP4 filled still hold
    # ∂C/∂w and ∂C/∂b afterwards, with no η folded in.
    seen = {}

    def keep(real):
        def wrapper(*args, **kwargs):
            result = real(*args, **kwargs)
            seen.setdefault(real.__name__, []).append(result)
            return result

        return wrapper

    monkeypatch.setattr(backprop, "weight_gradient", keep(backprop.weight_gradient))
    net = bp4.Network([3, 4, 2], seed=0)
    X, y = np.random.default_rng(1).random((3, 6)), np.array([0, 1, 1, 0, 1, 0])
    expected_w, _ = bp4.Network([3, 4, 2], seed=0).backprop(X, y)
    net.update(X, y, eta=5.0)
    got = seen["weight_gradient"][::-1]  # backward goes from layer L down
    for g, e in zip(got, expected_w):
        np.testing.assert_allclose(g, e, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("activation", [SIGMOID, TANH, RELU, IDENTITY])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_in_place_activations_equal_fn_and_prime(activation, dtype):
    z = np.concatenate(
        [np.linspace(-30, 30, 601), [-1000.0, -100.0, -40.0, 0.0, 40.0, 100.0, 1000.0]]
    ).astype(dtype)
    z = z.reshape(2, -1)
    a, s = np.empty_like(z), np.empty_like(z)
    with np.errstate(all="raise", under="ignore"):
        activation.apply(z, a, s)
        want_a, want_s = activation.fn(z), activation.prime(z)
    rtol = 1e-14 if dtype == np.float64 else 1e-6
    # Below e^{-709} (float64) or e^{-88} (float32) the in-place sigmoid is
    # capped at the smallest value the cap allows: an absolute error under
    # the tiniest normal numbers, hence the atol.
    atol = 1e-300 if dtype == np.float64 else 1e-37
    np.testing.assert_allclose(a, want_a, rtol=rtol, atol=atol)
    np.testing.assert_allclose(s, want_s, rtol=rtol, atol=atol)
    assert a.dtype == dtype and s.dtype == dtype


def test_in_place_softmax_equals_softmax():
    z = np.random.default_rng(0).standard_normal((5, 7)) * 50
    a, s = np.empty_like(z), np.full_like(z, 7.0)
    SOFTMAX.apply(z, a, s)
    np.testing.assert_allclose(a, SOFTMAX.fn(z), rtol=1e-14)
    np.testing.assert_allclose(a.sum(axis=0), 1.0, rtol=1e-14)
    assert np.all(np.isnan(s))  # softmax has no σ'(z) vector


def _without_out(real):
    """A student's replacement written without ``out=``: returns a new array."""
    if real.__name__ == "output_error":
        return lambda nabla_a, sigma_prime_zL: np.zeros_like(nabla_a * sigma_prime_zL)
    if real.__name__ == "hidden_error":
        return lambda w_next, delta_next, sigma_prime_z: np.zeros_like(sigma_prime_z)
    if real.__name__ == "bias_gradient":
        return lambda delta: np.zeros((delta.shape[0], 1))
    return lambda delta, a_prev: np.zeros((delta.shape[0], a_prev.shape[0]))


@pytest.mark.parametrize("how", ["sgd", "update"])
@pytest.mark.parametrize("equation", EQUATIONS)
def test_replacing_the_top_level_name_changes_training(monkeypatch, how, equation):
    # bp4.output_error = f is bp4.backprop.output_error = f; f may leave out out=.
    replacement = _without_out(getattr(backprop, equation))
    monkeypatch.setattr(bp4, equation, replacement)
    assert getattr(backprop, equation) is replacement
    assert getattr(bp4, equation) is replacement
    net, before_w, before_b = _train(how)
    moved_w, moved_b = _moved(net.weights, before_w), _moved(net.biases, before_b)
    expected = {
        "output_error": ([False] * 3, [False] * 3),
        "hidden_error": ([False, False, True], [False, False, True]),
        "bias_gradient": ([True] * 3, [False] * 3),
        "weight_gradient": ([False] * 3, [True] * 3),
    }[equation]
    assert (moved_w, moved_b) == expected


def test_the_top_level_name_follows_bp4_backprop(monkeypatch):
    replacement = _zeroed_copy(backprop.hidden_error)
    monkeypatch.setattr(backprop, "hidden_error", replacement)
    assert bp4.hidden_error is replacement
    from bp4 import hidden_error

    assert hidden_error is replacement


def test_a_replacement_without_out_runs_in_explain(monkeypatch):
    monkeypatch.setattr(
        bp4, "output_error", lambda nabla_a, sigma_prime_zL: 0.0 * nabla_a
    )
    walk = bp4.explain([2, 3, 2], seed=0)
    assert all(not d.any() for d in walk.deltas)


def test_replacing_the_simplified_bp1_changes_cross_entropy_training(monkeypatch):
    # Sigmoid with cross-entropy takes δ^L = a^L − y, its own named function.
    monkeypatch.setattr(bp4, "simplified_output_error", lambda a_L, y: 0.0 * a_L)
    net = bp4.Network([2, 3, 2], cost="cross-entropy", seed=0)
    nabla_w, nabla_b = net.backprop(np.ones((2, 4)), np.array([0, 1, 1, 0]))
    assert all(not g.any() for g in nabla_w + nabla_b)


def test_the_equation_names_cannot_be_deleted_from_bp4():
    with pytest.raises(AttributeError, match=r"bp4.output_error is bp4.backprop"):
        del bp4.output_error
