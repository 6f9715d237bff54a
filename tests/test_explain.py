"""The walk-through (bp4 explain) and the gradient check command (bp4 gradcheck)."""

import re
import sys

import numpy as np
import pytest
from helpers import PAIRINGS

import bp4
from bp4.cli import main
from bp4.teaching import reference, typeset
from bp4.teaching.gradcheck import numerical_gradient
from bp4.teaching.walkthrough import explain, format_walkthrough

SHAPES = [[2, 3, 2], [2, 1], [3, 4, 2, 1], [1, 5, 5, 3]]
WALKS = [
    explain(sizes, seed=seed, activation=activation, cost=cost)
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
        ({"net": [2]}, r"sizes must list at least two layers"),
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


def test_a_wide_network_is_printed_with_every_equation_for_every_layer():
    walk = explain([64, 12, 2], eta=0.1)
    text = format_walkthrough(walk)
    assert re.findall(r"^(\d)\. ", text, re.M) == list("123456789")
    for label in ["w^2 (12×64)", "∂C/∂w^2 (12×64)", "(w^3)^T (12×2)"]:
        assert label in text
    assert "⋯" in text and "⋮" in text and "⋱" in text


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


# -- how a walk-through shows itself: print, notebooks, plot ----------------------


def test_str_is_the_printout_and_repr_is_short():
    walk = explain([2, 3, 2], seed=0)
    assert str(walk) == format_walkthrough(walk)
    assert repr(walk) == (
        "<Walkthrough: sizes [2, 3, 2], σ = sigmoid, quadratic cost, seed 0, "
        f"C = {walk.C:.4g}>"
    )
    wide = explain([64, 3, 2])
    assert "array" not in repr(wide) and len(repr(wide)) < 100
    # wide layers are shortened, not left out
    assert str(wide) == format_walkthrough(wide) and "x = a^1 (64×1)" in str(wide)
    assert r"x = a^1\ (64 \times 1)" in wide._repr_markdown_()


def test_markdown_shows_every_step_under_its_equation():
    walk = explain([3, 4, 2, 1], seed=1)
    md = walk._repr_markdown_()
    headings = re.findall(r"^\*\*(\d)\. ", md, re.M)
    assert headings == list("12345678")
    for label in ["(BP1)", "(BP2)", "(BP3)", "(BP4)"]:
        assert label in md
    # every display block is closed, on lines of its own
    blocks = re.findall(r"^\$\$\n(.*?)\n\$\$$", md, re.M | re.S)
    assert md.count("$$") == 2 * len(blocks)
    # each equation comes before its numbers: BP1 in symbols, then δ^L in full
    bp1 = md.index(r"\delta^L = \nabla_a C \odot \sigma'(z^L)")
    assert md.index(typeset.matrix(walk.delta(4), r"\delta^{4}")) > bp1


def test_markdown_carries_every_number_rounded():
    walk = explain([2, 3, 2], seed=0)
    md = walk._repr_markdown_()
    for l in range(2, walk.num_layers + 1):
        for value in walk.delta(l)[:, 0]:
            assert f"{value:.4g}" in md
        for name, M in [("w", walk.w(l)), ("b", walk.b(l)), ("z", walk.z(l))]:
            assert typeset.matrix(M, f"{name}^{{{l}}}") in md
        named = rf"\partial C / \partial w^{{{l}}}"
        assert typeset.matrix(walk.weight_gradient(l), named) in md
    assert f"$C = {walk.C:.4g}$" in md
    for check in walk.checks:
        assert f"| {check.backprop:.10g} | {check.estimate:.10g} |" in md


def test_numbers_are_typeset_with_powers_of_ten():
    assert typeset.number(0.000012345) == r"1.234 \times 10^{-5}"
    assert typeset.number(-0.5) == "-0.5"
    assert typeset.matrix(np.array([[1.0, 2.0], [3.0, 4.0]]), "w") == (
        r"\underset{\textstyle w}{\begin{bmatrix} 1 & 2 \\ 3 & 4 \end{bmatrix}}"
    )


def test_plot_colours_neurons_by_delta_and_connections_by_gradient():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.collections import LineCollection, PathCollection

    walk = explain([3, 4, 2], seed=2)
    fig = walk.plot()
    try:
        assert isinstance(fig, matplotlib.figure.Figure)
        ax, *colorbars = fig.axes
        assert len(colorbars) == 2
        labels = [c.get_ylabel() for c in colorbars]
        assert labels == [
            r"neuron: $\delta^l_j$",
            r"connection: $\partial C/\partial w^l_{jk}$",
        ]
        (edges,) = [c for c in ax.collections if isinstance(c, LineCollection)]
        want = np.concatenate([g.ravel() for g in walk.nabla_w])  # w^l_{jk}, row by row
        np.testing.assert_array_equal(edges.get_array(), want)
        assert len(edges.get_segments()) == 3 * 4 + 4 * 2
        coloured = [
            c
            for c in ax.collections
            if isinstance(c, PathCollection) and c.get_array() is not None
        ]
        (neurons,) = coloured
        np.testing.assert_array_equal(
            neurons.get_array(), np.concatenate([d[:, 0] for d in walk.deltas])
        )
        for mappable in (edges, neurons):  # diverging scales centred on 0
            assert mappable.norm.vmin == -mappable.norm.vmax
            assert mappable.norm.vmax == np.abs(mappable.get_array()).max()
    finally:
        plt.close(fig)


def test_plot_without_matplotlib_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r'pip install "bp4\[plot\]"'):
        explain().plot()


def test_a_softmax_output_is_shown_with_bp1_in_its_general_form():
    walk = explain([2, 3, 2], cost="quadratic", output_activation="softmax")
    # softmax has no σ'(z^L) vector: NaN, never the forward pass's unused buffer
    assert np.isnan(walk.sigma_primes[-1]).all()
    dot = float((walk.a(3).T @ walk.nabla_a)[0, 0])
    text, md = str(walk), walk._repr_markdown_()
    assert "σ'(z^3)" not in text and r"\sigma'(z^{3})" not in md
    assert "4. Output error (BP1, general form for softmax)" in text
    assert f"with a^3 · ∇_a C = {dot:#.4g}" in text
    assert "a^3 = softmax(z^3) (2×1)" in text
    assert r"\operatorname{softmax}(z^{3})" in md
    for got in (text, md):
        assert "nan" not in got.lower()
    a, g = walk.a(3), walk.nabla_a
    np.testing.assert_allclose(walk.delta(3), a * (g - a.T @ g), rtol=1e-12)
    assert typeset.matrix(walk.delta(3), r"\delta^{3}") in md


@pytest.mark.parametrize(
    "output, cost", [("sigmoid", "cross-entropy"), ("softmax", "log-likelihood")]
)
def test_where_cost_and_output_cancel_bp1_is_shown_as_computed(output, cost):
    walk = explain([2, 3, 2], cost=cost, output_activation=output)
    text, md = str(walk), walk._repr_markdown_()
    assert "simplifies to δ^L = a^L − y" in text
    assert r"\delta^L = a^L - y" in md
    np.testing.assert_array_equal(walk.delta(3), walk.a(3) - walk.y)
    bp1 = text[text.index("4. Output error") : text.index("5. Backpropagate")]
    assert "a^3 (2×1)" in bp1 and "y (2×1)" in bp1 and "δ^3 (2×1)" in bp1
    assert typeset.matrix(walk.delta(3), r"\delta^{3}") in md


def test_softmax_cross_entropy_bp1_names_how_it_is_computed():
    walk = explain([2, 3, 2], cost="cross-entropy", output_activation="softmax")
    assert "softmax_cross_entropy_output_error" in str(walk)
