"""sgd's options: L2, validation data, early stopping, learning speeds, verbose,
stalls and divergence; and the argument checks they share."""

from __future__ import annotations

import numpy as np
import pytest

import bp4
from bp4.training import update_parameters


def _data(seed: int = 0, n: int = 40):
    rng = np.random.default_rng(seed)
    return rng.random((4, n)), rng.integers(0, 3, n)


def test_l2_update_is_the_texts_weight_decay():
    # One batch holding every sample: one update per epoch, checkable by hand.
    X, y = _data()
    net = bp4.Network([4, 5, 3], seed=0)
    w0 = [w.copy() for w in net.weights]
    b0 = [b.copy() for b in net.biases]
    nabla_w, nabla_b = net.backprop(X, y)
    eta, lmbda, n = 0.5, 2.0, X.shape[1]
    net.sgd(X, y, epochs=1, batch_size=n, eta=eta, lmbda=lmbda)
    for w, w_start, nw in zip(net.weights, w0, nabla_w):
        expected = (1 - eta * lmbda / n) * w_start - eta * nw
        np.testing.assert_allclose(w, expected, rtol=1e-13, atol=1e-15)
    for b, b_start, nb in zip(net.biases, b0, nabla_b):  # biases are not decayed
        np.testing.assert_allclose(b, b_start - eta * nb, rtol=1e-13, atol=1e-15)


def test_l2_cost_includes_lambda_over_2n_sum_of_squares():
    X, y = _data()
    net = bp4.Network([4, 5, 3], seed=0)
    history = net.sgd(
        X, y, 1, 10, 0.5, lmbda=3.0, monitor_training_cost=True, validation=(X, y)
    )
    l2 = 3.0 / (2 * 40) * sum(float(np.sum(w**2)) for w in net.weights)
    assert history[0].cost == pytest.approx(net.cost(X, y) + l2, rel=1e-12)
    assert history[0].validation_cost == pytest.approx(net.cost(X, y) + l2, rel=1e-12)


def test_update_parameters_keeps_the_gradients():
    w, b = [np.ones((2, 2))], [np.ones((2, 1))]
    nw, nb = [np.full((2, 2), 0.5)], [np.full((2, 1), 0.25)]
    update_parameters(w, b, nw, nb, eta=2.0, weight_decay=0.5)
    np.testing.assert_array_equal(w[0], 0.5 - 1.0)
    np.testing.assert_array_equal(b[0], 1.0 - 0.5)
    np.testing.assert_array_equal(nw[0], 0.5)  # ∂C/∂w untouched


def test_validation_is_recorded_every_epoch():
    data = bp4.load_digits()
    X_val, y_val = data.X_train[:, 1000:], data.y_train[1000:]
    net = bp4.Network([64, 20, 10], seed=0)
    history = net.sgd(
        data.X_train[:, :1000], data.y_train[:1000], 3, 10, 3.0,
        validation=(X_val, y_val), monitor_training_accuracy=True,
    )  # fmt: skip
    for record in history:
        assert record.validation_total == 347
        assert record.validation_correct == pytest.approx(
            record.validation_accuracy * 347
        )
        assert record.training_total == 1000 and record.training_correct is not None
        assert record.correct is None  # no test data given: none reported
    assert history[-1].validation_correct == net.evaluate(X_val, y_val)
    assert history[-1].validation_cost == pytest.approx(net.cost(X_val, y_val))
    assert history.best_epoch == max(history, key=lambda r: r.validation_correct).epoch


def test_patience_stops_and_restores_the_best_epoch():
    data = bp4.load_digits()
    X, y = data.X_train[:, :300], data.y_train[:300]
    X_val, y_val = data.X_train[:, 1000:], data.y_train[1000:]
    kept = {}

    def keep(record):
        kept[record.epoch] = [w.copy() for w in net.weights]

    # η = 30 is far too large: validation accuracy wanders, so patience stops it.
    net = bp4.Network([64, 20, 10], seed=3)
    history = net.sgd(
        X, y, 40, 10, 30.0, validation=(X_val, y_val), patience=2, callback=keep
    )
    best = history.best_epoch
    assert history.stopped_early and len(history) == best + 2 < 40
    assert all(r.validation_correct <= history[best - 1].validation_correct
               for r in history[best:])  # fmt: skip
    for w, w_best in zip(net.weights, kept[best]):
        np.testing.assert_array_equal(w, w_best)
    assert net.evaluate(X_val, y_val) == history[best - 1].validation_correct


def test_patience_needs_validation_data():
    X, y = _data()
    with pytest.raises(ValueError, match=r"patience needs validation data"):
        bp4.Network([4, 3], seed=0).sgd(X, y, 2, 5, 1.0, patience=2)
    with pytest.raises(ValueError, match=r"patience must be an integer >= 1, got 0"):
        bp4.Network([4, 3], seed=0).sgd(X, y, 2, 5, 1.0, validation=(X, y), patience=0)


def test_learning_speeds_are_the_norms_of_the_bias_gradients():
    X, y = _data()
    net = bp4.Network([4, 6, 5, 3], seed=0)
    speeds = net.learning_speeds(X, y)
    _, nabla_b = net.backprop(X, y)
    assert speeds == [float(np.linalg.norm(g)) for g in nabla_b]
    assert len(speeds) == 3 and all(isinstance(s, float) for s in speeds)
    history = net.sgd(X, y, 2, 10, 1.0, monitor_learning_speeds=True)
    assert history[-1].learning_speeds == tuple(net.learning_speeds(X, y))


def test_deep_sigmoid_networks_learn_slower_in_early_layers():
    # Chapter 5's observation, from BP2: δ^l picks up σ'(z) ≤ 1/4 per layer.
    data = bp4.load_digits()
    net = bp4.Network([64, 30, 30, 30, 10], seed=0)
    speeds = net.learning_speeds(data.X_train[:, :1000], data.y_train[:1000])
    assert speeds[0] < speeds[1] < speeds[2]


def test_verbose_prints_the_labelled_line(capsys):
    X, y = _data()
    history = bp4.Network([4, 3], seed=0).sgd(
        X, y, 2, 10, 1.0, verbose=True, test=(X, y)
    )
    lines = capsys.readouterr().out.splitlines()
    assert lines == [str(r) for r in history]
    assert lines[0].startswith("epoch 1: training cost ")
    assert "test accuracy" in lines[0] and lines[0].endswith(" s")


@pytest.mark.parametrize(
    "kwargs, error, said",
    [
        ({"lmbda": -1.0}, ValueError, r"lmbda must be a finite number >= 0, got -1.0"),
        ({"lmbda": "5"}, ValueError, r"lmbda must be a finite number >= 0, got '5'"),
        ({"callback": 3}, TypeError, r"callback must be a function .*got 3"),
        ({"test": np.zeros((4, 3))}, TypeError, r"test must be a pair \(X, y\)"),
        ({"validation": (1, 2, 3)}, TypeError, r"validation must be a pair .* 3"),
        ({"eta": 10**400}, ValueError, r"eta must be a positive finite number"),
        ({"eta": True}, TypeError, r"eta must be a positive finite number, got True"),
        ({"epochs": True}, ValueError, r"epochs must be an integer"),
    ],
)
def test_sgd_arguments_are_checked(kwargs, error, said):
    X, y = _data()
    args = {"epochs": 1, "batch_size": 5, "eta": 1.0, **kwargs}
    with pytest.raises(error, match=said):
        bp4.Network([4, 3], seed=0).sgd(X, y, **args)


@pytest.mark.parametrize("sizes", [[True, 2], [2, False]])
def test_bool_sizes_are_refused(sizes):
    with pytest.raises(ValueError, match=r"sizes must list .* positive integer"):
        bp4.Network(sizes)


def test_bool_seed_is_refused():
    with pytest.raises(ValueError, match=r"seed must be None or a non-negative"):
        bp4.Network([2, 2], seed=True)


def test_masked_arrays_are_refused():
    X = np.ma.masked_array(np.ones((4, 3)), mask=[[0, 1, 0]] * 4)
    with pytest.raises(TypeError, match=r"X is a masked array.*filled"):
        bp4.Network([4, 3], seed=0).feedforward(X)


def test_nan_one_hot_test_labels_are_refused():
    X, y = _data()
    Y_test = np.full((3, 40), np.nan)
    with pytest.raises(ValueError, match=r"test\[1\] contains NaN"):
        bp4.Network([4, 3], seed=0).sgd(X, y, 1, 5, 1.0, test=(X, Y_test))


def test_big_endian_dtype_is_native():
    net = bp4.Network([2, 2], dtype=">f8")
    assert net.dtype == np.float64 and net.weights[0].dtype.isnative


def test_eps_of_the_gradient_check_is_checked():
    X, y = _data(n=3)
    with pytest.raises(ValueError, match=r"eps must be a positive finite number"):
        bp4.gradient_check(bp4.Network([4, 3], seed=0), X, y, eps=-1.0)


def test_divergence_on_extreme_inputs_says_to_scale_them():
    X = np.linspace(0.5, 1.5, 20).reshape(1, -1) * 1e5
    net = bp4.Network([1, 1], output_activation="identity", seed=0)
    with (
        pytest.warns(bp4.InputScaleWarning, match=r"root-mean-square 1.045e\+05"),
        pytest.raises(
            bp4.TrainingDivergedError, match=r"inputs reach 1.5e\+05; scale them"
        ),
    ):
        net.sgd(X, 2 * X, epochs=50, batch_size=5, eta=0.1)


def test_a_stalled_run_warns_once_saying_why():
    # relu with N(0, 1) weights and a strongly negative bias: every hidden
    # neuron is dead, no gradient passes BP2, and the cost cannot move.
    data = bp4.load_digits()
    net = bp4.Network([64, 30, 10], activation="relu", seed=0)
    net.biases[0][...] = -1e3
    with pytest.warns(bp4.TrainingStalledWarning) as caught:
        net.sgd(data.X_train[:, :200], data.y_train[:200], 12, 10, 3.0,
                validation=(data.X_test, data.y_test))  # fmt: skip
    assert len(caught) == 1
    message = str(caught[0].message)
    assert "training has stalled" in message
    assert "30 of 30 hidden neurons are dead" in message and "init='scaled'" in message
