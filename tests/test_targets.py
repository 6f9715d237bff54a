"""Targets mean what they say: classes, one output, regression, soft targets,
unscaled inputs, stalls at the majority class, and NaN outputs."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import bp4
from bp4.diagnosis import chance_level, is_stalled
from bp4.history_display import history_html
from bp4.validation import class_midpoint, targets


def balanced(n: int = 200, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two Gaussian blobs in 2-D, classes 0 and 1 alternating: balanced."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 2
    X = rng.standard_normal((2, n)) * 0.5 + np.where(y == 1, 1.0, -1.0)
    return X, y


def regression(n: int = 200, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, (1, n))
    return x, 0.5 * x**2 + 0.1


# -- the rule ------------------------------------------------------------------


def test_the_rule_says_which_targets_are_classes():
    labels = np.array([0, 2, 1, 2])
    one_hot = np.eye(3)[:, labels]
    found = targets(labels, 3, 4, np.float64)
    np.testing.assert_array_equal(found.Y, one_hot)
    np.testing.assert_array_equal(found.labels, labels)
    np.testing.assert_array_equal(targets(one_hot, 3, 4, np.float64).labels, labels)
    # One output: 0/1 labels or a (1, m) row of 0s and 1s are classes.
    row = np.array([[0.0, 1.0, 1.0, 0.0]])
    for given in ([0, 1, 1, 0], row):
        found = targets(given, 1, 4, np.float64)
        np.testing.assert_array_equal(found.Y, row)
        np.testing.assert_array_equal(found.labels, [0, 1, 1, 0])
    # Anything else is used exactly as given, and has no classes.
    soft = np.array([[0.7, 0.2, 0.1, 0.4], [0.3, 0.8, 0.9, 0.6]])
    real = np.array([[0.3, -1.5, 2.0, 0.25]])
    multi = np.array([[1.0, 1.0, 0.0, 0.0], [1.0, 0.0, 1.0, 0.0]])  # not one-hot
    for given, n_out in ((soft, 2), (real, 1), (multi, 2)):
        found = targets(given, n_out, 4, np.float64)
        assert found.labels is None
        np.testing.assert_array_equal(found.Y, given)


def test_a_tanh_output_trains_its_classes_towards_minus_1_and_1():
    net = bp4.Network([2, 3, 1], output_activation="tanh", seed=0)
    X, y = balanced(8)
    a = net.feedforward(X)
    expected = 0.5 * np.sum((a - np.where(y == 1, 1.0, -1.0)) ** 2) / 8
    assert net.cost(X, y) == pytest.approx(expected, rel=1e-12)
    assert net.cost(X, y.reshape(1, -1)) == net.cost(X, y)
    # ±1 targets are those classes as given.
    assert net.cost(X, np.where(y == 1, 1.0, -1.0).reshape(1, -1)) == net.cost(X, y)
    assert class_midpoint(net.output_activation) == 0.0
    np.testing.assert_array_equal(net.predict(X), (a[0] >= 0).astype(int))


# -- one output ----------------------------------------------------------------


@pytest.mark.parametrize("output", ["sigmoid", "tanh", "identity", "relu"])
def test_untrained_one_output_accuracy_is_not_100_percent(output):
    # Inputs that say nothing about the balanced labels: chance is 50%.
    X = np.random.default_rng(0).standard_normal((2, 200))
    y = np.arange(200) % 2
    accuracies = []
    for seed in range(5):
        net = bp4.Network([2, 10, 1], output_activation=output, seed=seed)
        correct = net.evaluate(X, y)
        assert correct == net.evaluate(X, y.reshape(1, -1))
        assert correct == int(np.sum(net.predict(X) == y))
        accuracies.append(correct / len(y))
    # Not 200 / 200 (the argmax of one row is always 0): between 5% and 95%.
    assert all(0.05 < a < 0.95 for a in accuracies), accuracies


def test_one_output_predict_splits_at_the_midpoint():
    X, _ = balanced(50)
    for output, midpoint in (("sigmoid", 0.5), ("tanh", 0.0), ("identity", 0.5)):
        net = bp4.Network([2, 4, 1], output_activation=output, seed=1)
        a = net.feedforward(X)[0]
        np.testing.assert_array_equal(net.predict(X), (a >= midpoint).astype(int))


def test_one_output_classification_learns_and_records_its_accuracy():
    X, y = balanced(400)
    net = bp4.Network([2, 10, 1], init="scaled", seed=0)
    history = net.sgd(
        X[:, :300], y[:300], 10, 10, 1.0, validation=(X[:, 300:], y[300:]),
        monitor_training_accuracy=True,
    )  # fmt: skip
    last = history[-1]
    assert last.validation_correct == net.evaluate(X[:, 300:], y[300:])
    assert last.training_correct == net.evaluate(X[:, :300], y[:300])
    assert last.validation_accuracy > 0.9
    assert history.chosen_by == "accuracy"


# -- regression and soft targets ----------------------------------------------


def test_regression_validation_cost_is_net_cost():
    x, Y = regression()
    net = bp4.Network([1, 10, 1], output_activation="identity", init="scaled", seed=0)
    history = net.sgd(x, Y, 5, 10, 0.1, validation=(x, Y), test=(x, Y))
    last = history[-1]
    assert abs(last.validation_cost - net.cost(x, Y)) <= 1e-12
    assert abs(last.test_cost - net.cost(x, Y)) <= 1e-12
    for record in history:
        assert record.validation_correct is record.validation_accuracy is None
        assert record.correct is record.accuracy is None
        assert "accuracy" not in str(record)
    assert history.chosen_by == "cost"


def test_soft_target_validation_cost_is_net_cost():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((4, 120))
    Y = rng.dirichlet(np.ones(3), size=120).T  # columns of probabilities
    for cost, output in (("quadratic", "sigmoid"), ("log-likelihood", "softmax")):
        net = bp4.Network([4, 5, 3], cost=cost, output_activation=output, seed=0)
        history = net.sgd(X, Y, 3, 10, 0.5, validation=(X, Y))
        assert abs(history[-1].validation_cost - net.cost(X, Y)) <= 1e-12
        assert history[-1].validation_accuracy is None


def test_patience_restores_the_lowest_validation_cost():
    x, Y = regression(300, seed=1)
    net = bp4.Network([1, 20, 1], output_activation="identity", init="scaled", seed=0)
    # η this large makes the validation cost wander, so patience stops it.
    history = net.sgd(
        x[:, :200], Y[:, :200], 60, 10, 0.6, validation=(x[:, 200:], Y[:, 200:]),
        patience=3,
    )  # fmt: skip
    costs = [r.validation_cost for r in history]
    best = history.best_epoch
    assert best == 1 + int(np.argmin(costs))
    assert history.stopped_early and best < history[-1].epoch
    # The parameters are those of the best epoch: its cost is measured again.
    assert abs(net.cost(x[:, 200:], Y[:, 200:]) - costs[best - 1]) <= 1e-12
    assert "lowest validation cost at epoch" in repr(history)


def test_monitor_cost_chooses_by_cost_for_classes_too():
    data = bp4.load_digits()
    X, y = data.X_train[:, :300], data.y_train[:300]
    X_val, y_val = data.X_train[:, 300:500], data.y_train[300:500]
    for monitor in ("accuracy", "cost"):
        net = bp4.Network([64, 20, 10], init="scaled", seed=0)
        history = net.sgd(X, y, 8, 10, 3.0, validation=(X_val, y_val), monitor=monitor)
        assert history.chosen_by == monitor
        if monitor == "cost":
            expected = min(history, key=lambda r: r.validation_cost).epoch
        else:
            expected = max(history, key=lambda r: r.validation_correct).epoch
        assert history.best_epoch == expected


def test_monitor_accuracy_needs_classes_and_monitor_needs_validation():
    x, Y = regression(40)
    net = bp4.Network([1, 3, 1], output_activation="identity", seed=0)
    with pytest.raises(ValueError, match=r"monitor='accuracy' needs validation .*"
                       r"use monitor='cost'"):  # fmt: skip
        net.sgd(x, Y, 1, 10, 0.1, validation=(x, Y), monitor="accuracy")
    with pytest.raises(ValueError, match=r"monitor='cost' chooses .*validation="):
        net.sgd(x, Y, 1, 10, 0.1, monitor="cost")
    with pytest.raises(ValueError, match=r"monitor must be one of \['accuracy', "
                       r"'cost'\] or None, got 'loss'"):  # fmt: skip
        net.sgd(x, Y, 1, 10, 0.1, validation=(x, Y), monitor="loss")
    with pytest.raises(ValueError, match=r"monitor_training_accuracy needs training "
                       r"targets that are classes"):  # fmt: skip
        net.sgd(x, Y, 1, 10, 0.1, monitor_training_accuracy=True)


def test_regression_history_shows_only_the_columns_that_exist():
    x, Y = regression(60)
    net = bp4.Network([1, 4, 1], output_activation="identity", init="scaled", seed=0)
    history = net.sgd(x, Y, 3, 10, 0.1, validation=(x, Y))
    html = history_html(history, "t")
    assert "accuracy" not in html and "validation cost" in html
    assert "accuracy" not in repr(history)
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = history.plot()
    try:
        assert len(fig.axes) == 1
        assert [line.get_label() for line in fig.axes[0].get_lines()] == [
            "training",
            "validation",
        ]
    finally:
        plt.close(fig)


def test_evaluate_on_regression_targets_refuses_pointing_to_cost():
    x, Y = regression(20)
    net = bp4.Network([1, 3, 1], output_activation="identity", seed=0)
    with pytest.raises(ValueError, match=r"^evaluate counts .* not classes .*"
                       r"net\.cost\(X, y\)$") as caught:  # fmt: skip
        net.evaluate(x, Y)
    assert str(caught.value).count(". ") == 0  # one sentence


def test_class_labels_for_a_one_output_network_say_what_it_expects():
    x, _ = regression(6)
    net = bp4.Network([1, 3, 1], output_activation="identity", seed=0)
    with pytest.raises(ValueError, match=r"y has labels from 0 to 5; a one-output "
                       r"network's classes are 0 and 1; .*y\.reshape\(1, -1\).*"
                       r"net\.cost"):  # fmt: skip
        net.evaluate(x, np.arange(6))


def test_targets_whose_rows_do_not_match_the_output_layer():
    X, y = balanced(5)
    net = bp4.Network([2, 3, 4], seed=0)
    with pytest.raises(ValueError, match=r"validation\[1\] has shape \(3, 5\); "
                       r"expected \(4, 5\): 4 rows, one per output neuron"):  # fmt: skip
        net.sgd(X, y, 1, 5, 0.1, validation=(X, np.zeros((3, 5))))


# -- stalls at the majority class -------------------------------------------


def test_chance_is_the_majority_class_share():
    assert chance_level(np.array([0, 0, 0, 1]), 2) == 0.75
    assert chance_level(np.array([0, 1, 2, 3]), 10) == 0.25
    assert chance_level(np.array([0, 1]), 10) == 0.5
    flat = [0.3, 0.3, 0.3, 0.3]
    # 80% majority: 80% accuracy is chance, where 1.5 / 2 = 75% said it was not.
    assert is_stalled(flat, 0.8, chance=0.8)
    assert not is_stalled(flat, 0.95, chance=0.8)
    assert not is_stalled([0.4, 0.35, 0.3, 0.25], 0.8, chance=0.8)


def test_a_run_stuck_at_the_majority_class_is_warned_about():
    rng = np.random.default_rng(0)
    y = (rng.random(400) < 0.2).astype(int)  # 80% class 0
    X = rng.standard_normal((3, 400)) + y
    net = bp4.Network([3, 8, 2], activation="relu", seed=0)
    net.biases[0][...] = -1e3  # every hidden neuron dead: nothing can be learned
    with pytest.warns(bp4.TrainingStalledWarning) as caught:
        history = net.sgd(X, y, 10, 10, 0.5, validation=(X, y))
    assert len(caught) == 1
    share = np.mean(y == 0)
    assert history[-1].validation_accuracy == pytest.approx(share)
    message = str(caught[0].message)
    assert f"always answering the most common class ({share:.1%})" in message
    assert "8 of 8 hidden neurons are dead" in message


# -- inputs far from unit scale -------------------------------------------------


def unscaled(n: int = 300, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """30 features of sizes from 1 to about 3,000, like breast-cancer data."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.37).astype(int)
    scales = np.geomspace(1.0, 1500.0, 30).reshape(-1, 1)
    X = scales * (1.0 + 0.3 * rng.standard_normal((30, n)) + 0.3 * y)
    return X, y


def test_unscaled_inputs_get_one_warning_naming_the_largest_scale():
    X, y = unscaled()
    net = bp4.Network([30, 10, 2], init="scaled", seed=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        net.sgd(X, y, 3, 10, 0.5)
    scale = [w for w in caught if issubclass(w.category, bp4.InputScaleWarning)]
    assert len(scale) == 1 and issubclass(bp4.InputScaleWarning, UserWarning)
    assert scale[0].filename == __file__  # points at the call to sgd
    rms = np.sqrt(np.mean(X[29] ** 2))
    message = str(scale[0].message)
    assert f"feature 29 (row 29 of X) has root-mean-square {rms:.4g}" in message
    assert "X.mean(axis=1, keepdims=True)" in message and "training set" in message


def test_standardised_inputs_learn_where_unscaled_ones_sit_at_the_majority():
    X, y = unscaled(600)
    mean = X[:, :400].mean(axis=1, keepdims=True)
    std = X[:, :400].std(axis=1, keepdims=True)
    results = {}
    for name, data in (("unscaled", X), ("standardised", (X - mean) / std)):
        net = bp4.Network([30, 10, 2], init="scaled", seed=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", bp4.InputScaleWarning)
            warnings.simplefilter("ignore", bp4.TrainingStalledWarning)
            history = net.sgd(data[:, :400], y[:400], 10, 10, 0.5,
                              validation=(data[:, 400:], y[400:]))  # fmt: skip
        results[name] = history[-1].validation_accuracy
    majority = chance_level(y[400:], 2)
    assert results["unscaled"] <= majority + 0.05
    assert results["standardised"] > 0.9


def test_pixels_0_to_255_are_warned_about_and_0_to_1_are_not():
    data = bp4.load_digits()
    X, y = data.X_train[:, :100], data.y_train[:100]
    net = bp4.Network([64, 10, 10], seed=0)
    with pytest.warns(bp4.InputScaleWarning, match=r"root-mean-square"):
        net.sgd(np.round(X * 255).astype(np.uint8), y, 1, 10, 0.1)
    net.sgd(X, y, 1, 10, 0.1)  # [0, 1]: no warning (pytest makes one an error)
    standardised = (X - X.mean(axis=1, keepdims=True)) / np.maximum(
        X.std(axis=1, keepdims=True), 1e-12
    )
    net.sgd(np.where(X.std(axis=1, keepdims=True) > 0, standardised, 0), y, 1, 10, 0.1)


# -- NaN outputs ----------------------------------------------------------------


@pytest.mark.parametrize("n_out", [1, 3])
def test_nan_outputs_count_as_wrong_never_as_class_0(n_out):
    X = np.ones((2, 6))
    net = bp4.Network([2, 3, n_out], output_activation="identity", seed=0)
    net.weights[-1][...] = np.nan
    y = np.zeros(6, dtype=int)  # every sample class 0: argmax of NaN would say so
    with pytest.warns(bp4.NaNOutputWarning, match=r"^6 of the 6 samples have a NaN"):
        assert net.evaluate(X, y) == 0
    with pytest.raises(ValueError, match=r"output a\^L of 6 of the 6 samples is NaN"):
        net.predict(X)
