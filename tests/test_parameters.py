"""Parameters set by hand, and the state sgd leaves the network in when it fails."""

from __future__ import annotations

import re

import numpy as np
import pytest

import bp4
from bp4 import backprop
from bp4.cli import main

SIZES = [4, 3, 2]


def small(**kwargs):
    net = bp4.Network(SIZES, seed=0, **kwargs)
    rng = np.random.default_rng(1)
    X = np.asfortranarray(rng.random((4, 12)))
    y = rng.integers(0, 2, 12)
    return net, X, y


# Every method that computes, called on a small batch.
METHODS = {
    "feedforward": lambda net, X, y, tmp: net.feedforward(X),
    "forward": lambda net, X, y, tmp: net.forward(X),
    "backprop": lambda net, X, y, tmp: net.backprop(X, y),
    "cost": lambda net, X, y, tmp: net.cost(X, y),
    "predict": lambda net, X, y, tmp: net.predict(X),
    "evaluate": lambda net, X, y, tmp: net.evaluate(X, y),
    "update": lambda net, X, y, tmp: net.update(X, y, 0.5),
    "sgd": lambda net, X, y, tmp: net.sgd(X, y, 1, 4, 0.5),
    "learning_speeds": lambda net, X, y, tmp: net.learning_speeds(X, y),
    "save": lambda net, X, y, tmp: net.save(tmp / "net.npz"),
}


@pytest.mark.parametrize("method", sorted(METHODS))
def test_every_method_refuses_a_biases_list_one_short(method, tmp_path):
    # Before: feedforward returned the hidden layer's output, of shape (3, m),
    # and sgd read a^L from a buffer that was never written.
    net, X, y = small()
    net.biases = net.biases[:1]
    with pytest.raises(
        ValueError, match=r"biases has 1 arrays, but sizes \[4, 3, 2\] need 2 bias "
    ):
        METHODS[method](net, X, y, tmp_path)


@pytest.mark.parametrize("method", sorted(METHODS))
def test_every_method_refuses_a_1d_bias(method, tmp_path):
    # A (3,) bias broadcasts along the samples when the batch has 3 columns:
    # before, feedforward gave a wrong output of the right shape, silently.
    net, X, y = small()
    net.biases[0] = net.biases[0].ravel()
    with pytest.raises(
        ValueError,
        match=r"b\^2 \(biases\[0\]\) has shape \(3,\); expected \(3, 1\) = "
        r"\(n_2, 1\); a 1-D bias .* net\.biases\[0\]\.reshape\(-1, 1\)",
    ):
        METHODS[method](net, X[:, :3], y[:3], tmp_path)


def test_wrong_shapes_name_the_layer_in_the_texts_numbering():
    net, X, _ = small()
    net.weights[1] = np.zeros((2, 5))
    with pytest.raises(
        ValueError,
        match=r"^w\^3 \(weights\[1\]\) has shape \(2, 5\); expected \(2, 3\) = "
        r"\(n_3, n_2\)$",
    ):
        net.feedforward(X)
    net.weights[1] = np.zeros((3, 2))
    with pytest.raises(ValueError, match=r"it looks transposed: set net\.weights\[1\]"):
        net.feedforward(X)


def test_wrong_type_dtype_and_values():
    net, X, _ = small()
    saved = net.weights[0]
    net.weights[0] = saved.tolist()
    with pytest.raises(TypeError, match=r"w\^2 \(weights\[0\]\) must be a NumPy array"):
        net.feedforward(X)
    net.weights[0] = saved.astype(np.float32)
    with pytest.raises(
        TypeError,
        match=r"w\^2 \(weights\[0\]\) has dtype float32; expected the network's "
        r"dtype float64",
    ):
        net.feedforward(X)
    net.weights[0] = saved.astype(np.int64)
    with pytest.raises(TypeError, match=r"has dtype int64"):
        net.feedforward(X)
    net.weights[0] = saved.copy()
    net.weights[0][1, 2] = np.nan
    y = np.zeros(X.shape[1], int)
    for train in (lambda: net.update(X, y, 0.5), lambda: net.sgd(X, y, 1, 4, 0.5)):
        with pytest.raises(ValueError, match=r"w\^2 \(weights\[0\]\) contains NaN"):
            train()  # the NaN would spread to every parameter, blamed on η
    assert np.isnan(net.feedforward(X)).any()  # computing shows the NaN itself
    net.weights = tuple(net.weights)  # any sequence of arrays will do
    net.weights = np.stack([saved, saved])
    with pytest.raises(TypeError, match=r"weights must be a list of 2 arrays"):
        net.feedforward(X)


def test_the_check_is_public_and_accepts_a_fresh_network():
    from bp4.validation import check_parameters

    net = bp4.Network(SIZES, seed=0, dtype=np.float32)
    check_parameters(net.weights, net.biases, net.sizes, net.dtype)  # no error
    with pytest.raises(ValueError, match=r"weights has 1 arrays"):
        check_parameters(net.weights[:1], net.biases, net.sizes, net.dtype)


def test_sgd_checks_the_parameters_once_per_call(monkeypatch):
    import bp4.network

    calls = []
    original = bp4.network.check_parameters

    def counting(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(bp4.network, "check_parameters", counting)
    net, X, y = small()
    net.sgd(X, y, epochs=3, batch_size=1, eta=0.5, validation=(X, y))
    assert len(calls) == 1  # not once per batch (36) or per epoch


@pytest.mark.parametrize("method", ["update", "sgd"])
def test_a_read_only_layer_is_refused_before_any_layer_changes(method, tmp_path):
    # Before: w^2 was updated, then w^3's in-place update raised NumPy's
    # "output array is read-only", leaving a half-made step.
    net, X, y = small()
    before = [w.copy() for w in net.weights] + [b.copy() for b in net.biases]
    net.weights[1].flags.writeable = False
    with pytest.raises(
        ValueError, match=r"w\^3 \(weights\[1\]\) is read-only, and training updates"
    ):
        METHODS[method](net, X, y, tmp_path)
    after = net.weights + net.biases
    assert all(np.array_equal(a, b) for a, b in zip(before, after))
    net.feedforward(X)  # reading a read-only network is fine


# -- what sgd leaves when it fails ------------------------------------------------

IDENTITY = bp4.Activation("identity", lambda z: z, np.ones_like)


def snapshots(net):
    """A callback that copies net's parameters at the end of each epoch."""
    seen = {}

    def callback(record):
        seen[record.epoch] = [p.copy() for p in [*net.weights, *net.biases]]

    return seen, callback


def linear_diverging():
    # The linear neuron of test_errors: with η = 1000 every step multiplies
    # the error by about −η x², so the cost overflows after a few epochs.
    net = bp4.Network([1, 1], output_activation=IDENTITY, seed=0)
    X = np.linspace(0.5, 1.5, 20).reshape(1, -1)
    return net, X, 2 * X


def equal(params, net):
    return all(
        np.array_equal(p, q) for p, q in zip(params, [*net.weights, *net.biases])
    )


def test_divergence_without_validation_keeps_the_last_finished_epoch():
    net, X, Y = linear_diverging()
    seen, callback = snapshots(net)
    with pytest.raises(bp4.TrainingDivergedError) as info:
        net.sgd(X, Y, epochs=100, batch_size=5, eta=1000.0, callback=callback)
    error = info.value
    last = error.record.epoch - 1
    assert last >= 1 and error.restored_epoch == last
    assert equal(seen[last], net) and np.all(np.isfinite(net.weights[0]))
    assert str(error).endswith(
        f"The network now holds the parameters of epoch {last}, the last epoch "
        f"that finished"
    )


@pytest.mark.filterwarnings("ignore::bp4.TrainingStalledWarning")
def test_divergence_with_validation_keeps_the_best_epoch():
    data = bp4.load_digits()
    X, y = data.X_train[:, :300], data.y_train[:300]
    net = bp4.Network([64, 30, 10], activation=IDENTITY, output_activation=IDENTITY,
                      init="scaled", seed=0)  # fmt: skip
    seen, callback = snapshots(net)

    # Scripted: from epoch 4 on the inputs grow 1.5-fold an epoch, so that
    # the linear network's steps, ∝ x², overflow; the validation data stays.
    def grow(record):
        callback(record)
        if record.epoch >= 4:
            X[...] *= 1.5

    with pytest.raises(bp4.TrainingDivergedError) as info:
        net.sgd(X, y, 30, 10, 0.01, validation=(X[:, :100].copy(), y[:100]),
                callback=grow)  # fmt: skip
    error = info.value
    best = bp4.History(error.history).best_epoch
    assert error.restored_epoch == best and 4 <= best < error.record.epoch - 1
    assert equal(seen[best], net)
    assert f"holds the parameters of epoch {best}, the best validation epoch" in str(
        error
    )


def test_divergence_caused_by_data_changed_under_sgd_says_so():
    # Before: "try a smaller learning rate", which would not have helped.
    net, X, y = small()
    X = np.asfortranarray(X)  # used in place by sgd

    def spoil(record):
        X[0, 0] = np.inf

    with pytest.raises(
        bp4.TrainingDivergedError,
        match=r"the training inputs X changed during training \(max \|x\| of evenly "
        r"spaced samples was 0\.\d+ when sgd started and is now inf\)",
    ):
        net.sgd(X, y, 5, 4, 0.5, callback=spoil)


def test_divergence_caused_by_lambda_names_lambda():
    # ηλ/n = 1 · 40 / 20 = 2: every step multiplies w by −1 on top of the
    # gradient's step, so |w| grows. Before, the advice blamed η.
    net, X, Y = linear_diverging()
    with pytest.raises(
        bp4.TrainingDivergedError,
        match=r"lmbda = 40 makes eta·lmbda/n = 2 \(n = 20 training samples\), so "
        r"L2's step .* multiplies every weight by -1 .* such as lmbda = 2 ",
    ):
        net.sgd(X, Y, epochs=200, batch_size=5, eta=1.0, lmbda=40.0)


def test_an_error_in_the_callback_leaves_that_epochs_parameters():
    net, X, y = small()
    seen, callback = snapshots(net)

    def failing(record):
        callback(record)
        if record.epoch == 3:
            raise RuntimeError("the student's plot failed")

    with pytest.raises(RuntimeError, match="plot failed") as info:
        net.sgd(X, y, 10, 4, 0.5, callback=failing)
    assert info.value.restored_epoch == 3 and equal(seen[3], net)
    assert info.value.__notes__ == [
        "bp4: sgd stopped during epoch 3; the network now holds the parameters of "
        "epoch 3, the last epoch that finished (restored_epoch = 3)"
    ]


@pytest.mark.parametrize("validated", [False, True])
def test_ctrl_c_in_the_middle_of_an_epoch(monkeypatch, validated):
    # Before: the network held whatever the interrupted batch left, half an
    # update included, and nothing said so.
    net, X, y = small()
    seen, callback = snapshots(net)
    initial = [p.copy() for p in [*net.weights, *net.biases]]
    calls = []
    original = backprop.backward

    def backward(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3 * 3 + 2:  # epoch 4, batch 2 (3 batches an epoch)
            raise KeyboardInterrupt
        return original(*args, **kwargs)

    monkeypatch.setattr(backprop, "backward", backward)
    validation = (X, y) if validated else None
    with pytest.raises(KeyboardInterrupt) as info:
        net.sgd(X, y, 10, 4, 0.5, validation=validation, callback=callback)
    kept = info.value.restored_epoch
    if validated:
        assert 1 <= kept <= 3 and "the best validation epoch" in info.value.__notes__[0]
    else:
        assert kept == 3
    assert equal(seen[kept], net)
    assert info.value.__notes__[0].startswith("bp4: sgd stopped during epoch 4;")

    # Interrupted in the first epoch: the parameters it started with.
    calls.clear()
    net = bp4.Network(SIZES, seed=0)
    with pytest.raises(KeyboardInterrupt) as info:
        net.sgd(X, y, 1, 1, 0.5)  # 12 batches: the 11th is interrupted
    assert info.value.restored_epoch == 0 and equal(initial, net)
    assert "holds the parameters it had before training" in info.value.__notes__[0]


def test_the_callback_runs_under_the_callers_numpy_error_settings():
    # Before: sgd's np.errstate(over="ignore", …) silenced the callback too.
    net, X, y = small()
    with pytest.warns(RuntimeWarning, match="divide by zero"):
        net.sgd(X, y, 1, 4, 0.5, callback=lambda record: np.float64(1.0) / 0.0)
    with np.errstate(divide="ignore"):  # and a caller who silences keeps that
        net.sgd(X, y, 1, 4, 0.5, callback=lambda record: np.float64(1.0) / 0.0)


def test_cli_divergence_says_which_epochs_network_it_kept(capsys, tmp_path):
    argv = ["train", "--activation", "tanh", "--output-activation", "identity",
            "--eta", "1", "--epochs", "5"]  # fmt: skip
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 1
    err = capsys.readouterr().err
    assert re.fullmatch(
        r"bp4 train: error: training diverged at epoch 2: .*; nothing was saved "
        r"\(--save FILE keeps the best epoch's network\)\n",
        err,
    )
    path = tmp_path / "best.npz"
    with pytest.raises(SystemExit):
        main([*argv, "--save", str(path)])
    err = capsys.readouterr().err
    assert re.search(
        rf"; the best network so far \(epoch 1, validation accuracy \S+%\) is in "
        rf"{re.escape(str(path))}\n$",
        err,
    )
    assert np.all(np.isfinite(bp4.Network.load(path).weights[0]))
