"""The playground: seeded 2-D data in bp4's layout, and training recorded epoch by epoch."""

from __future__ import annotations

import re

import numpy as np
import pytest

import bp4
from bp4.data import TOY_SETS, circles, curve, load_toy, moons, spiral, xor
from bp4.teaching.playground import playground

CLASSES = ["moons", "circles", "xor", "spiral"]


@pytest.mark.parametrize("name", CLASSES)
def test_toy_sets_are_columns_of_two_features_with_balanced_labels(name):
    d = load_toy(name)
    assert d.X_train.shape == (2, 400) and d.X_test.shape == (2, 200)
    assert d.y_train.shape == (400,) and d.y_test.shape == (200,)
    assert d.X_train.flags.f_contiguous and d.X_train.dtype == np.float64
    assert set(np.unique(d.y_train)) == {0, 1}
    assert 0.4 < d.y_train.mean() < 0.6
    assert np.abs(d.X_train).max() < 2.5


@pytest.mark.parametrize("name", list(TOY_SETS))
def test_toy_sets_are_seeded(name):
    a, b, c = load_toy(name, seed=1), load_toy(name, seed=1), load_toy(name, seed=2)
    np.testing.assert_array_equal(a.X_train, b.X_train)
    np.testing.assert_array_equal(a.y_test, b.y_test)
    assert not np.array_equal(a.X_train, c.X_train)


def test_each_set_has_the_shape_its_name_says():
    m = moons(noise=0.0)
    X, y = np.hstack([m.X_train, m.X_test]), np.concatenate([m.y_train, m.y_test])
    # the upper moon is a half circle of radius 1 round (−0.5, −0.25)
    r0 = np.hypot(X[0, y == 0] + 0.5, X[1, y == 0] + 0.25)
    np.testing.assert_allclose(r0, 1.0)
    assert np.all(X[1, y == 0] >= -0.25 - 1e-12)
    c = circles(noise=0.0, factor=0.3)
    X, y = np.hstack([c.X_train, c.X_test]), np.concatenate([c.y_train, c.y_test])
    np.testing.assert_allclose(np.hypot(*X[:, y == 0]), 1.0)
    np.testing.assert_allclose(np.hypot(*X[:, y == 1]), 0.3)
    x = xor(noise=0.0)
    np.testing.assert_array_equal(x.y_train, x.X_train[0] * x.X_train[1] < 0)
    s = spiral(noise=0.0)
    X, y = np.hstack([s.X_train, s.X_test]), np.concatenate([s.y_train, s.y_test])
    # the two classes are one spiral turned by half a turn
    angle = np.arctan2(X[1], X[0]) - 2 * np.pi * 1.5 * np.hypot(*X) / 1.4 - np.pi * y
    np.testing.assert_allclose(np.cos(angle), 1.0, atol=1e-9)
    f = curve(noise=0.0)
    assert f.X_train.shape == (1, 200) and f.y_train.shape == (1, 200)
    np.testing.assert_allclose(f.y_train, 0.5 + 0.4 * np.sin(3 * f.X_train))
    assert "real-valued targets" in repr(f)


def test_bad_toy_arguments_are_named():
    with pytest.raises(ValueError, match=r"name must be one of \['moons'"):
        load_toy("swiss roll")
    with pytest.raises(
        ValueError, match=r"n must be an integer of at least 6 samples, got 2"
    ):
        moons(n=2)


def test_top_level_names():
    assert bp4.load_toy is load_toy and bp4.playground is playground
    assert bp4.data.spiral is spiral


@pytest.fixture(scope="module")
def moons_run():
    data = moons()
    net = bp4.Network(
        [2, 5, 2], "tanh", "log-likelihood", init="scaled", seed=0,
        output_activation="softmax",
    )  # fmt: skip
    return playground(data, net, epochs=12, batch_size=10, eta=0.3, resolution=20)


def test_each_epoch_is_recorded_over_the_grid(moons_run):
    run = moons_run
    assert [s.epoch for s in run.snapshots] == list(range(13))  # 0 = before training
    assert run.grid.shape == (2, 400) and run.shape == (20, 20)
    last = run.snapshots[-1]
    net = run.net
    # the recording is what the trained network computes over the grid
    zs, activations = net.forward(run.grid)
    np.testing.assert_array_equal(last.output, activations[-1])
    np.testing.assert_array_equal(last.hidden[0], activations[1])
    assert last.hidden[0].shape == (5, 400)
    assert last.test_score == net.evaluate(run.data.X_test, run.data.y_test) / 200
    # the costs are sgd's own records
    assert [s.cost for s in run.snapshots[1:]] == [r.cost for r in run.history]
    assert run.snapshots[0].cost == pytest.approx(run.snapshots[0].cost)
    assert run.snapshots[-1].cost < run.snapshots[0].cost
    assert re.search(r"epoch 12: cost \S+, held-out accuracy \d+\.\d%", repr(run))


def test_the_grid_covers_the_data(moons_run):
    X = np.hstack([moons_run.data.X_train, moons_run.data.X_test])
    assert np.all(moons_run.grid.min(axis=1) < X.min(axis=1))
    assert np.all(moons_run.grid.max(axis=1) > X.max(axis=1))


def test_every_other_epoch_and_a_regression_curve():
    data = curve()
    net = bp4.Network([1, 4, 1], "tanh", seed=1, init="scaled")
    run = playground(data, net, 9, 10, 0.5, every=4, resolution=30)
    assert [s.epoch for s in run.snapshots] == [0, 4, 8, 9]
    assert run.regression and run.test_accuracy is None
    assert run.snapshots[-1].test_score == pytest.approx(
        net.cost(data.X_test, data.y_test)
    )
    assert run.grid.shape == (1, 30) and run.snapshots[-1].hidden[0].shape == (4, 30)
    assert "held-out cost" in repr(run)


def test_a_replaced_equation_trains_in_the_playground(monkeypatch):
    data = xor()

    def run():
        net = bp4.Network([2, 4, 2], "tanh", seed=0, init="scaled")
        return playground(data, net, 3, 10, 0.5, resolution=10)

    right = run()
    # BP2 without its ⊙ σ'(z^l), the mistake a student might make
    monkeypatch.setattr(
        bp4.backprop, "hidden_error",
        lambda w_next, delta_next, sp, out=None: w_next.T @ delta_next,
    )  # fmt: skip
    wrong = run()
    assert not np.allclose(right.snapshots[-1].hidden[0], wrong.snapshots[-1].hidden[0])
    np.testing.assert_array_equal(right.snapshots[0].output, wrong.snapshots[0].output)


def test_the_player_and_the_final_figure(moons_run, tmp_path):
    pytest.importorskip("matplotlib")
    page = moons_run.save_html(tmp_path / "moons.html").read_text(encoding="utf-8")
    assert len(re.findall(r"frames\[\d+\] = \"data:image/png", page)) == 13
    assert "https://" not in page and "http://" not in page
    fig = moons_run.plot()
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[0].startswith("epoch 12: cost")
    assert (
        sum(t.startswith("$a^{2}_") for t in titles) == 5
    )  # one panel per hidden neuron
