"""The Network: shapes, the SGD update rule, seeding, labels, and bad input."""

import numpy as np
import pytest

import bp4


def test_shapes_follow_the_text():
    net = bp4.Network([4, 3, 2], seed=0)
    # weights[0] is w^2: (n_2, n_1); biases are columns (n_l, 1).
    assert [w.shape for w in net.weights] == [(3, 4), (2, 3)]
    assert [b.shape for b in net.biases] == [(3, 1), (2, 1)]
    X = np.zeros((4, 5))
    assert net.feedforward(X).shape == (2, 5)
    zs, activations = net.forward(X)
    assert [z.shape for z in zs] == [(3, 5), (2, 5)]
    assert [a.shape for a in activations] == [(4, 5), (3, 5), (2, 5)]


def test_init_distributions():
    standard = bp4.Network([400, 300, 1], seed=1)
    scaled = bp4.Network([400, 300, 1], init="scaled", seed=1)
    assert standard.weights[0].std() == pytest.approx(1.0, rel=0.01)
    assert scaled.weights[0].std() == pytest.approx(1 / np.sqrt(400), rel=0.01)
    assert scaled.biases[0].std() == pytest.approx(1.0, rel=0.1)


def test_dtype_float32_everywhere():
    net = bp4.Network([3, 4, 2], dtype=np.float32, seed=0)
    assert all(w.dtype == np.float32 for w in net.weights + net.biases)
    nabla_w, nabla_b = net.backprop(np.ones((3, 2)), np.array([0, 1]))
    assert all(g.dtype == np.float32 for g in nabla_w + nabla_b)


def test_one_sgd_step_is_the_update_rule():
    rng = np.random.default_rng(3)
    net = bp4.Network([5, 4, 3], seed=3)
    X, y = rng.random((5, 6)), rng.integers(0, 3, size=6)
    w_before = [w.copy() for w in net.weights]
    b_before = [b.copy() for b in net.biases]
    nabla_w, nabla_b = net.backprop(X, y)
    eta = 0.5
    # One epoch with the batch as large as the data is exactly one update.
    net.sgd(X, y, epochs=1, batch_size=6, eta=eta)
    for w, w0, nw in zip(net.weights, w_before, nabla_w):
        np.testing.assert_allclose(w, w0 - eta * nw, rtol=1e-14, atol=1e-15)
    for b, b0, nb in zip(net.biases, b_before, nabla_b):
        np.testing.assert_allclose(b, b0 - eta * nb, rtol=1e-14, atol=1e-15)


def test_update_rule_by_hand_on_a_one_neuron_network():
    # a = σ(w x + b), C = ½(a − y)²: ∂C/∂w = (a − y) σ'(z) x, ∂C/∂b = (a − y) σ'(z).
    net = bp4.Network([1, 1], seed=0)
    net.weights[0][...] = 0.6
    net.biases[0][...] = 0.9
    x, y = 1.0, 0.0
    z = 0.6 * x + 0.9
    a = 1 / (1 + np.exp(-z))
    sp = a * (1 - a)
    net.update(np.array([[x]]), np.array([[y]]), eta=0.15)
    assert net.weights[0][0, 0] == pytest.approx(
        0.6 - 0.15 * (a - y) * sp * x, rel=1e-14
    )
    assert net.biases[0][0, 0] == pytest.approx(0.9 - 0.15 * (a - y) * sp, rel=1e-14)


def test_same_seed_same_weights_after_training():
    data = bp4.load_digits()
    X, y = data.X_train[:, :300], data.y_train[:300]
    nets = [bp4.Network([64, 20, 10], seed=5) for _ in range(2)]
    for net in nets:
        net.sgd(X, y, epochs=2, batch_size=10, eta=3.0)
    for w1, w2 in zip(
        nets[0].weights + nets[0].biases, nets[1].weights + nets[1].biases
    ):
        np.testing.assert_array_equal(w1, w2)
    other = bp4.Network([64, 20, 10], seed=6)
    assert not np.array_equal(other.weights[0], nets[0].weights[0])


def test_integer_labels_and_one_hot_targets_agree():
    rng = np.random.default_rng(0)
    net = bp4.Network([3, 5, 4], seed=0)
    X, y = rng.random((3, 7)), rng.integers(0, 4, size=7)
    Y = np.eye(4)[:, y]
    for g1, g2 in zip(sum(net.backprop(X, y), []), sum(net.backprop(X, Y), [])):
        np.testing.assert_array_equal(g1, g2)
    assert net.cost(X, y) == net.cost(X, Y)
    assert net.evaluate(X, y) == net.evaluate(X, Y)


def test_evaluate_counts_argmax_matches():
    net = bp4.Network([2, 2], seed=0)
    net.weights[0][...] = [[10.0, 0.0], [0.0, 10.0]]
    net.biases[0][...] = 0.0
    X = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
    assert net.evaluate(X, np.array([0, 1, 0])) == 3
    assert net.evaluate(X, np.array([1, 1, 1])) == 1
    np.testing.assert_array_equal(net.predict(X), [0, 1, 0])


def test_sgd_history_records_cost_and_accuracy():
    data = bp4.load_digits()
    net = bp4.Network([64, 20, 10], seed=0)
    seen = []
    history = net.sgd(
        data.X_train,
        data.y_train,
        3,
        10,
        3.0,
        test=(data.X_test, data.y_test),
        callback=seen.append,
        monitor_training_cost=True,
    )
    assert seen == history and [r.epoch for r in history] == [1, 2, 3]
    assert isinstance(history, bp4.History)
    assert history[-1].cost < history[0].cost
    assert history[-1].total == 450 and 0 <= history[-1].correct <= 450
    assert history[-1].accuracy == history[-1].correct / 450
    # monitor_training_cost: C over the whole training set after the epoch.
    assert history[-1].cost == pytest.approx(net.cost(data.X_train, data.y_train))


def test_default_training_cost_is_the_mean_of_the_batch_costs():
    # One batch per epoch: its cost is C before that epoch's single update.
    rng = np.random.default_rng(1)
    X, y = rng.random((4, 12)), rng.integers(0, 3, 12)
    net = bp4.Network([4, 5, 3], seed=0)
    before = net.cost(X, y)
    history = net.sgd(X, y, epochs=2, batch_size=12, eta=0.5)
    assert history[0].cost == pytest.approx(before, rel=1e-12)
    once = bp4.Network([4, 5, 3], seed=0)
    once.sgd(X, y, epochs=1, batch_size=12, eta=0.5)
    assert history[1].cost == pytest.approx(once.cost(X, y), rel=1e-12)
    # Batches of 4: the record is the mean of three batch costs, each taken
    # before its own update, so it lies above the cost after the epoch.
    net = bp4.Network([4, 5, 3], seed=0)
    history = net.sgd(X, y, epochs=1, batch_size=4, eta=0.5)
    assert history[0].cost > net.cost(X, y)


def test_sgd_without_test_data_and_zero_epochs():
    net = bp4.Network([2, 1], seed=0)
    before = net.weights[0].copy()
    assert (
        net.sgd(np.ones((2, 3)), np.ones((1, 3)), epochs=0, batch_size=2, eta=1.0) == []
    )
    np.testing.assert_array_equal(net.weights[0], before)
    history = net.sgd(np.ones((2, 3)), np.ones((1, 3)), epochs=1, batch_size=2, eta=1.0)
    assert history[0].correct is None and history[0].accuracy is None


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", bp4.TANH])
@pytest.mark.parametrize("cost", ["quadratic", "cross-entropy", bp4.QuadraticCost()])
def test_names_and_objects(activation, cost):
    net = bp4.Network([2, 2], activation=activation, cost=cost, seed=0)
    assert isinstance(net.activation, bp4.Activation)
    assert net.cost(np.ones((2, 1)), np.array([[0.5], [0.5]])) > 0


class TestBadInput:
    net = bp4.Network([4, 3, 2], seed=0)

    def test_transposed_inputs_say_transpose(self):
        with pytest.raises(ValueError, match=r"\(5, 4\).*expects \(4, m\).*X\.T"):
            self.net.feedforward(np.zeros((5, 4)))

    def test_wrong_number_of_rows(self):
        with pytest.raises(ValueError, match=r"\(3, 5\).*\(4, m\)"):
            self.net.feedforward(np.zeros((3, 5)))

    def test_one_dimensional_sample_says_reshape(self):
        with pytest.raises(ValueError, match=r"reshape\(-1, 1\)"):
            self.net.feedforward(np.zeros(4))

    def test_transposed_targets_say_transpose(self):
        with pytest.raises(ValueError, match=r"Y has shape \(6, 2\).*\(2, 6\).*Y\.T"):
            self.net.backprop(np.zeros((4, 6)), np.zeros((6, 2)))

    def test_label_count_must_match_samples(self):
        with pytest.raises(ValueError, match=r"shape \(5,\); expected \(6,\)"):
            self.net.backprop(np.zeros((4, 6)), np.zeros(5, dtype=int))

    def test_label_out_of_range(self):
        with pytest.raises(ValueError, match=r"labels in 0 … 1"):
            self.net.backprop(np.zeros((4, 2)), np.array([0, 2]))

    @pytest.mark.parametrize("sizes", [[3], [], [3, 0, 2], [3, -1], [2.5, 2]])
    def test_bad_sizes(self, sizes):
        with pytest.raises(ValueError, match="sizes"):
            bp4.Network(sizes)

    def test_unknown_names_list_the_valid_ones(self):
        with pytest.raises(ValueError, match=r"'relu', 'sigmoid', 'tanh'.*'softsign'"):
            bp4.Network([2, 2], activation="softsign")
        with pytest.raises(
            ValueError, match=r"'cross-entropy', 'log-likelihood', 'quadratic'"
        ):
            bp4.Network([2, 2], cost="hinge")
        with pytest.raises(ValueError, match=r"'standard', 'scaled'"):
            bp4.Network([2, 2], init="xavier")

    @pytest.mark.parametrize("eta", [0, -1.0, float("nan"), float("inf")])
    def test_bad_eta(self, eta):
        with pytest.raises(ValueError, match="eta must be a positive finite number"):
            self.net.sgd(np.zeros((4, 2)), np.array([0, 1]), 1, 1, eta)

    def test_bad_batch_size_and_epochs(self):
        with pytest.raises(
            ValueError, match="batch_size must be an integer >= 1, got 0"
        ):
            self.net.sgd(np.zeros((4, 2)), np.array([0, 1]), 1, 0, 1.0)
        with pytest.raises(ValueError, match="epochs must be an integer >= 0, got -1"):
            self.net.sgd(np.zeros((4, 2)), np.array([0, 1]), -1, 1, 1.0)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_inputs_are_refused(bad):
    X = np.ones((4, 3))
    X[2, 1] = bad
    with pytest.raises(ValueError, match="X contains NaN or infinite values"):
        TestBadInput.net.feedforward(X)
