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
