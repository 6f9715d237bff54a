"""Chapter 3 beyond network2: network2's step, L1, momentum, the schedule, dropout.

Each option against a closed form computed here from ``Network.backprop``,
or against the per-sample reference on the thinned network.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest

import bp4
from bp4.backprop import backward
from bp4.forward import forward
from bp4.teaching.reference import backprop_per_sample
from bp4.training import EtaSchedule, dropout_masks, update_parameters


def small(sizes=(4, 5, 3, 2), m=12, seed=0):
    net = bp4.Network(list(sizes), seed=seed)
    rng = np.random.default_rng(seed + 1)
    X = np.asfortranarray(rng.random((sizes[0], m)))
    y = rng.integers(0, sizes[-1], m)
    return net, X, y


def params(net):
    return [p.copy() for p in [*net.weights, *net.biases]]


# -- network2's step ----------------------------------------------------------


def test_update_is_network2s_step_with_lmbda_and_n():
    net, X, y = small()
    eta, lmbda, n = 0.5, 4.0, 50
    w0, b0 = copy.deepcopy(net.weights), copy.deepcopy(net.biases)
    nabla_w, nabla_b = (copy.deepcopy(g) for g in net.backprop(X, y))
    net.update(X, y, eta, lmbda=lmbda, n=n)
    for w, w_0, nw in zip(net.weights, w0, nabla_w):
        np.testing.assert_allclose(
            w, (1 - eta * lmbda / n) * w_0 - eta * nw, rtol=0, atol=1e-15
        )
    for b, b_0, nb in zip(net.biases, b0, nabla_b):  # biases are not decayed
        np.testing.assert_allclose(b, b_0 - eta * nb, rtol=0, atol=1e-15)


def test_n_defaults_to_the_batch_and_update_is_sgds_step():
    net, X, y = small()
    twin = copy.deepcopy(net)
    net.update(X, y, 0.5, lmbda=2.0)  # n = m = 12
    # One epoch of sgd on one batch of all 12 samples: the same step (the
    # shuffled order of the columns changes only the rounding of the sums).
    twin.sgd(X, y, 1, 12, 0.5, lmbda=2.0)
    for p, q in zip(params(net), params(twin)):
        np.testing.assert_allclose(p, q, rtol=1e-13, atol=1e-15)


def test_update_without_lmbda_is_plain_gradient_descent():
    net, X, y = small()
    before = params(net)
    nabla_w, nabla_b = (copy.deepcopy(g) for g in net.backprop(X, y))
    net.update(X, y, 3.0)
    for p, p0, g in zip(params(net), before, [*nabla_w, *nabla_b]):
        np.testing.assert_array_equal(p, p0 - 3.0 * g)


# -- L1 -----------------------------------------------------------------------


def test_l1_step_is_minus_eta_lambda_over_n_sgn_w_and_zero_stays_zero():
    w = [np.array([[-2.0, 0.0, 3.0], [0.0, 0.5, -0.25]])]
    b = [np.zeros((2, 1))]
    zero = [np.zeros((2, 3))], [np.zeros((2, 1))]  # no gradient of C_0
    update_parameters(w, b, *zero, eta=1.0, l1_decay=0.1)
    np.testing.assert_array_equal(
        w[0], [[-2.0 + 0.1, 0.0, 3.0 - 0.1], [0.0, 0.5 - 0.1, -0.25 + 0.1]]
    )


def test_sgd_with_l1_and_l2_matches_the_closed_form():
    net, X, y = small()
    net.weights[0][0, :2] = 0.0  # sgn(0) = 0: only the gradient moves them
    eta, lmbda, l1, n = 0.5, 3.0, 2.0, X.shape[1]
    w0 = copy.deepcopy(net.weights)
    nabla_w, _ = (copy.deepcopy(g) for g in net.backprop(X, y))
    history = net.sgd(X, y, 1, n, eta, lmbda=lmbda, l1=l1)
    for w, w_0, nw in zip(net.weights, w0, nabla_w):
        expected = (1 - eta * lmbda / n) * w_0 - eta * l1 / n * np.sign(w_0) - eta * nw
        np.testing.assert_allclose(w, expected, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(net.weights[0][0, :2], -eta * nabla_w[0][0, :2],
                               rtol=1e-12)  # fmt: skip
    # The recorded cost includes (λ/2n) Σ w² and (λ₁/n) Σ |w| of the new weights.
    net2 = copy.deepcopy(net)
    l2_term = lmbda / (2 * n) * sum(float(np.sum(w**2)) for w in net2.weights)
    l1_term = l1 / n * sum(float(np.sum(np.abs(w))) for w in net2.weights)
    twin = copy.deepcopy(net)
    record = twin.sgd(X, y, 1, n, 1e-300, lmbda=lmbda, l1=l1,
                      monitor_training_cost=True)[0]  # fmt: skip
    assert record.cost == pytest.approx(net.cost(X, y) + l2_term + l1_term, rel=1e-9)
    assert history[0].eta == eta


# -- momentum -----------------------------------------------------------------


def test_two_momentum_steps_by_hand():
    net, X, y = small()
    eta, mu, lmbda, n = 0.5, 0.9, 1.0, X.shape[1]
    hand = copy.deepcopy(net)
    net.sgd(X, y, 2, n, eta, momentum=mu, lmbda=lmbda)  # one batch an epoch
    v = [np.zeros_like(p) for p in params(hand)]
    for _ in range(2):
        nabla_w, nabla_b = hand.backprop(X, y)
        # ∇C = ∂C_0/∂w + (λ/n) w for weights, ∂C_0/∂b for biases
        grads = [nw + lmbda / n * w for nw, w in zip(nabla_w, hand.weights)]
        grads += [nb.copy() for nb in nabla_b]
        theta = [*hand.weights, *hand.biases]
        for k, (p, g) in enumerate(zip(theta, grads)):
            v[k] = mu * v[k] - eta * g  # v → v' = μv − η∇C
            p += v[k]  # w → w' = w + v'
    for p, q in zip(params(net), params(hand)):
        np.testing.assert_allclose(p, q, rtol=1e-12, atol=1e-15)


def test_momentum_zero_is_plain_sgd():
    net, X, y = small()
    twin = copy.deepcopy(net)
    net.sgd(X, y, 3, 4, 0.5, momentum=0.0)
    twin.sgd(X, y, 3, 4, 0.5)
    for p, q in zip(params(net), params(twin)):
        np.testing.assert_array_equal(p, q)


def test_momentum_trains_the_digits():
    data = bp4.load_digits()
    net = bp4.Network([64, 60, 10], cost="cross-entropy", init="scaled", seed=0)
    history = net.sgd(data.X_train, data.y_train, 10, 10, 0.05, momentum=0.9,
                      test=(data.X_test, data.y_test))  # fmt: skip
    assert history[-1].accuracy > 0.95  # 96.9% here


# -- the learning-rate schedule ---------------------------------------------------


def test_schedule_halves_after_n_epochs_without_improvement_and_stops_at_1_128():
    schedule = EtaSchedule(1.0, epochs=2)
    scripted = [5, 6, 6, 6, 7] + [7] * 20  # validation samples right, per epoch
    best, etas = -1, []
    for correct in scripted:
        etas.append(schedule.eta)
        stop = schedule.after_epoch(correct > best)
        best = max(best, correct)
        if stop:
            break
    assert etas == [1, 1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.125, 0.125, 1 / 16,
                    1 / 16, 1 / 32, 1 / 32, 1 / 64, 1 / 64]  # fmt: skip
    assert schedule.eta == 1 / 128


@pytest.mark.filterwarnings("ignore::bp4.TrainingStalledWarning")  # scripted counts
def test_sgd_records_the_schedules_eta_on_a_scripted_validation_history():
    net, X, y = small()
    script = iter([5, 6, 6, 6, 7] + [7] * 30)
    # Only the validation data is counted here: script its counts.
    net._count = lambda a, labels, name, nan_seen: next(script)
    history = net.sgd(X, y, 30, 4, 2.0, validation=(X, y), halve_eta=2)
    assert history.etas == [2.0 * e for e in
                            [1, 1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.125, 0.125,
                             1 / 16, 1 / 16, 1 / 32, 1 / 32, 1 / 64, 1 / 64]]  # fmt: skip
    assert history.stopped_early and len(history) == 17
    assert history.stop_reason == "eta fell to 1/128 of its first value"
    assert "eta halved before epochs 5, 8, 10, 12, 14, 16, to 0.03125" in repr(history)


# -- dropout ------------------------------------------------------------------------


def test_dropout_zero_is_no_dropout():
    net, X, y = small()
    twin = copy.deepcopy(net)
    net.sgd(X, y, 3, 4, 0.5, dropout=0.0)
    twin.sgd(X, y, 3, 4, 0.5)
    for p, q in zip(params(net), params(twin)):
        np.testing.assert_array_equal(p, q)
    # And masks of p = 0 (all ones) change neither pass.
    masks = dropout_masks(net.sizes, 0.0, np.random.default_rng(0), net.dtype)
    assert all(np.all(mk == 1.0) for mk in masks)
    Y = np.eye(2)[:, y]
    sigma, out = net.activation, net.output_activation
    plain = forward(net.weights, net.biases, X, sigma, out)
    masked = forward(net.weights, net.biases, X, sigma, out, masks=masks)
    for a, b in zip(plain.activations, masked.activations):
        np.testing.assert_array_equal(a, b)
    for g, h in zip(
        backward(net.weights, Y, net.cost_function, plain, out),
        backward(net.weights, Y, net.cost_function, masked, out),
    ):
        for a, b in zip(g, h):
            np.testing.assert_array_equal(a, b)


def test_fixed_masks_give_the_per_sample_gradient_of_the_thinned_network():
    net, X, y = small(sizes=(4, 6, 5, 3), m=7)
    Y = np.eye(3)[:, y]
    p = 0.4
    kept = [np.array([0, 2, 3, 5]), np.array([1, 2, 4])]  # hidden layers 2 and 3
    masks = []
    for n_l, k in zip(net.sizes[1:-1], kept):
        mask = np.zeros((n_l, 1))
        mask[k] = 1 / (1 - p)
        masks.append(mask)
    sigma, out, cost = net.activation, net.output_activation, net.cost_function
    pas = forward(net.weights, net.biases, X, sigma, out, masks=masks)
    nabla_w, nabla_b = backward(net.weights, Y, cost, pas, out)

    # The thinned network: the kept neurons only; the 1/(1 − p) that scales
    # a kept a^l moves into the next layer's weights.
    rows = [*kept, np.arange(3)]
    cols = [np.arange(4), *kept]
    scale = [1.0, 1 / (1 - p), 1 / (1 - p)]
    thin_w = [w[np.ix_(r, c)] * s for w, r, c, s in zip(net.weights, rows, cols, scale)]
    thin_b = [b[r] for b, r in zip(net.biases, rows)]
    ref_w, ref_b = backprop_per_sample(thin_w, thin_b, X, Y, sigma, cost, out)
    for l, (nw, nb) in enumerate(zip(nabla_w, nabla_b)):
        r, c = rows[l], cols[l]
        # ∂C/∂w = ∂C/∂w_thin · ∂w_thin/∂w = scale · the thinned gradient
        np.testing.assert_allclose(nw[np.ix_(r, c)], ref_w[l] * scale[l], rtol=1e-12)
        np.testing.assert_allclose(nb[r], ref_b[l], rtol=1e-12)
        # A dropped neuron learns nothing in this batch, in or out.
        dropped_w = np.ones(nw.shape, bool)
        dropped_w[np.ix_(r, c)] = False
        assert np.all(nw[dropped_w] == 0)
        assert np.all(np.delete(nb, r, axis=0) == 0)


def test_dropout_trains_and_the_test_network_is_unchanged():
    data = bp4.load_digits()
    net = bp4.Network([64, 60, 10], cost="cross-entropy", init="scaled", seed=0)
    twin = copy.deepcopy(net)
    history = net.sgd(data.X_train, data.y_train, 10, 10, 0.5, dropout=0.5,
                      test=(data.X_test, data.y_test))  # fmt: skip
    assert history[-1].accuracy > 0.95  # 97.3% here, on the whole network
    twin.sgd(data.X_train, data.y_train, 10, 10, 0.5)
    assert not np.array_equal(net.weights[0], twin.weights[0])
    assert net.evaluate(data.X_test, data.y_test) == history[-1].correct


# -- bad values -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"dropout": 1.0}, r"dropout must be a probability in \[0, 1\), got 1\.0"),
        ({"dropout": -0.1}, r"dropout must be a probability in \[0, 1\), got -0\.1"),
        ({"dropout": "0.5"}, r"dropout must be a probability in \[0, 1\), got '0\.5'"),
        ({"momentum": 1.0}, r"momentum must be a number in \[0, 1\), got 1\.0: μ = 1 "
                            r"leaves no friction and μ > 1 .* diverges"),
        ({"momentum": 1.5}, r"got 1\.5: .*μ > 1 makes the velocity grow"),
        ({"momentum": -0.5}, r"got -0\.5: μ < 0 reverses the velocity at every "
                             r"step, so the descent oscillates"),
        ({"momentum": np.nan}, r"momentum must be a number in \[0, 1\), got nan"),
        ({"l1": -1.0}, r"^l1 must be a finite number >= 0, got -1\.0$"),
        ({"halve_eta": 3}, r"halve_eta needs validation data"),
        ({"halve_eta": 0, "validation": "x"}, r"halve_eta must be an integer >= 1"),
    ],
)  # fmt: skip
def test_bad_values_are_refused_with_one_message(kwargs, message):
    net, X, y = small()
    before = params(net)
    with pytest.raises(ValueError, match=message):
        net.sgd(X, y, 1, 4, 0.5, **kwargs)
    assert all(np.array_equal(p, q) for p, q in zip(before, params(net)))


def test_dropout_needs_a_hidden_layer_and_n_the_batch():
    net, X, y = small(sizes=(4, 2))
    with pytest.raises(ValueError, match=r"sizes \[4, 2\] has no hidden layer"):
        net.sgd(X, y, 1, 4, 0.5, dropout=0.5)
    with pytest.raises(
        ValueError,
        match=r"n must be the number of training samples, at least the batch's "
        r"m = 12, got 5",
    ):
        net.update(X, y, 0.5, lmbda=1.0, n=5)
