"""Bad input fails early, with a message naming the argument, what it got and
what it expects; training that diverges stops with a message; no floating-point
warning leaks from σ or the costs at extreme inputs.

The cases already covered in test_network.py::TestBadInput (transposed inputs
and targets, wrong rows, a 1-D sample, label count, out-of-range labels,
unknown names, bad η, batch size and epochs) are not repeated here.
"""

import numpy as np
import pytest

import bp4
from bp4.activations import relu, relu_prime, sigmoid, sigmoid_prime, tanh, tanh_prime
from bp4.network import TrainingDivergedError

NET = bp4.Network([4, 3, 2], seed=0)
X4 = np.zeros((4, 6))
Y2 = np.zeros((2, 6))


# -- sizes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sizes, got",
    [
        ([3], r"\[3\]"),
        ([], r"\[\]"),
        ([3, 0, 2], r"\[3, 0, 2\]"),
        ([3, -1], r"\[3, -1\]"),
    ],
)
def test_sizes_need_two_layers_of_positive_widths(sizes, got):
    with pytest.raises(
        ValueError,
        match=rf"sizes must list at least two layers of positive .*got {got}",
    ):
        bp4.Network(sizes)


@pytest.mark.parametrize("sizes", [3, "64 30 10", None, [64, "thirty", 10]])
def test_sizes_that_are_not_a_list_of_widths(sizes):
    with pytest.raises(TypeError, match=r"sizes must be a list of layer widths.*got"):
        bp4.Network(sizes)


# -- names, dtype, seed ------------------------------------------------------------


def test_unknown_names_quote_what_they_got():
    with pytest.raises(
        ValueError, match=r"activation must be one of .* got 'softsign'"
    ):
        bp4.Network([2, 2], activation="softsign")
    with pytest.raises(ValueError, match=r"cost must be one of .* got 'hinge'"):
        bp4.Network([2, 2], cost="hinge")
    with pytest.raises(ValueError, match=r"init must be one of .* got 'xavier'"):
        bp4.Network([2, 2], init="xavier")


def test_names_of_the_wrong_type():
    with pytest.raises(ValueError, match=r"activation must be one of .* got 3"):
        bp4.Network([2, 2], activation=3)
    with pytest.raises(TypeError, match=r"cost must be a name in .* got 3"):
        bp4.Network([2, 2], cost=3)
    with pytest.raises(ValueError, match=r"init must be one of .* got None"):
        bp4.Network([2, 2], init=None)


@pytest.mark.parametrize("dtype", [int, np.int32, "complex128", "no such type"])
def test_dtype_must_be_floating_point(dtype):
    with pytest.raises(TypeError, match=r"dtype must be a floating-point type.*got"):
        bp4.Network([2, 2], dtype=dtype)


@pytest.mark.parametrize("seed", [-1, "abc", 1.5])
def test_bad_seed(seed):
    with pytest.raises(
        ValueError, match=r"seed must be None or a non-negative integer"
    ):
        bp4.Network([2, 2], seed=seed)


# -- inputs X ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "X, dtype",
    [
        (np.array([[1, "a"]] * 4, dtype=object), "object"),
        (np.ones((4, 2)) + 1j, "complex128"),
        (np.array([["0.5"] * 2] * 4), "<U3"),
    ],
)
def test_object_complex_and_string_inputs(X, dtype):
    with pytest.raises(
        TypeError, match=rf"X must hold real numbers, got an array of dtype {dtype}"
    ):
        NET.feedforward(X)


def test_ragged_nested_list():
    with pytest.raises(ValueError, match=r"X must be a rectangular array.*different"):
        NET.feedforward([[1.0, 2.0], [3.0], [4.0, 5.0], [6.0, 7.0]])


def test_non_finite_input_says_where():
    X = np.ones((4, 3))
    X[2, 1] = np.nan
    with pytest.raises(
        ValueError, match=r"X contains NaN .* nan, at index \[2, 1\]\); expected finite"
    ):
        NET.sgd(X, np.zeros(3, dtype=int), 1, 1, 1.0)


def test_non_finite_targets():
    Y = np.zeros((2, 6))
    Y[1, 4] = -np.inf
    with pytest.raises(ValueError, match=r"Y contains NaN .*-inf, at index \[1, 4\]"):
        NET.cost(X4, Y)


@pytest.mark.parametrize("shape", [(4, 0), (0, 3), (0,)])
def test_empty_dataset(shape):
    with pytest.raises(ValueError, match=r"X is empty \(shape .*at least one sample"):
        NET.sgd(np.zeros(shape), np.zeros(0, dtype=int), 1, 1, 1.0)


def test_empty_test_set():
    with pytest.raises(ValueError, match=r"test\[0\] is empty"):
        NET.sgd(X4, Y2, 1, 1, 1.0, test=(np.zeros((4, 0)), np.zeros(0, dtype=int)))


def test_transposed_test_set_names_it():
    with pytest.raises(ValueError, match=r"test\[0\] has shape \(5, 4\).*test\[0\]\.T"):
        NET.sgd(X4, Y2, 1, 1, 1.0, test=(np.zeros((5, 4)), np.zeros(5, dtype=int)))


# -- targets Y and labels y ---------------------------------------------------------


def test_x_and_y_with_different_numbers_of_samples():
    with pytest.raises(
        ValueError,
        match=r"Y has shape \(2, 5\); expected \(2, 6\).* each of the 6 samples of X",
    ):
        NET.sgd(X4, np.zeros((2, 5)), 1, 1, 1.0)
    with pytest.raises(ValueError, match=r"y has shape \(7,\); expected \(6,\)"):
        NET.evaluate(X4, np.zeros(7, dtype=int))


def test_target_matrix_with_the_wrong_number_of_rows():
    with pytest.raises(
        ValueError, match=r"Y has shape \(3, 6\); expected \(2, 6\): 2 rows, one per"
    ):
        NET.backprop(X4, np.zeros((3, 6)))


def test_labels_as_a_row_or_column_say_ravel():
    for shape in [(1, 6), (6, 1)]:
        with pytest.raises(ValueError, match=r"class labels, pass a 1-D array: Y\.rav"):
            NET.backprop(X4, np.zeros(shape, dtype=int))


@pytest.mark.parametrize("bad, shown", [(0.5, "0.5"), (np.nan, "nan"), (np.inf, "inf")])
def test_labels_that_are_not_integers(bad, shown):
    y = np.array([0.0, 1.0, bad, 0.0, 1.0, 0.0])
    with pytest.raises(
        ValueError,
        match=rf"Y must hold integer class labels, got {shown} at index \[2\]",
    ):
        NET.backprop(X4, y)


def test_labels_out_of_range_say_what_they_got():
    with pytest.raises(
        ValueError, match=r"y has labels from -1 to 1; expected .*0 … 1"
    ):
        NET.evaluate(X4, np.array([0, 1, -1, 0, 1, 0]))


@pytest.mark.parametrize("y", [np.array(list("abcdef")), np.array([None] * 6)])
def test_string_and_object_labels(y):
    with pytest.raises(
        TypeError, match=r"Y must hold integer class labels, got an arr"
    ):
        NET.backprop(X4, y)


def test_string_one_hot_test_labels():
    with pytest.raises(TypeError, match=r"test\[1\] must hold real numbers, got .*<U1"):
        NET.sgd(X4, Y2, 1, 1, 1.0, test=(X4, np.full((2, 6), "1")))


def test_one_output_network_with_1d_real_targets_says_reshape():
    net = bp4.Network([2, 3, 1], seed=0)
    X = np.array([[0, 0, 1, 1], [0, 1, 0, 1]])
    with pytest.raises(ValueError, match=r"one-output network .*Y\.reshape\(1, -1\)"):
        net.sgd(X, [0.0, 1.0, 1.0, 0.5], 1, 1, 1.0)
    # The (1, m) matrix it suggests is accepted: real-valued targets are fine.
    net.sgd(X, np.array([[0.0, 1.0, 1.0, 0.5]]), 1, 1, 1.0)


def test_cross_entropy_targets_outside_0_1():
    net = bp4.Network([2, 3, 1], cost="cross-entropy", seed=0)
    X = np.array([[0, 0, 1, 1], [0, 1, 0, 1]])
    with pytest.raises(
        ValueError,
        match=r"Y has targets from -0.5 to 2; the cross-entropy cost needs targets in "
        r"\[0, 1\]",
    ):
        net.sgd(X, np.array([[0.0, 1.0, 2.0, -0.5]]), 1, 1, 1.0)
    # Real values inside [0, 1] are legitimate targets for cross-entropy ...
    assert net.cost(X, np.array([[0.0, 0.25, 1.0, 0.5]])) > 0
    # ... and any real value for the quadratic cost, as in a one-output XOR network.
    quadratic = bp4.Network([2, 3, 1], seed=0)
    assert quadratic.cost(X, np.array([[0.0, 1.0, 2.0, -0.5]])) > 0


# -- η, batch size, epochs ------------------------------------------------------------


@pytest.mark.parametrize("eta", ["3.0", None, True, 1j, np.complex128(1)])
def test_eta_that_is_not_a_number(eta):
    with pytest.raises(TypeError, match=r"eta must be a positive finite number, got"):
        NET.sgd(X4, Y2, 1, 1, eta)


@pytest.mark.parametrize("eta", [0, -0.1, np.nan, -np.inf])
def test_update_checks_eta_too(eta):
    with pytest.raises(ValueError, match=r"eta must be a positive finite number, got"):
        NET.update(X4, Y2, eta)


@pytest.mark.parametrize("batch_size", [-3, 2.5, "10", True, None])
def test_batch_size_must_be_an_integer_of_at_least_1(batch_size):
    with pytest.raises(ValueError, match=r"batch_size must be an integer >= 1, got"):
        NET.sgd(X4, Y2, 1, batch_size, 1.0)


@pytest.mark.parametrize("epochs", [-5, 1.5, "3", None])
def test_epochs_must_be_a_non_negative_integer(epochs):
    with pytest.raises(ValueError, match=r"epochs must be an integer >= 0, got"):
        NET.sgd(X4, Y2, epochs, 1, 1.0)


# -- divergence -------------------------------------------------------------------


IDENTITY = bp4.Activation("identity", lambda z: z, np.ones_like)


def test_diverging_training_stops_naming_the_epoch():
    # A linear neuron a = w x + b with η far too large: every step multiplies the
    # error by about −η x², so w overflows to ±inf within a few epochs and then
    # turns NaN. With warnings as errors (pytest.ini) no RuntimeWarning may leak.
    net = bp4.Network([1, 1], output_activation=IDENTITY, seed=0)
    X = np.linspace(0.5, 1.5, 20).reshape(1, -1)
    seen = []
    with pytest.raises(
        TrainingDivergedError,
        match=r"training diverged at epoch (\d+): the cost C became (inf|nan) with "
        r"eta = 1000; try a smaller learning rate, such as eta = 100",
    ) as info:
        net.sgd(X, 2 * X, epochs=100, batch_size=5, eta=1000.0, callback=seen.append)
    record = info.value.record
    assert not np.isfinite(record.cost) and record.epoch > 1
    # The epochs before it are kept, every one with a finite cost, and were
    # passed to the callback; the diverged epoch was not.
    assert info.value.history == seen
    assert [r.epoch for r in seen] == list(range(1, record.epoch))
    assert all(np.isfinite(r.cost) for r in seen)
    assert isinstance(info.value, FloatingPointError)


def test_the_same_network_with_a_small_eta_trains():
    net = bp4.Network([1, 1], output_activation=IDENTITY, seed=0)
    X = np.linspace(0.5, 1.5, 20).reshape(1, -1)
    history = net.sgd(X, 2 * X, epochs=200, batch_size=5, eta=0.5)
    assert history[-1].cost < 1e-12
    np.testing.assert_allclose(net.weights[0], [[2.0]], rtol=1e-6)


def test_digits_with_eta_1000_raises_or_finishes_without_warnings():
    # A linear output layer has nothing to stop it: with η = 1000 its weights
    # overflow; the run must end in TrainingDivergedError at epoch 1, not in a
    # RuntimeWarning.
    data = bp4.load_digits()
    net = bp4.Network(
        [64, 30, 10], activation="tanh", output_activation="identity", seed=0
    )
    with pytest.raises(TrainingDivergedError, match=r"epoch 1: .*eta = 1000"):
        net.sgd(data.X_train, data.y_train, 3, 10, 1000.0)
    # The default sigmoid network saturates at η = 1000 instead: its cost
    # stays finite, so it trains to the end, and no warning leaks either.
    history = bp4.Network([64, 30, 10], seed=0).sgd(
        data.X_train[:, :200], data.y_train[:200], 2, 10, 1000.0
    )
    assert all(np.isfinite(r.cost) for r in history)


# -- no floating-point errors at extreme inputs ---------------------------------------


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(
    "fn, bounded",
    [
        (sigmoid, True),
        (sigmoid_prime, True),
        (tanh, True),
        (tanh_prime, True),
        (relu, False),
        (relu_prime, True),
    ],
)
def test_activations_at_extreme_inputs_raise_no_fp_error(fn, bounded, dtype):
    big = np.finfo(dtype).max
    z = np.array([-np.inf, -big, -1000, -40, 0, 40, 1000, big, np.inf], dtype=dtype)
    with np.errstate(all="raise", under="ignore"):
        out = fn(z)
    assert out.dtype == dtype
    assert not np.any(np.isnan(out))
    if bounded:
        assert np.all(np.isfinite(out))


def test_sigmoid_limits_are_exact():
    with np.errstate(all="raise", under="ignore"):
        s = sigmoid(np.array([-np.inf, -1e308, 0.0, 1e308, np.inf]))
        sp = sigmoid_prime(np.array([-1e308, 1e308]))
    np.testing.assert_array_equal(s, [0.0, 0.0, 0.5, 1.0, 1.0])
    np.testing.assert_array_equal(sp, [0.0, 0.0])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("cost", [bp4.QuadraticCost(), bp4.CrossEntropyCost()])
def test_costs_at_saturated_outputs_raise_no_fp_error(cost, dtype):
    # Outputs exactly 0 and 1 (a sigmoid rounds to them beyond |z| ≈ 37 in
    # float64), the smallest positive float, and every target in [0, 1].
    tiny = np.finfo(dtype).tiny
    eps = np.finfo(dtype).eps
    a_values = [0.0, tiny, eps, 0.5, 1 - eps, 1.0]
    a = np.array([a_values * 3], dtype=dtype)
    y = np.array([[0.0] * 6 + [1.0] * 6 + [0.5] * 6], dtype=dtype)
    with np.errstate(all="raise", under="ignore"):
        c = cost.fn(a, y)
        nabla = cost.nabla_a(a, y)
    assert np.isfinite(c)
    assert np.all(np.isfinite(nabla))
    # The gradient still points the right way where the output is saturated.
    assert nabla[0, 5] > 0 and nabla[0, 6] < 0


@pytest.mark.parametrize("cost", ["quadratic", "cross-entropy"])
def test_a_saturated_network_raises_no_fp_error(cost):
    # Weights so large that most z are beyond ±700: σ(z) rounds to 0 or 1.
    # (Not through sgd, whose own errstate would hide what this checks.)
    net = bp4.Network([4, 3, 2], cost=cost, seed=0)
    for w in net.weights:
        w *= 1e4
    X = np.random.default_rng(0).random((4, 8))
    y = np.arange(8) % 2
    with np.errstate(all="raise", under="ignore"):
        c = net.cost(X, y)
        nabla_w, nabla_b = net.backprop(X, y)
        net.update(X, y, 3.0)
    assert np.isfinite(c)
    assert all(np.all(np.isfinite(g)) for g in nabla_w + nabla_b)
