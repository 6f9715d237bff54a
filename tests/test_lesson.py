"""The live lesson: explain a given network on a given sample, the whole step, names shown as written."""

from __future__ import annotations

import re

import numpy as np
import pytest

import bp4
from bp4.teaching.walkthrough import explain, format_walkthrough


@pytest.fixture(scope="module")
def digits_net():
    """A [64, 30, 10] network trained on the digits, and one test digit."""
    d = bp4.load_digits()
    net = bp4.Network([64, 30, 10], init="scaled", seed=3)
    net.sgd(d.X_train, d.y_train, epochs=5, batch_size=10, eta=0.5)
    return net, d.X_test[:, [7]], int(d.y_test[7])


def test_a_trained_network_is_explained_with_its_own_numbers(digits_net):
    net, x, label = digits_net
    walk = explain(net, x, label, eta=0.5)
    nabla_w, nabla_b = net.backprop(x, np.array([label]))
    for got, want in zip(walk.nabla_w + walk.nabla_b, nabla_w + nabla_b):
        np.testing.assert_array_equal(got, want)
    for got, want in zip(walk.weights + walk.biases, net.weights + net.biases):
        np.testing.assert_array_equal(got, want)
    assert walk.sizes == [64, 30, 10]
    assert walk.C == pytest.approx(net.cost(x, np.array([label])), rel=1e-12)
    np.testing.assert_array_equal(walk.y[:, 0], np.eye(10)[label])
    # the finite differences agree with backpropagation on the trained network
    for check in walk.checks:
        assert check.estimate == pytest.approx(check.backprop, rel=1e-5, abs=1e-9)


def test_the_update_is_the_rule_and_lowers_the_cost_for_a_small_eta(digits_net):
    net, x, label = digits_net
    eta = 0.05
    walk = explain(net, x, label, eta=eta)
    for l in range(2, 4):
        np.testing.assert_allclose(
            walk.updated_w(l), walk.w(l) - eta * walk.weight_gradient(l), rtol=1e-15
        )
        np.testing.assert_allclose(
            walk.updated_b(l), walk.b(l) - eta * walk.bias_gradient(l), rtol=1e-15
        )
    # the same step taken by the network itself, on a copy
    stepped = bp4.Network([64, 30, 10])
    stepped.weights = [w.copy() for w in net.weights]
    stepped.biases = [b.copy() for b in net.biases]
    stepped.update(x, np.array([label]), eta)
    for got, want in zip(
        walk.updated_weights + walk.updated_biases, stepped.weights + stepped.biases
    ):
        np.testing.assert_array_equal(got, want)
    assert walk.C_after == pytest.approx(stepped.cost(x, np.array([label])), rel=1e-12)
    assert walk.C_after < walk.C


def test_explain_never_changes_the_network(digits_net):
    net, x, label = digits_net
    before = [p.copy() for p in net.weights + net.biases]
    state = net.rng.bit_generator.state
    explain(net, eta=1.0)  # x and y drawn, not from the network's generator
    explain(net, x, label, eta=3.0)
    for got, want in zip(net.weights + net.biases, before):
        np.testing.assert_array_equal(got, want)
    assert net.rng.bit_generator.state == state


def test_a_float32_network_is_explained_in_float32_and_checked_in_float64():
    net = bp4.Network([3, 4, 2], seed=0, dtype=np.float32)
    x = np.array([[0.2], [0.5], [0.9]], dtype=np.float32)
    walk = explain(net, x, 1, eta=0.5)
    nabla_w, _ = net.backprop(x, np.array([1]))
    assert walk.nabla_w[0].dtype == np.float32
    np.testing.assert_array_equal(walk.nabla_w[0], nabla_w[0])
    for check in walk.checks:  # float32's gradient, float64's estimate
        assert check.estimate == pytest.approx(check.backprop, rel=1e-5, abs=1e-7)


def test_without_a_network_the_tiny_default_and_its_options_stay():
    assert explain().sizes == [2, 3, 2]
    walk = explain([3, 2], seed=4, activation="tanh", cost="cross-entropy")
    assert (walk.activation.name, walk.cost.name, walk.seed) == (
        "tanh",
        "cross-entropy",
        4,
    )
    net = bp4.Network([3, 2], "tanh", "cross-entropy", seed=4)
    np.testing.assert_array_equal(walk.w(2), net.weights[0])
    assert walk.eta is None and walk.C_after is None and walk.updated_weights is None
    with pytest.raises(ValueError, match=r"explain\(…, eta=0.5\)"):
        walk.updated_w(2)


@pytest.mark.parametrize(
    "args, kwargs, error, message",
    [
        (
            (bp4.Network([2, 2]),),
            {"cost": "cross-entropy"},
            TypeError,
            "cost cannot be given with a Network",
        ),
        (
            ([2, 3, 2], 7),
            {},
            TypeError,
            r"pass the seed by name: explain\(\[2, 3, 2\], seed=7\)",
        ),
        (("2 3 2",), {}, TypeError, r"sizes|net"),
        ((bp4.Network([2, 2]),), {"eta": -1}, ValueError, "eta must be a positive"),
        (
            (bp4.Network([2, 2]), [[0.1], [0.2]], 5),
            {},
            ValueError,
            r"y has labels from 5 to 5",
        ),
        ((3.5,), {}, TypeError, r"net must be a bp4.Network, layer sizes"),
    ],
)
def test_bad_arguments_name_what_was_wrong(args, kwargs, error, message):
    with pytest.raises(error, match=message):
        explain(*args, **kwargs)


def test_the_whole_step_is_printed_and_typeset(digits_net):
    net, x, label = digits_net
    walk = explain(net, x, label, eta=0.5)
    text = str(walk)
    assert re.findall(r"^(\d)\. ", text, re.M) == list("123456789")
    assert "8. Update (gradient descent, η = 0.5)" in text
    assert "w^2 after (30×64)" in text and "b^3 after (10×1)" in text
    assert f"C = {walk.C:#.4g} before the step, {walk.C_after:#.4g} after" in text
    md = walk._repr_markdown_()
    assert re.findall(r"^\*\*(\d)\. ", md, re.M) == list("123456789")
    assert r"w^{2}\ \text{after}\ (30 \times 64)" in md
    assert r"\vdots" in md and r"\cdots" in md and r"\ddots" in md
    assert f"after the step: $C = {bp4.teaching.typeset.number(walk.C_after)}$" in md
    assert "→" in repr(walk)


def test_wide_matrices_keep_their_edges_and_name_their_shape():
    walk = explain([40, 25, 3], seed=1)
    text = format_walkthrough(walk)
    block = text[text.index("w^2 (25×40)") :].splitlines()
    w = walk.w(2)
    # the first printed row holds w^2's first three and last three entries
    first_row = next(line for line in block if line.strip().startswith("["))
    numbers = re.findall(r"-?\d\.\d+(?:e[-+]\d+)?", first_row.split("]")[0])
    expected = [*w[0, :3], *w[0, -3:]]
    assert [float(v) for v in numbers] == pytest.approx(expected, rel=5e-4)
    assert "⋯" in first_row
    # the full arrays stay in the object
    assert walk.w(2).shape == (25, 40) and walk.x.shape == (40, 1)


class NamelessCost:
    """A cost Network accepts: fn and nabla_a, no name."""

    def fn(self, a, y):
        return 0.5 * float(np.sum((a - y) ** 2)) / y.shape[1]

    def nabla_a(self, a, y):
        return a - y


def test_displays_work_for_a_cost_without_a_name():
    net = bp4.Network([2, 3, 2], cost=NamelessCost(), seed=0)
    walk = explain(net, eta=0.5)
    assert "NamelessCost cost" in repr(walk)
    assert "NamelessCost cost" in str(walk)
    assert "NamelessCost cost" in walk._repr_markdown_()
    # the same numbers as the quadratic cost it computes
    quadratic = explain(bp4.Network([2, 3, 2], seed=0), eta=0.5)
    np.testing.assert_allclose(walk.nabla_w[0], quadratic.nabla_w[0], rtol=1e-12)


def test_names_holding_html_are_escaped_in_the_notebook():
    s = bp4.SIGMOID
    bold = bp4.Activation("<b>bold</b>", s.fn, s.prime, s.apply_in_place)
    cost = NamelessCost()
    cost.name = "<img src=x onerror=alert(1)>*x*"  # type: ignore[attr-defined]
    net = bp4.Network([2, 3, 2], activation=bold, cost=cost, seed=0)
    md = explain(net)._repr_markdown_()
    assert "<img" not in md and "&lt;img src=x onerror=alert\\(1\\)&gt;\\*x\\*" in md
    assert "<b>" not in md and "&lt;b&gt;bold&lt;/b&gt;" in md
    assert "σ = <b>bold</b>" in str(explain(net))  # text shows the name as it is
