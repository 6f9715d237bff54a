"""bp4.estimators: scikit-learn's conventions on top of Network.sgd.

Skipped as a whole when scikit-learn is not installed (CI installs the
sklearn extra, so there it runs). Besides scikit-learn's own suite
(check_estimator, one test per check), each property is checked against a
bp4.Network trained by hand on the transposed data: the estimators are the
one path, not a second implementation.
"""

from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import pytest

pytest.importorskip("sklearn")

from sklearn.compose import TransformedTargetRegressor  # noqa: E402
from sklearn.datasets import load_diabetes, load_digits, make_moons  # noqa: E402
from sklearn.model_selection import GridSearchCV, cross_val_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.utils.estimator_checks import (  # noqa: E402
    estimator_checks_generator,
    parametrize_with_checks,
)

import bp4  # noqa: E402
from bp4.estimators import NetworkClassifier, NetworkRegressor  # noqa: E402

ESTIMATORS = [NetworkClassifier(), NetworkRegressor()]


def expected_failures(estimator) -> dict[str, str]:
    return type(estimator)._expected_failed_checks


# Four of scikit-learn's checks fit on unscaled data (make_blobs with a
# feature centred at 100 in check_fit_idempotent, check_n_features_in and
# check_fit_check_is_fitted; blobs around -6 in
# check_estimators_partial_fit_n_features): the estimators warn about it, as
# they should for a student (InputScaleWarning), and pytest's filterwarnings = error would turn
# that advice into a failed check. Only that warning is let through here; any
# other warning still fails.
@pytest.mark.filterwarnings("ignore::bp4.InputScaleWarning")
@parametrize_with_checks(ESTIMATORS, expected_failed_checks=expected_failures)
def test_scikit_learn_check(estimator, check):
    check(estimator)


@pytest.mark.filterwarnings("ignore::bp4.InputScaleWarning")
@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda e: type(e).__name__)
def test_expected_failures_are_few_and_really_fail(estimator):
    # The list is honest: at most three, each with its reason, each failing.
    expected = expected_failures(estimator)
    assert len(expected) <= 3
    assert all(isinstance(reason, str) and reason for reason in expected.values())
    for each, check in estimator_checks_generator(estimator, mark=None):
        name = getattr(check, "func", check).__name__
        if name in expected:
            with pytest.raises(Exception):  # noqa: B017 (any failure counts)
                check(each)


def test_neither_bp4_nor_its_core_imports_scikit_learn():
    code = (
        "import sys, bp4, bp4.cli; net = bp4.Network([2, 3, 1], seed=0); "
        "print(sorted(m for m in sys.modules "
        "if m.split('.')[0] == 'sklearn' or m == 'bp4.estimators'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_without_scikit_learn_the_import_says_how_to_install_it():
    code = (
        "import sys; sys.modules['sklearn'] = None\n"
        "try:\n    import bp4.estimators\n"
        "except ImportError as e:\n    print(e)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert (
        out.stdout == 'bp4.estimators needs scikit-learn: pip install "bp4[sklearn]"\n'
    )


def standardised_digits(n: int = 300):
    X, y = load_digits(return_X_y=True)
    X = StandardScaler().fit_transform(X[:n])
    return X, y[:n]


def test_classifier_trains_the_network_sgd_would_on_the_transpose():
    X, y = standardised_digits()
    clf = NetworkClassifier(hidden_layer_sizes=(20,), epochs=3, random_state=4)
    clf.fit(X, y)
    net = bp4.Network(
        [64, 20, 10],
        output_activation="softmax",
        cost="log-likelihood",
        init="scaled",
        seed=4,
    )
    history = net.sgd(X.T, y, epochs=3, batch_size=10, eta=0.1)
    assert isinstance(clf.network_, bp4.Network)
    for w, w_by_hand in zip(clf.network_.weights, net.weights):
        np.testing.assert_array_equal(w, w_by_hand)
    assert [r.cost for r in clf.history_] == [r.cost for r in history]
    assert clf.n_features_in_ == 64
    np.testing.assert_array_equal(clf.classes_, np.arange(10))
    np.testing.assert_array_equal(clf.predict(X), net.predict(X.T))
    np.testing.assert_array_equal(clf.predict_proba(X), net.feedforward(X.T).T)


def test_training_goes_through_the_equations_by_module_attribute(monkeypatch):
    X, y = standardised_digits(50)
    calls = []
    real = bp4.backprop.hidden_error

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(bp4.backprop, "hidden_error", counting)
    NetworkClassifier(hidden_layer_sizes=(8,), epochs=2, random_state=0).fit(X, y)
    assert len(calls) == 2 * 5  # BP2 once per batch: 2 epochs of 5 batches


def test_labels_of_any_kind_and_two_classes():
    X, y = make_moons(200, noise=0.1, random_state=0)
    names = np.array(["lower", "upper"])[y]
    clf = NetworkClassifier(epochs=200, random_state=0).fit(X, names)
    np.testing.assert_array_equal(clf.classes_, ["lower", "upper"])
    assert clf.network_.sizes == [2, 100, 2]  # softmax: one output per class
    assert set(clf.predict(X)) == {"lower", "upper"}
    assert clf.score(X, names) > 0.93  # logistic regression gets 0.87
    proba = clf.predict_proba(X)
    assert proba.shape == (200, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


def test_two_classes_with_a_sigmoid_output_get_one_output_neuron():
    X, y = make_moons(200, noise=0.1, random_state=0)
    clf = NetworkClassifier(output_activation="sigmoid", epochs=200, random_state=0)
    clf.fit(X, y + 5)
    assert clf.network_.sizes == [2, 100, 1]
    assert repr(clf.network_.cost_function) == "CrossEntropyCost()"
    a = clf.network_.feedforward(X.T)[0]
    np.testing.assert_array_equal(clf.predict(X), np.where(a >= 0.5, 6, 5))
    np.testing.assert_array_equal(clf.predict_proba(X), np.c_[1 - a, a])
    assert clf.score(X, y + 5) > 0.93


def test_tanh_output_has_no_probabilities():
    X, y = make_moons(60, noise=0.1, random_state=0)
    clf = NetworkClassifier(output_activation="tanh", epochs=5, random_state=0)
    assert not hasattr(clf.fit(X, y), "predict_proba")
    a = clf.network_.feedforward(X.T)[0]
    np.testing.assert_array_equal(clf.predict(X), (a >= 0).astype(int))


def test_partial_fit_continues_the_same_run():
    X, y = standardised_digits(100)
    settings = {"hidden_layer_sizes": (10,), "random_state": 1}
    whole = NetworkClassifier(epochs=3, **settings).fit(X, y)
    steps = NetworkClassifier(**settings)
    for _ in range(3):
        steps.partial_fit(X, y, classes=np.arange(10))
    for w, w_steps in zip(whole.network_.weights, steps.network_.weights):
        np.testing.assert_array_equal(w, w_steps)
    assert [r.epoch for r in steps.history_] == [1, 2, 3]
    assert [r.cost for r in steps.history_] == [r.cost for r in whole.history_]


def test_partial_fit_needs_the_classes_first_and_keeps_to_them():
    X, y = standardised_digits(100)
    clf = NetworkClassifier(hidden_layer_sizes=(10,), random_state=0)
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        clf.partial_fit(X, y)
    clf.partial_fit(X[y < 5], y[y < 5], classes=np.arange(5))
    with pytest.raises(ValueError, match=r"y has labels \[5, 6, 7, 8, 9\] that are"):
        clf.partial_fit(X, y)


def test_one_class_is_refused_by_name():
    with pytest.raises(ValueError, match="y has one class .*at least two classes"):
        NetworkClassifier().fit(np.zeros((5, 2)), np.ones(5))


def test_patience_holds_out_a_stratified_validation_set():
    X, y = standardised_digits(300)
    clf = NetworkClassifier(
        hidden_layer_sizes=(20,), epochs=40, patience=3, random_state=0
    )
    clf.fit(X, y)
    assert all(r.validation_total == 30 for r in clf.history_)
    best = clf.history_.best_epoch
    assert clf.history_.stopped_early == (len(clf.history_) < 40)
    assert len(clf.history_) - best <= 3


def test_regressor_trains_on_real_targets_as_given():
    X, y = load_diabetes(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    y = (y - y.mean()) / y.std()
    reg = NetworkRegressor(hidden_layer_sizes=(10,), epochs=20, random_state=2)
    reg.fit(X, y)
    net = bp4.Network([10, 10, 1], output_activation="identity", init="scaled", seed=2)
    net.sgd(X.T, y.reshape(1, -1), epochs=20, batch_size=10, eta=0.01)
    prediction = reg.predict(X)
    assert prediction.shape == (442,)
    np.testing.assert_array_equal(prediction, net.feedforward(X.T)[0])
    assert reg.score(X, y) > 0.4


def test_regressor_with_several_targets():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((200, 3))
    Y = np.c_[X[:, 0] - X[:, 1], 0.5 * X[:, 2]]
    reg = NetworkRegressor(epochs=50, random_state=0).fit(X, Y)
    assert reg.network_.sizes == [3, 100, 2]
    assert reg.predict(X).shape == (200, 2)
    assert reg.score(X, Y) > 0.95
    with pytest.raises(ValueError, match=r"y has shape \(200,\); the network was"):
        reg.partial_fit(X, Y[:, 0])


def test_regressor_patience_keeps_the_lowest_validation_cost():
    X, y = load_diabetes(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    y = (y - y.mean()) / y.std()
    reg = NetworkRegressor(epochs=60, patience=5, eta=0.05, random_state=0)
    reg.fit(X, y)
    costs = [r.validation_cost for r in reg.history_]
    assert all(r.validation_correct is None for r in reg.history_)  # no accuracy
    best = reg.history_.best_epoch
    assert costs[best - 1] == min(costs)
    # The network kept is that epoch's: its validation cost is the best one.
    assert len(reg.history_) < 60 and reg.history_.stopped_early


def test_regressor_with_0_1_targets_still_chooses_by_cost():
    X, y = make_moons(200, noise=0.1, random_state=0)
    reg = NetworkRegressor(epochs=20, patience=3, random_state=0).fit(X, y)
    costs = [r.validation_cost for r in reg.history_]
    assert costs[reg.history_.best_epoch - 1] == min(costs)


def test_unscaled_inputs_get_one_warning_in_scikit_learn_s_terms():
    X, y = make_moons(100, noise=0.1, random_state=0)
    X = X * [1.0, 300.0] + [0.0, 2000.0]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        NetworkClassifier(epochs=1, random_state=0).fit(X, y)
    assert [w.category for w in caught] == [bp4.InputScaleWarning]
    message = str(caught[0].message)
    assert "feature 1 (column 1 of X)" in message
    assert "make_pipeline(StandardScaler(), NetworkClassifier(...))" in message
    assert caught[0].filename == __file__
    # Standardised in a Pipeline: nothing to say.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        make_pipeline(StandardScaler(), NetworkClassifier(epochs=1)).fit(X, y)


def test_pipeline_grid_search_and_cross_validation():
    X, y = standardised_digits(300)
    pipeline = make_pipeline(
        StandardScaler(), NetworkClassifier(epochs=10, random_state=0)
    )
    scores = cross_val_score(pipeline, X, y, cv=3)
    assert scores.shape == (3,) and scores.min() > 0.8
    search = GridSearchCV(
        pipeline,
        {"networkclassifier__hidden_layer_sizes": [(5,), (30,)]},
        cv=3,
    )
    search.fit(X, y)
    assert search.best_params_ == {"networkclassifier__hidden_layer_sizes": (30,)}
    assert isinstance(search.best_estimator_[-1].network_, bp4.Network)


def test_regressor_in_a_target_transformer_and_cross_validation():
    X, y = load_diabetes(return_X_y=True)
    model = TransformedTargetRegressor(
        make_pipeline(StandardScaler(), NetworkRegressor(epochs=20, random_state=0)),
        transformer=StandardScaler(),
    )
    scores = cross_val_score(model, X, y, cv=3)
    assert scores.mean() > 0.3
    search = GridSearchCV(model, {"regressor__networkregressor__eta": [0.01, 1e-5]})
    search.fit(X, y)
    assert search.best_params_ == {"regressor__networkregressor__eta": 0.01}


def test_bad_parameters_are_reported_by_the_network_at_fit():
    X, y = standardised_digits(30)
    clf = NetworkClassifier(activation="softplus")  # __init__ checks nothing
    with pytest.raises(ValueError, match="activation must be one of"):
        clf.fit(X, y)
    with pytest.raises(ValueError, match="epochs must be an integer >= 0, got -1"):
        NetworkClassifier(epochs=-1).fit(X, y)
    with pytest.raises(ValueError, match=r"validation_fraction must be a number in"):
        NetworkClassifier(patience=2, validation_fraction=1.5).fit(X, y)
