"""load_mnist on small IDX files the tests write: layout, split, strict parsing,
and downloads from a local HTTP server (never the internet)."""

import gzip
import os
import re
import struct
from pathlib import Path

import numpy as np
import pytest
from mnist_helpers import (
    NAMES,
    Mirror,
    closed_port_url,
    fake_mnist,
    gz_files,
    idx_images,
    idx_labels,
    md5s,
    write_mnist,
)

import bp4
from bp4.data import mnist
from bp4.data.digits import MnistUnavailableError, load_mnist

REAL_MIRRORS = list(mnist.MIRRORS)
REAL_MD5 = dict(mnist.MD5)


@pytest.fixture(autouse=True)
def offline(monkeypatch, tmp_path):
    """No test reaches the real mirrors or the real cache folder."""
    monkeypatch.setattr(mnist, "MIRRORS", [closed_port_url()])
    monkeypatch.delenv("BP4_MNIST_MIRRORS", raising=False)
    monkeypatch.setenv("BP4_DATA", str(tmp_path / "cache"))
    monkeypatch.setenv("no_proxy", "*")  # 127.0.0.1 directly, whatever the proxy


@pytest.fixture
def arrays():
    return fake_mnist(n_train=12, n_test=5)


# -- reading ----------------------------------------------------------------------


@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize("dotted", [False, True])
def test_layout_split_and_values(tmp_path, arrays, gz, dotted):
    write_mnist(tmp_path, arrays, gz=gz, dotted=dotted)
    d = load_mnist(tmp_path, download=False, validation=4)
    assert d.X_train.shape == (784, 8) and d.y_train.shape == (8,)
    assert d.X_validation.shape == (784, 4) and d.y_validation.shape == (4,)
    assert d.X_test.shape == (784, 5) and d.y_test.shape == (5,)
    images = arrays["train_images"].reshape(12, 784)
    # The first images train, the last ones validate; column i is image i,
    # its 28 rows of 28 pixels one after another, scaled by 1/255.
    np.testing.assert_array_equal(d.X_train, images[:8].T / 255.0)
    np.testing.assert_array_equal(d.X_validation, images[8:].T / 255.0)
    np.testing.assert_array_equal(d.y_train, arrays["train_labels"][:8])
    np.testing.assert_array_equal(d.y_validation, arrays["train_labels"][8:])
    np.testing.assert_array_equal(
        d.X_test, arrays["test_images"].reshape(5, 784).T / 255.0
    )
    np.testing.assert_array_equal(d.y_test, arrays["test_labels"])
    for X in (d.X_train, d.X_validation, d.X_test):
        assert X.dtype == np.float64 and X.flags.f_contiguous
        assert 0.0 <= X.min() and X.max() <= 1.0
    for y in (d.y_train, d.y_validation, d.y_test):
        assert y.dtype == np.int64


def test_pixel_scaling_reaches_both_ends(tmp_path, arrays):
    arrays["test_images"][0] = 0
    arrays["test_images"][1] = 255
    write_mnist(tmp_path, arrays)
    d = load_mnist(tmp_path, download=False, validation=0)
    assert d.X_test[:, 0].max() == 0.0 and d.X_test[:, 1].min() == 1.0


def test_validation_zero_keeps_all_training_images(tmp_path, arrays):
    write_mnist(tmp_path, arrays)
    d = load_mnist(tmp_path, download=False, validation=0)
    assert d.X_train.shape == (784, 12) and d.X_validation.shape == (784, 0)
    assert d.y_validation.shape == (0,)


def test_float32(tmp_path, arrays):
    write_mnist(tmp_path, arrays)
    d = load_mnist(tmp_path, download=False, validation=2, dtype=np.float32)
    assert d.X_train.dtype == d.X_test.dtype == np.float32
    assert d.X_train.flags.f_contiguous
    np.testing.assert_allclose(
        d.X_test, arrays["test_images"].reshape(5, 784).T / 255.0, rtol=1e-7
    )


def test_trains_a_network(tmp_path, arrays):
    write_mnist(tmp_path, arrays)
    d = bp4.data.digits.load_mnist(tmp_path, download=False, validation=2)
    net = bp4.Network([784, 30, 10], seed=0)
    history = net.sgd(d.X_train, d.y_train, 1, 10, 3.0, test=(d.X_test, d.y_test))
    assert history[0].total == 5


def test_reads_the_cache_folder_from_bp4_data(tmp_path, arrays, monkeypatch):
    monkeypatch.setenv("BP4_DATA", str(tmp_path / "elsewhere"))
    write_mnist(tmp_path / "elsewhere", arrays, gz=True)
    assert load_mnist(download=False, validation=2).X_test.shape == (784, 5)


def test_default_cache_folder_per_platform(monkeypatch, tmp_path):
    monkeypatch.delenv("BP4_DATA")
    monkeypatch.setattr(mnist.sys, "platform", "linux")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert mnist.default_data_dir() == tmp_path / "xdg" / "bp4" / "mnist"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert mnist.default_data_dir() == Path.home() / ".cache" / "bp4" / "mnist"
    monkeypatch.setattr(mnist.sys, "platform", "darwin")
    assert mnist.default_data_dir() == Path.home() / "Library/Caches/bp4/mnist"
    monkeypatch.setattr(mnist.sys, "platform", "win32")
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "local"))
    assert mnist.default_data_dir() == tmp_path / "local" / "bp4" / "mnist"


# -- strict parsing: every error names the file ---------------------------------------


def corrupt(tmp_path, arrays, role, data: bytes) -> Path:
    paths = write_mnist(tmp_path, arrays)
    paths[role].write_bytes(data)
    return paths[role]


def raw(arrays, role) -> bytes:
    make = idx_images if "images" in role else idx_labels
    return make(arrays[role])


@pytest.mark.parametrize(
    "role, damage, message",
    [
        (
            "train_images",
            lambda b: b[:-1],
            r"is 9423 bytes long; its header \(12 images\) says 9424: it is truncated",
        ),
        ("test_labels", lambda b: b + b"\0", r"says 13: it has extra bytes"),
        ("test_images", lambda b: b[:10], r"shorter than the 16-byte header"),
        (
            "train_images",
            lambda b: struct.pack(">I", 2049) + b[4:],
            r"magic number 2049 \(0x00000801\) \(that of a file of labels\); "
            r"expected 2051 \(0x00000803\)",
        ),
        (
            "train_labels",
            lambda b: b"\x1f\x8b" + b[2:],
            r"magic number 529205249 \(0x1f8b0801\); expected 2049",
        ),
        (
            "test_images",
            lambda b: b[:8] + struct.pack(">II", 27, 29) + b[16:],
            r"images of 27×29 pixels; MNIST images are 28×28",
        ),
        (
            "test_labels",
            lambda b: b[:-2] + b"\x0a" + b[-1:],
            r"has label 10 at index 3; MNIST labels are the digits 0 … 9",
        ),
    ],
)
def test_damaged_files_are_named(tmp_path, arrays, role, damage, message):
    path = corrupt(tmp_path, arrays, role, damage(raw(arrays, role)))
    with pytest.raises(mnist.IdxFormatError, match=message) as info:
        load_mnist(tmp_path, download=False, validation=2)
    assert str(path) in str(info.value)
    assert isinstance(info.value, ValueError)


def test_truncated_and_non_gzip_gz_files(tmp_path, arrays):
    paths = write_mnist(tmp_path, arrays, gz=True)
    whole = paths["train_images"].read_bytes()
    paths["train_images"].write_bytes(whole[: len(whole) // 2])
    with pytest.raises(mnist.IdxFormatError, match=r"not a complete gzip file") as info:
        load_mnist(tmp_path, download=False, validation=2)
    assert str(paths["train_images"]) in str(info.value)
    paths["train_images"].write_bytes(b"<html>404 Not Found</html>")
    with pytest.raises(mnist.IdxFormatError, match=r"train-images.*not a complete gz"):
        load_mnist(tmp_path, download=False, validation=2)


def test_gzip_of_a_truncated_idx_file(tmp_path, arrays):
    paths = write_mnist(tmp_path, arrays, gz=True)
    paths["test_images"].write_bytes(gzip.compress(raw(arrays, "test_images")[:-784]))
    with pytest.raises(mnist.IdxFormatError, match=r"t10k-images.*it is truncated"):
        load_mnist(tmp_path, download=False, validation=2)


def test_images_and_labels_counts_must_agree(tmp_path, arrays):
    paths = write_mnist(tmp_path, arrays)
    paths["test_labels"].write_bytes(idx_labels(arrays["test_labels"][:4]))
    with pytest.raises(
        mnist.IdxFormatError,
        match=r"t10k-images-idx3-ubyte holds 5 images but .*t10k-labels-idx1-ubyte "
        r"holds 4 labels",
    ):
        load_mnist(tmp_path, download=False, validation=2)


def test_empty_files(tmp_path, arrays):
    arrays["test_images"] = arrays["test_images"][:0]
    arrays["test_labels"] = arrays["test_labels"][:0]
    write_mnist(tmp_path, arrays)
    with pytest.raises(mnist.IdxFormatError, match=r"t10k-images-idx3-ubyte holds no"):
        load_mnist(tmp_path, download=False, validation=2)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"validation": 12}, ValueError, r"validation must leave at least one .*12"),
        ({"validation": -1}, ValueError, r"validation must be >= 0, got -1"),
        ({"validation": 2.5}, TypeError, r"validation must be a number .*got 2.5"),
        ({"validation": True}, TypeError, r"validation must be a number .*got True"),
        ({"dtype": np.int64}, TypeError, r"dtype must be a floating-point type"),
        ({"dtype": "nonsense"}, TypeError, r"dtype must be .*got 'nonsense'"),
        ({"path": 3}, TypeError, r"path must be a folder name or None, got 3"),
    ],
)
def test_bad_arguments(tmp_path, arrays, kwargs, error, message):
    write_mnist(tmp_path, arrays)
    kwargs = {"path": tmp_path, "validation": 2} | kwargs
    with pytest.raises(error, match=message):
        load_mnist(download=False, **kwargs)


# -- missing files ---------------------------------------------------------------------


def test_missing_without_download_says_where_to_put_the_files(tmp_path):
    folder = tmp_path / "data"
    with pytest.raises(MnistUnavailableError) as info:
        load_mnist(folder, download=False)
    message = str(info.value)
    assert isinstance(info.value, OSError)
    assert f"in {folder}" in message and "download=False" in message
    for name in NAMES.values():
        assert f"{name}.gz" in message
    assert "\n" not in message


def test_offline_fails_fast_with_the_same_advice(tmp_path, arrays):
    # Two of the four files are there; the others cannot be fetched (the
    # mirror's port is closed). Nothing already there is touched.
    paths = write_mnist(tmp_path, arrays)
    paths["train_images"].unlink()
    paths["test_labels"].unlink()
    with pytest.raises(MnistUnavailableError) as info:
        load_mnist(tmp_path)
    message = str(info.value)
    assert "missing train-images-idx3-ubyte, t10k-labels-idx1-ubyte" in message
    assert "train-images-idx3-ubyte.gz: " in message  # the URL tried, and why
    assert "refused" in message.lower()
    assert f"in {tmp_path}, or pass" in message
    assert sorted(os.listdir(tmp_path)) == sorted(
        [NAMES["train_labels"], NAMES["test_images"]]
    )


def test_cache_folder_that_cannot_be_created(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(MnistUnavailableError, match=r"cannot create the folder"):
        load_mnist(blocker / "mnist")


# -- downloading from a local mirror ---------------------------------------------------


@pytest.fixture
def served(arrays, monkeypatch):
    """The four .gz files, their MD5s and sizes made the known ones, and a way to
    serve them."""
    files = gz_files(arrays)
    monkeypatch.setattr(mnist, "MD5", md5s(files))
    monkeypatch.setattr(
        mnist, "SIZES", {name: len(data) for name, data in files.items()}
    )
    mirrors = []

    def serve(faults=None, files=files):
        mirror = Mirror(files, faults)
        mirrors.append(mirror)
        return mirror

    yield files, serve
    for mirror in mirrors:
        mirror.close()


def test_download_verifies_and_renames(tmp_path, arrays, served, monkeypatch, capsys):
    files, serve = served
    mirror = serve()
    monkeypatch.setattr(mnist, "MIRRORS", [mirror.url])
    d = load_mnist(tmp_path / "new", validation=2)
    np.testing.assert_array_equal(d.y_test, arrays["test_labels"])
    assert sorted(os.listdir(tmp_path / "new")) == sorted(files)  # no .part left
    for name, data in files.items():
        assert (tmp_path / "new" / name).read_bytes() == data
    err = capsys.readouterr().err
    # Not a terminal: one line as each download starts, one as it ends, no \r.
    url = f"{mirror.url}train-images-idx3-ubyte.gz"
    assert f"Downloading {url}\nDownloading {url}: 0.0 MB, MD5 verified\n" in err
    assert "\r" not in err and "%" not in err
    # A second load finds the files and downloads nothing.
    load_mnist(tmp_path / "new", validation=2)
    assert len(mirror.requests) == 4


def test_only_missing_files_are_downloaded(tmp_path, arrays, served, monkeypatch):
    files, serve = served
    paths = write_mnist(tmp_path, arrays)
    paths["test_labels"].unlink()
    mirror = serve()
    monkeypatch.setattr(mnist, "MIRRORS", [mirror.url])
    load_mnist(tmp_path, validation=2)
    assert mirror.requests == ["t10k-labels-idx1-ubyte.gz"]


@pytest.mark.parametrize(
    "fault, reason",
    [
        ("checksum", r"checksum mismatch: MD5 [0-9a-f]{32}, expected [0-9a-f]{32}"),
        ("truncated", r"the download was cut short: \d+ of \d+ bytes"),
        ("reset", r".*(Connection reset|cut short)"),
        ("404", None),
    ],
)
def test_a_bad_mirror_is_skipped_for_the_next(
    tmp_path, arrays, served, monkeypatch, capsys, fault, reason
):
    files, serve = served
    name = "train-images-idx3-ubyte.gz"
    if fault == "checksum":
        damaged = dict(files)
        damaged[name] = files[name][:-1] + bytes([files[name][-1] ^ 1])
        bad = serve(files=damaged)
    else:
        bad = serve({name: fault})
    good = serve()
    monkeypatch.setattr(mnist, "MIRRORS", [bad.url, good.url])
    d = load_mnist(tmp_path, validation=2)
    np.testing.assert_array_equal(
        d.X_train, arrays["train_images"][:10].reshape(10, 784).T / 255
    )
    assert good.requests == [name]  # only the file the first mirror failed on
    assert sorted(os.listdir(tmp_path)) == sorted(files)
    assert (tmp_path / name).read_bytes() == files[name]
    # A failure once the download has started is shown; a refusal (404) is not.
    err = capsys.readouterr().err
    shown = re.search(rf"{re.escape(bad.url + name)}: failed: {reason}", err)
    assert bool(shown) == (fault != "404")


@pytest.mark.parametrize("fault", ["checksum", "truncated", "reset", "hang", "404"])
def test_a_bad_download_leaves_nothing_and_says_why(
    tmp_path, served, monkeypatch, fault
):
    files, serve = served
    name = "train-labels-idx1-ubyte.gz"
    if fault == "checksum":
        monkeypatch.setitem(mnist.MD5, name, "0" * 32)
        mirror = serve()
    else:
        mirror = serve({name: fault})
    monkeypatch.setattr(mnist, "MIRRORS", [mirror.url])
    monkeypatch.setattr(mnist, "TIMEOUT", 0.5)
    reason = {
        "checksum": r"checksum mismatch: MD5 [0-9a-f]{32}, expected 0{32}",
        "truncated": r"cut short",
        "reset": r"(Connection reset|cut short)",
        "hang": r"timed out",
        "404": r"Not Found",
    }[fault]
    with pytest.raises(MnistUnavailableError, match=rf"{name}: .*{reason}") as info:
        load_mnist(tmp_path)
    assert "missing train-labels-idx1-ubyte, t10k-images" in str(info.value)
    assert "put the four files" in str(info.value)
    # The file before it arrived and stays; the bad one left no trace, and
    # the files after it were not tried.
    assert os.listdir(tmp_path) == ["train-images-idx3-ubyte.gz"]
    assert mirror.requests == ["train-images-idx3-ubyte.gz", name]


def test_known_checksums_and_mirrors():
    assert REAL_MD5 == {
        "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
        "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
        "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
        "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
    }
    assert REAL_MIRRORS and all(
        url.startswith("https://") and url.endswith("/") for url in REAL_MIRRORS
    )


def test_a_fetch_that_leaves_a_file_missing_is_reported(tmp_path, monkeypatch):
    # fetch() raises when a download fails; should it ever return with a file
    # still absent, the loader says so instead of reading None.
    monkeypatch.setattr(bp4.data.mnist, "fetch", lambda directory, missing: None)
    with pytest.raises(
        bp4.data.mnist.MnistUnavailableError, match="the download left gaps"
    ):
        bp4.data.mnist.load_mnist(tmp_path, download=True)
