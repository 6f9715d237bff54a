"""bp4.exercises: each of the text's exercises is checked, and its mistakes named."""

from __future__ import annotations

import numpy as np
import pytest

import bp4
from bp4 import exercises
from bp4.teaching import exercises as teaching_exercises


def sig(z):
    return 1 / (1 + np.exp(-z))


def sig_prime(z):
    return sig(z) * (1 - sig(z))


# -- the alternate presentation with Σ'(z) ------------------------------------------


def sigma_prime_output_error(nabla_a, z_L):
    return np.diag(sig_prime(z_L[:, 0])) @ nabla_a


def sigma_prime_hidden_error(w_next, delta_next, z):
    return np.diag(sig_prime(z[:, 0])) @ w_next.T @ delta_next


# -- a single modified neuron ----------------------------------------------------------


def modified_neuron_hidden_error(w_next, delta_next, z, j, f_prime):
    slopes = sig_prime(z)
    slopes[j, :] = f_prime(z[j, :])
    return np.einsum("kj,km->jm", w_next, delta_next) * slopes


def modified_unmodified(w_next, delta_next, z, j, f_prime):
    return (w_next.T @ delta_next) * sig_prime(z)


def modified_everywhere(w_next, delta_next, z, j, f_prime):
    return np.dot(w_next.T, delta_next) * f_prime(z)


# -- whole backward passes, one sample at a time (unlike the recognisers' matrix form)


def per_sample_pass(
    weights, biases, X, Y, *, linear=False, at_a=False, next_prime=False,
    w_before=False, no_transpose=False, mean_delta=False, summed=False, a_delta=False,
):  # fmt: skip
    sigma = (lambda z: z) if linear else sig
    prime = (lambda z: np.ones_like(z)) if linear else sig_prime
    m = X.shape[1]
    nabla_w = [0.0 for w in weights]  # an outer product of the right shape adds to it
    nabla_b = [np.zeros(b.shape) for b in biases]
    all_deltas = []
    for x in range(m):
        a, zs, acts = X[:, x : x + 1], [], [X[:, x : x + 1]]
        for w, b in zip(weights, biases):
            zs.append(np.dot(w, a) + b)
            a = sigma(zs[-1])
            acts.append(a)
        slope = [prime(acts[i + 1]) if at_a else prime(zs[i]) for i in range(len(zs))]
        deltas = [None] * len(weights)
        deltas[-1] = (acts[-1] - Y[:, x : x + 1]) * slope[-1]
        for i in range(len(weights) - 2, -1, -1):
            w = weights[i] if w_before else weights[i + 1]
            back = (w if no_transpose else w.T) @ deltas[i + 1]
            deltas[i] = back * slope[i + 1 if next_prime else i]
        all_deltas.append(deltas)
    if mean_delta:  # every sample's δ replaced by the batch's mean δ
        mean = [sum(d[i] for d in all_deltas) / m for i in range(len(weights))]
        all_deltas = [mean] * m
    for x, deltas in enumerate(all_deltas):
        acts_x = [X[:, x : x + 1]]
        for w, b in zip(weights, biases):
            acts_x.append(sigma(w @ acts_x[-1] + b))
        for i, d in enumerate(deltas):
            nabla_b[i] += d
            nabla_w[i] += acts_x[i] @ d.T if a_delta else d @ acts_x[i].T
    count = 1 if summed else m
    return [g / count for g in nabla_w], [g / count for g in nabla_b]


def matrix_backprop(weights, biases, X, Y):
    return per_sample_pass(weights, biases, X, Y)


def linear_backprop(weights, biases, X, Y):
    return per_sample_pass(weights, biases, X, Y, linear=True)


def log_likelihood_output_error(a_L, y):
    return np.subtract(a_L, y)


SOLUTIONS = [
    sigma_prime_output_error,
    sigma_prime_hidden_error,
    modified_neuron_hidden_error,
    linear_backprop,
    matrix_backprop,
    log_likelihood_output_error,
]


def test_every_exercise_has_a_stub_with_its_task():
    assert exercises is teaching_exercises
    assert [f.__name__ for f in SOLUTIONS] == list(exercises.EXERCISES)
    for name in exercises.EXERCISES:
        stub = getattr(exercises, name)
        assert "Chapter" in stub.__doc__
        report = bp4.check(stub)
        assert report.mistake == "not_implemented" and not report.passed
        assert "not implemented yet" in str(report)


@pytest.mark.parametrize("fn", SOLUTIONS, ids=lambda f: f.__name__)
def test_solutions_pass(fn):
    report = bp4.check(fn)
    assert report.passed, str(report)
    assert exercises.check(fn).passed


def _pass(**change):
    return lambda weights, biases, X, Y: per_sample_pass(
        weights, biases, X, Y, **change
    )


MISTAKES = [
    ("sigma_prime_output_error", "sigma_prime_at_a",
     lambda nabla_a, z_L: np.diag(sig_prime(sig(z_L))[:, 0]) @ nabla_a),
    ("sigma_prime_output_error", "sigma_not_prime",
     lambda nabla_a, z_L: np.diag(sig(z_L[:, 0])) @ nabla_a),
    ("sigma_prime_hidden_error", "no_transpose",
     lambda w, d, z: np.diag(sig_prime(z[:, 0])) @ w @ d),
    ("sigma_prime_hidden_error", "wrong_layer_sigma_prime",
     lambda w, d, z: w.T @ np.diag(sig_prime(z[:, 0])) @ d),
    ("modified_neuron_hidden_error", "unmodified", modified_unmodified),
    ("modified_neuron_hidden_error", "f_prime_everywhere", modified_everywhere),
    ("linear_backprop", "sigmoid_kept", _pass()),
    ("linear_backprop", "summed", _pass(linear=True, summed=True)),
    ("linear_backprop", "wrong_layer_w", _pass(linear=True, w_before=True)),
    ("matrix_backprop", "sigma_prime_at_a", _pass(at_a=True)),
    ("matrix_backprop", "wrong_layer_sigma_prime", _pass(next_prime=True)),
    ("matrix_backprop", "wrong_layer_w", _pass(w_before=True)),
    ("matrix_backprop", "no_transpose", _pass(no_transpose=True)),
    ("matrix_backprop", "delta_averaged", _pass(mean_delta=True)),
    ("matrix_backprop", "summed", _pass(summed=True)),
    ("matrix_backprop", "a_delta_T", _pass(a_delta=True)),
    ("log_likelihood_output_error", "sign", lambda a_L, y: y - a_L),
    ("log_likelihood_output_error", "nabla_a", lambda a_L, y: -y / a_L),
    ("log_likelihood_output_error", "elementwise_form",
     lambda a_L, y: (a_L - y) * a_L * (1 - a_L)),
]  # fmt: skip


@pytest.mark.parametrize(
    "name, mistake, fn", MISTAKES, ids=[f"{n}-{m}" for n, m, _ in MISTAKES]
)
def test_exercise_mistakes_are_named(name, mistake, fn):
    report = bp4.check(fn, name)
    assert report.mistake == mistake, str(report)
    zh = bp4.check(fn, name, lang="zh")
    assert zh.mistake == mistake and any("\u4e00" <= c <= "\u9fff" for c in zh.message)


def test_a_wrong_structure_is_named():
    report = bp4.check(lambda weights, biases, X, Y: weights, "matrix_backprop")
    assert report.mistake == "wrong_type"
    assert "must return (nabla_w, nabla_b)" in report.message


@pytest.mark.parametrize("key", sorted(bp4.teaching.tasks.TASKS))
def test_chinese_headings_have_no_english_words(key):
    import re

    from bp4.teaching.tasks import TASKS

    task = TASKS[key]
    heading = bp4.check(lambda *a: 1 / 0, key, lang="zh").heading()
    words = set(re.findall(r"[A-Za-z]{3,}", heading.replace(key, "")))
    assert words <= {"softmax", "BP"}, heading
    for mistake in task.catalogue:
        assert not re.search(r"\b(the|for|over|summed|averaged)\b", mistake.text)
