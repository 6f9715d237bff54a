"""The walk-through (bp4 explain) and the gradient check command (bp4 gradcheck)."""

import re

import numpy as np
import pytest
from conftest import PAIRINGS

import bp4
from bp4 import reference
from bp4.cli import gradcheck_reading, main
from bp4.gradcheck import numerical_gradient
from bp4.walkthrough import explain, format_walkthrough

SHAPES = [[2, 3, 2], [2, 1], [3, 4, 2, 1], [1, 5, 5, 3]]
WALKS = [
    explain(sizes, seed, activation, cost)
    for seed, sizes in enumerate(SHAPES)
    for activation, cost in PAIRINGS
]


def ids(walk):
    return f"{walk.sizes}-{walk.activation.name}-{walk.cost.name}"


@pytest.mark.parametrize("walk", WALKS, ids=ids)
def test_every_quantity_matches_the_component_wise_reference(walk):
    zs, activations = reference.forward_sample(
        walk.weights, walk.biases, walk.x[:, 0], walk.activation, walk.output_activation
    )
    for z, z_ref in zip(walk.zs, zs):
        np.testing.assert_allclose(z[:, 0], z_ref, rtol=1e-12, atol=1e-15)
    for a, a_ref in zip(walk.activations, activations):
        np.testing.assert_allclose(a[:, 0], a_ref, rtol=1e-12, atol=1e-15)
    nabla_w, nabla_b = reference.backprop_sample(
        walk.weights,
        walk.biases,
        walk.x[:, 0],
        walk.y[:, 0],
        walk.activation,
        walk.cost,
        walk.output_activation,
    )
    for got, want in zip(walk.nabla_w + walk.nabla_b, nabla_w + nabla_b):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)
    # BP3 says ∂C/∂b^l is δ^l itself; BP4 is the outer product δ^l (a^{l-1})^T.
    for l in range(2, walk.num_layers + 1):
        np.testing.assert_array_equal(walk.bias_gradient(l), walk.delta(l))
        np.testing.assert_allclose(
            walk.weight_gradient(l), np.outer(walk.delta(l), walk.a(l - 1))
        )


@pytest.mark.parametrize("walk", WALKS, ids=ids)
def test_gradients_match_finite_differences(walk):
    net = bp4.Network(
        walk.sizes, walk.activation, walk.cost, output_activation=walk.output_activation
    )
    net.weights, net.biases = walk.weights, walk.biases
    numeric_w, numeric_b = numerical_gradient(net, walk.x, walk.y)
    for got, want in zip(walk.nabla_w + walk.nabla_b, numeric_w + numeric_b):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-9)
    assert 2 <= len(walk.checks) <= 3
    for check in walk.checks:
        assert check.estimate == pytest.approx(check.backprop, rel=1e-6, abs=1e-9)


def test_walkthrough_uses_the_networks_parameters_and_a_cost_of_one_sample():
    walk = explain([2, 3, 2], seed=7)
    net = bp4.Network([2, 3, 2], seed=7)
    for got, want in zip(walk.weights + walk.biases, net.weights + net.biases):
        np.testing.assert_array_equal(got, want)
    assert walk.x.shape == (2, 1) and walk.y.shape == (2, 1)
    assert sorted(walk.y[:, 0]) == [0.0, 1.0]
    assert walk.C == pytest.approx(net.cost(walk.x, walk.y))
    again = explain([2, 3, 2], seed=7)
    np.testing.assert_array_equal(walk.nabla_w[0], again.nabla_w[0])


def test_given_sample_and_labels_are_used():
    walk = explain([3, 2], x=[[0.5], [0.0], [1.0]], y=[1])
    np.testing.assert_array_equal(walk.x[:, 0], [0.5, 0.0, 1.0])
    np.testing.assert_array_equal(walk.y[:, 0], [0.0, 1.0])
    # BP4 at work: an input of 0 gives its weights no gradient.
    np.testing.assert_array_equal(walk.w(2).shape, (2, 3))
    assert np.all(walk.weight_gradient(2)[:, 1] == 0.0)


def test_layers_are_counted_as_in_the_text():
    walk = explain([2, 3, 2])
    assert walk.w(2) is walk.weights[0]
    assert walk.a(1) is walk.x
    assert walk.delta(3) is walk.deltas[-1]
    with pytest.raises(ValueError, match=r"l must be a layer in 2 … 3, got 1"):
        walk.delta(1)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"x": [[0.1, 0.2], [0.3, 0.4]]}, r"x must be a single sample"),
        ({"x": [0.1, 0.2]}, r"x has shape \(2,\), a single sample as a 1-D array"),
        ({"y": [[1.0, 0.0]]}, r"Y|y has shape"),
        ({"sizes": [2]}, r"sizes must list at least two layers"),
        ({"eps": 0}, r"eps must be a positive finite number, got 0"),
        ({"activation": "softsign"}, r"activation must be one of"),
    ],
)
def test_bad_arguments_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        explain(**kwargs)


def test_the_printout_shows_every_step_with_its_numbers():
    walk = explain([2, 3, 2], seed=0)
    text = format_walkthrough(walk)
    headings = re.findall(r"^(\d)\. ", text, re.M)
    assert headings == list("12345678")
    for label in ["(BP1)", "(BP2)", "(BP3)", "(BP4)", "w^2 (3×2)", "∂C/∂w^3 (2×3)"]:
        assert label in text
    # BP1 element by element: δ^3_j = ∂C/∂a^3_j × σ'(z^3_j), each to 4 digits.
    for j in range(2):
        line = re.search(
            rf"^    δ\^3_{j + 1} = +(\S+) +× +(\S+) += +(\S+)$", text, re.M
        )
        assert line is not None
        factors = [float(v) for v in line.groups()]
        assert factors[0] == pytest.approx(walk.nabla_a[j, 0], rel=5e-4)
        assert factors[1] == pytest.approx(walk.sigma_primes[-1][j, 0], rel=5e-4)
        assert factors[2] == pytest.approx(walk.delta(3)[j, 0], rel=5e-4)
    # Each printed row of w^2 carries its numbers to 4 significant digits.
    for row in walk.w(2):
        assert "  ".join(f"{v:#.4g}" for v in row).replace(" ", "") in (
            text.replace(" ", "")
        )
    assert f"= {walk.C:#.4g}" in text


def test_the_printout_refuses_matrices_too_wide_to_read():
    with pytest.raises(ValueError, match=r"at most 10 neurons a layer"):
        format_walkthrough(explain([64, 3, 2]))


def test_explain_command(capsys):
    assert main(["explain", "--sizes", "3", "2", "1", "--seed", "4"]) == 0
    out = capsys.readouterr().out
    assert out == format_walkthrough(explain([3, 2, 1], seed=4)) + "\n"
    assert main(["explain", "--activation", "tanh", "--cost", "cross-entropy"]) == 0
    assert "σ = tanh (hidden), sigmoid (output), cross-entropy cost" in (
        capsys.readouterr().out
    )


def test_gradcheck_command_reads_each_layer(capsys):
    assert main(["gradcheck", "--sizes", "3", "4", "4", "2", "--batch-size", "3"]) == 0
    out = capsys.readouterr().out
    rows = re.findall(r"^l = (\d) +(\S+) +(\S+) +(\w+)$", out, re.M)
    assert [int(r[0]) for r in rows] == [2, 3, 4]
    assert all(float(r[1]) < 1e-7 and float(r[2]) < 1e-7 for r in rows)
    assert {r[3] for r in rows} == {"good"}
    assert "Largest error" in out and ": good" in out


def test_gradcheck_command_finds_a_broken_bp2(capsys, monkeypatch):
    # BP2 without its ⊙ σ'(z^l): the layers below the output must read wrong.
    monkeypatch.setattr(
        bp4.backprop,
        "hidden_error",
        lambda w_next, delta_next, sp, out=None: w_next.T @ delta_next,
    )
    assert main(["gradcheck", "--sizes", "3", "4", "2"]) == 1
    out = capsys.readouterr().out
    assert re.search(r"^l = 2 .* wrong$", out, re.M)
    assert re.search(r"^l = 3 .* good$", out, re.M)


@pytest.mark.parametrize(
    "error, reading",
    [(3e-11, "good"), (9.9e-8, "good"), (1e-6, "suspicious"), (0.5, "wrong")],
)
def test_gradcheck_reading(error, reading):
    assert gradcheck_reading(error) == reading
