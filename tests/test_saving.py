"""Network.save and Network.load: exact round trip, atomic writes, strict reading."""

import json
import os
import zipfile

import numpy as np
import pytest

import bp4
from bp4.files import saving


def trained(sizes=(4, 5, 3), **kwargs) -> bp4.Network:
    net = bp4.Network(list(sizes), seed=1, **kwargs)
    rng = np.random.default_rng(0)
    net.sgd(rng.random((sizes[0], 20)), rng.integers(0, sizes[-1], 20), 2, 5, 0.5)
    return net


def rewrite(path, **changes):
    """Save the arrays of ``path`` again with ``changes`` (None deletes a key)."""
    with np.load(path, allow_pickle=False) as data:
        arrays = {key: data[key] for key in data.files}
    for key, value in changes.items():
        if value is None:
            del arrays[key]
        else:
            arrays[key] = value
    with open(path, "wb") as f:
        np.savez(f, **arrays)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(
    "activation, cost, init",
    [
        ("sigmoid", "quadratic", "standard"),
        ("tanh", "cross-entropy", "scaled"),
        ("relu", "quadratic", "scaled"),
    ],
)
def test_round_trip_is_exact(tmp_path, activation, cost, init, dtype):
    net = trained(activation=activation, cost=cost, init=init, dtype=dtype)
    path = tmp_path / "net.npz"
    net.save(path)
    loaded = bp4.Network.load(path)
    assert repr(loaded) == repr(net)
    assert loaded.sizes == net.sizes and loaded.init == init
    assert loaded.activation is net.activation
    assert loaded.cost_function is net.cost_function
    for mine, theirs in zip(net.weights + net.biases, loaded.weights + loaded.biases):
        np.testing.assert_array_equal(mine, theirs)
        assert theirs.dtype == dtype and theirs.shape == mine.shape
        assert theirs.flags.writeable


def test_training_continues_exactly_after_a_load(tmp_path):
    # The generator's state is saved too: save, load and train on gives the
    # same weights as training on without stopping.
    rng = np.random.default_rng(2)
    X, y = rng.random((4, 30)), rng.integers(0, 3, 30)
    net = trained()
    net.save(tmp_path / "net.npz")
    loaded = bp4.Network.load(tmp_path / "net.npz")
    net.sgd(X, y, 2, 7, 1.0)
    loaded.sgd(X, y, 2, 7, 1.0)
    for mine, theirs in zip(net.weights + net.biases, loaded.weights + loaded.biases):
        np.testing.assert_array_equal(mine, theirs)


def test_file_holds_the_text_names_and_no_pickles(tmp_path):
    trained().save(tmp_path / "net.npz")
    with np.load(tmp_path / "net.npz", allow_pickle=False) as data:
        assert sorted(data.files) == sorted(
            ["format", "format_version", "sizes", "activation", "output_activation"]
            + ["cost", "init", "dtype", "rng_state", "w2", "b2", "w3", "b3"]
        )
        assert data["w2"].shape == (5, 4) and data["b3"].shape == (3, 1)
        assert str(data["activation"]) == str(data["output_activation"]) == "sigmoid"
        assert int(data["format_version"]) == saving.FORMAT_VERSION
        assert all(data[key].dtype != object for key in data.files)


def test_path_is_used_as_given(tmp_path):
    trained().save(tmp_path / "model")
    assert os.listdir(tmp_path) == ["model"]
    assert bp4.Network.load(str(tmp_path / "model")).sizes == [4, 5, 3]


def test_save_replaces_an_existing_file_and_keeps_its_permissions(tmp_path):
    path = tmp_path / "net.npz"
    bp4.Network([2, 2], seed=0).save(path)
    os.chmod(path, 0o640)
    trained().save(path)
    assert bp4.Network.load(path).sizes == [4, 5, 3]
    assert os.stat(path).st_mode & 0o777 == 0o640
    assert os.listdir(tmp_path) == ["net.npz"]


def test_interrupted_save_keeps_the_previous_file(tmp_path, monkeypatch):
    path = tmp_path / "net.npz"
    old = trained()
    old.save(path)
    before = path.read_bytes()

    def savez_that_fails_midway(file, **arrays):
        file.write(b"PK\x03\x04 half of a zip archive")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(np, "savez", savez_that_fails_midway)
    with pytest.raises(OSError, match="No space left"):
        bp4.Network([4, 9, 3], seed=5).save(path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["net.npz"]  # no temporary file left behind
    monkeypatch.undo()
    np.testing.assert_array_equal(bp4.Network.load(path).weights[0], old.weights[0])


def test_interrupted_by_ctrl_c_too(tmp_path, monkeypatch):
    path = tmp_path / "net.npz"
    trained().save(path)
    before = path.read_bytes()

    def interrupted(file, **arrays):
        file.write(b"PK\x03\x04")
        raise KeyboardInterrupt

    monkeypatch.setattr(np, "savez", interrupted)
    with pytest.raises(KeyboardInterrupt):
        trained().save(path)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["net.npz"]


def test_save_into_a_missing_directory(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"the directory .*nowhere does not"):
        trained().save(tmp_path / "nowhere" / "net.npz")


def test_custom_activation_and_cost_cannot_be_saved(tmp_path):
    identity = bp4.Activation("identity", lambda z: z, np.ones_like)
    with pytest.raises(ValueError, match=r"custom activation Activation\('identity'\)"):
        bp4.Network([2, 2], activation=identity).save(tmp_path / "a.npz")
    # A custom function under a built-in name is still custom.
    fake = bp4.Activation("sigmoid", np.tanh, lambda z: 1 - np.tanh(z) ** 2)
    with pytest.raises(ValueError, match=r"only the built-in activations"):
        bp4.Network([2, 2], activation=fake).save(tmp_path / "a.npz")

    class Hinge:
        name = "quadratic"

        def fn(self, a, y):
            return 0.0

        def nabla_a(self, a, y):
            return a * 0

    with pytest.raises(ValueError, match=r"custom cost .*built-in costs"):
        bp4.Network([2, 2], cost=Hinge()).save(tmp_path / "c.npz")
    assert os.listdir(tmp_path) == []


def test_a_network_whose_weights_were_replaced_badly_is_not_saved(tmp_path):
    net = bp4.Network([3, 2], seed=0)
    net.weights[0] = np.zeros((3, 2))
    # The network's own check of its parameters, in the text's numbering.
    with pytest.raises(
        ValueError, match=r"w\^2 \(weights\[0\]\) has shape \(3, 2\); expected \(2, 3\)"
    ):
        net.save(tmp_path / "net.npz")
    net.weights[0] = np.full((2, 3), np.nan)
    with pytest.raises(ValueError, match=r"w\^2 \(weights\[0\]\) contains NaN"):
        net.save(tmp_path / "net.npz")


# -- loading checks everything -------------------------------------------------------


@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "net.npz"
    trained().save(path)
    return path


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"w2": np.zeros((4, 5))}, r"w2 has shape \(4, 5\); expected \(5, 4\)"),
        ({"b3": np.zeros(3)}, r"b3 has shape \(3,\); expected \(3, 1\)"),
        (
            {"w3": np.zeros((3, 5), np.float32)},
            r"w3 has dtype float32; expected float64",
        ),
        ({"b2": np.full((5, 1), np.inf)}, r"b2 contains NaN or infinite"),
        ({"w3": None}, r"has no 'w3' array"),
        ({"w4": np.zeros((2, 3))}, r"arrays \['w4'\] that a network of sizes"),
        ({"sizes": np.array([4, 5])}, r"arrays \['b3', 'w3'\] that a network"),
        ({"sizes": np.array([4, 6, 3])}, r"w2 has shape \(5, 4\); expected \(6, 4\)"),
        (
            {"sizes": np.array([4, 10**9, 3])},
            r"w2 has shape \(5, 4\); expected \(1000000000, 4\)",
        ),
        ({"sizes": np.array([4.0, 5, 3])}, r"'sizes' must be a 1-D array of integers"),
        ({"sizes": np.array([4, 0, 3])}, r"'sizes' must list at least two layers"),
        ({"activation": np.array("softsign")}, r"activation must be one of .*softsign"),
        ({"cost": np.array("hinge")}, r"cost must be one of .*'hinge'"),
        ({"init": np.array("xavier")}, r"init must be one of"),
        ({"dtype": np.array("int64")}, r"'dtype' is 'int64'; expected a floating"),
        ({"activation": np.array(3)}, r"'activation' must be a string"),
        ({"format": np.array("something else")}, r"'format' is 'something else'"),
        ({"format_version": np.array(3)}, r"format version 3; .* saved by a newer bp4"),
        ({"format_version": None}, r"has no 'format_version' array"),
        ({"rng_state": np.array("{}")}, r"'rng_state' is not a generator state"),
    ],
)
def test_load_names_what_is_wrong(saved, changes, message):
    rewrite(saved, **changes)
    with pytest.raises(ValueError, match=message) as info:
        bp4.Network.load(saved)
    assert str(saved) in str(info.value)


def test_load_refuses_pickled_objects(saved):
    rewrite(saved, activation=np.array([print], dtype=object))
    with pytest.raises(
        ValueError, match=r"not a network saved by bp4: 'activation' holds"
    ):
        bp4.Network.load(saved)


def test_load_refuses_files_that_are_not_npz_archives(tmp_path, saved):
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(saved.read_bytes()[:200])
    text = tmp_path / "notes.txt"
    text.write_text("w2 = [[1, 2], [3, 4]]\n")
    single = tmp_path / "single.npy"
    np.save(single, np.zeros(3))
    for path, why in [
        (truncated, "File is not a zip file"),
        (text, r"it is not an \.npz \(zip\) archive"),
        (single, r"it is not an \.npz \(zip\) archive"),
    ]:
        with pytest.raises(ValueError, match=rf"is not a network saved by bp4: {why}"):
            bp4.Network.load(path)


def test_load_a_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        bp4.Network.load(tmp_path / "missing.npz")


def test_rng_state_is_json_of_the_generator(saved):
    with zipfile.ZipFile(saved) as archive:
        assert "rng_state.npy" in archive.namelist()
    with np.load(saved, allow_pickle=False) as data:
        state = json.loads(str(data["rng_state"]))
    assert state["bit_generator"] == "PCG64"


def test_output_layer_survives_a_round_trip(tmp_path):
    net = bp4.Network(
        [3, 4, 2], "tanh", "log-likelihood", output_activation="softmax", seed=1
    )
    net.save(tmp_path / "net.npz")
    loaded = bp4.Network.load(tmp_path / "net.npz")
    assert loaded.output_activation is bp4.SOFTMAX
    assert loaded.cost_function.name == "log-likelihood"
    X = np.random.default_rng(0).random((3, 5))
    np.testing.assert_array_equal(loaded.feedforward(X), net.feedforward(X))
