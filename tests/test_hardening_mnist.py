"""load_mnist against hostile files and misbehaving mirrors.

Files that would make a careless reader allocate gigabytes are read in a
subprocess under a memory limit (RLIMIT_AS), so that a regression fails the
test instead of exhausting the machine. Downloads come from a local HTTP
server (tests/mnist_helpers.py), never the internet.
"""

from __future__ import annotations

import gzip
import io
import os
import struct
import subprocess
import sys
import textwrap
import zlib

import numpy as np
import pytest
from mnist_helpers import (
    Mirror,
    closed_port_url,
    fake_mnist,
    gz_files,
    idx_images,
    md5s,
    write_mnist,
)

from bp4.data import mnist
from bp4.data.digits import MnistUnavailableError, load_mnist

LIMIT = 512 << 20  # bytes of address space for a subprocess reading a bomb
needs_rlimit = pytest.mark.skipif(
    sys.platform != "linux", reason="RLIMIT_AS is enforced on Linux"
)


@pytest.fixture(autouse=True)
def offline(monkeypatch, tmp_path):
    """No test reaches the real mirrors or the real cache folder."""
    monkeypatch.setattr(mnist, "MIRRORS", [closed_port_url()])
    monkeypatch.delenv("BP4_MNIST_MIRRORS", raising=False)
    monkeypatch.setenv("BP4_DATA", str(tmp_path / "cache"))
    monkeypatch.setenv("no_proxy", "*")


@pytest.fixture
def arrays():
    return fake_mnist(n_train=12, n_test=5)


def load_in_subprocess(directory, limit: int = LIMIT) -> str:
    """``load_mnist(directory)`` under a memory limit: the error's type and message."""
    code = textwrap.dedent(
        f"""
        import resource
        resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
        import bp4
        try:
            bp4.load_mnist({str(directory)!r}, download=False, validation=2)
            print("loaded")
        except BaseException as error:
            print(type(error).__name__ + ": " + str(error))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    return result.stdout.strip() or result.stderr.strip()


def gzip_of_zeros_after(prefix: bytes, n_mib: int) -> bytes:
    """A .gz of ``prefix`` then ``n_mib`` MiB of zeros, made in milliseconds: after
    a full flush the compressor starts afresh, so every MiB of zeros
    compresses to the same bytes, which are repeated. (The CRC is not
    computed: a reader that checks it has read the whole file already.)"""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = c.compress(prefix) + c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(bytes(1 << 20)) + c.flush(zlib.Z_FULL_FLUSH)
    deflated = head + block * n_mib + c.flush()
    size = (len(prefix) + (n_mib << 20)) % 2**32
    return (
        b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
        + deflated
        + struct.pack("<II", 0, size)
    )


# -- 6. an IDX file is read no further than its header says ---------------------------


@needs_rlimit
def test_a_gzip_bomb_is_refused_without_inflating_it(tmp_path, arrays):
    paths = write_mnist(tmp_path, arrays, gz=True)
    # The 12 images the header announces, then 2 GiB of zeros: 2 MB on disk.
    bomb = gzip_of_zeros_after(idx_images(arrays["train_images"]), 2048)
    paths["train_images"].write_bytes(bomb)
    assert len(bomb) < 3_000_000
    assert load_in_subprocess(tmp_path) == (
        f"IdxFormatError: {paths['train_images']} is more than 9424 bytes long "
        f"uncompressed; its header (12 images) says 9424: it has extra bytes"
    )


@needs_rlimit
def test_a_huge_raw_file_is_refused_without_reading_it(tmp_path, arrays):
    paths = write_mnist(tmp_path, arrays)
    with open(paths["train_images"], "r+b") as f:
        f.truncate(3 << 30)  # sparse: 3 GiB long, almost nothing on disk
    assert load_in_subprocess(tmp_path) == (
        f"IdxFormatError: {paths['train_images']} is 3221225472 bytes long; its "
        f"header (12 images) says 9424: it has extra bytes"
    )


def test_a_header_promising_billions_of_images_is_not_believed(tmp_path, arrays):
    # The header says 2**32 − 1 images (3.4 TB); the file holds 12. Nothing is
    # allocated for what the header promises, only for what arrives.
    paths = write_mnist(tmp_path, arrays, gz=True)
    data = idx_images(arrays["train_images"])
    lying = data[:4] + struct.pack(">I", 2**32 - 1) + data[8:]
    paths["train_images"].write_bytes(gzip.compress(lying))
    with pytest.raises(mnist.IdxFormatError) as info:
        load_mnist(tmp_path, download=False, validation=2)
    assert str(info.value) == (
        f"{paths['train_images']} is 9424 bytes long uncompressed; its header "
        f"(4294967295 images) says 3367254359296: it is truncated"
    )


def test_a_complete_gzip_with_a_wrong_crc_is_refused(tmp_path, arrays):
    paths = write_mnist(tmp_path, arrays, gz=True)
    data = idx_images(arrays["test_images"])
    paths["test_images"].write_bytes(gzip_of_zeros_after(data, 0))  # CRC 0
    with pytest.raises(mnist.IdxFormatError, match=r"t10k-images.*not a complete gzip"):
        load_mnist(tmp_path, download=False, validation=2)


# -- 7. downloads are bounded -------------------------------------------------------


@pytest.fixture
def served(arrays, monkeypatch):
    """The four .gz files, their MD5s and sizes made the known ones, and a way to
    serve them."""
    files = gz_files(arrays)
    monkeypatch.setattr(mnist, "MD5", md5s(files))
    sizes = {name: len(data) for name, data in files.items()}
    monkeypatch.setattr(mnist, "SIZES", sizes, raising=False)
    mirrors = []

    def serve(faults=None):
        mirror = Mirror(files, faults)
        mirrors.append(mirror)
        return mirror

    yield files, serve
    for mirror in mirrors:
        mirror.close()


def failed_download(tmp_path, served, monkeypatch, fault) -> str:
    """The error of load_mnist when one mirror serves train-images with ``fault``."""
    files, serve = served
    mirror = serve({"train-images-idx3-ubyte.gz": fault})
    monkeypatch.setattr(mnist, "MIRRORS", [mirror.url])
    with pytest.raises(MnistUnavailableError) as info:
        load_mnist(tmp_path)
    assert os.listdir(tmp_path) == []  # no partial file left
    message = str(info.value)
    assert "\n" not in message
    prefix = f"{mirror.url}train-images-idx3-ubyte.gz: "
    return message[message.index(prefix) + len(prefix) :].split(")", 1)[0]


def test_an_endless_body_stops_at_the_known_size(tmp_path, served, monkeypatch):
    size = mnist.SIZES["train-images-idx3-ubyte.gz"]
    assert failed_download(tmp_path, served, monkeypatch, "endless") == (
        f"the server sent more than the file's {size} bytes"
    )


def test_a_huge_content_length_is_refused_at_once(tmp_path, served, monkeypatch):
    size = mnist.SIZES["train-images-idx3-ubyte.gz"]
    assert failed_download(tmp_path, served, monkeypatch, "huge") == (
        f"the server announces 1000000000000 bytes; the file has {size}"
    )


def test_a_slow_download_gives_up_at_the_deadline(tmp_path, served, monkeypatch):
    monkeypatch.setattr(mnist, "DEADLINE", 0.5)
    size = mnist.SIZES["train-images-idx3-ubyte.gz"]
    reason = failed_download(tmp_path, served, monkeypatch, "drip")
    received = int(reason.split(" with ")[1].split(" of ")[0])
    assert 0 < received < size
    assert reason == f"gave up after 0.5 seconds with {received} of {size} bytes"


def test_a_redirect_loop_is_one_short_line(tmp_path, served, monkeypatch):
    assert (
        failed_download(tmp_path, served, monkeypatch, "redirect")
        == "redirect loop: too many redirects"
    )


def test_the_mirror_list_comes_from_the_environment(
    tmp_path, arrays, served, monkeypatch
):
    files, serve = served
    mirror = serve()
    closed = closed_port_url()
    # Without a trailing slash, after a mirror whose port is closed.
    monkeypatch.setenv("BP4_MNIST_MIRRORS", f"{closed}  {mirror.url[:-1]}")
    assert mnist.mirrors() == [closed, mirror.url]
    d = load_mnist(tmp_path, validation=2)
    np.testing.assert_array_equal(d.y_test, arrays["test_labels"])
    assert sorted(mirror.requests) == sorted(files)


def test_a_local_folder_as_a_mirror(tmp_path, arrays, served, monkeypatch):
    files, _ = served
    folder = tmp_path / "copy"
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    monkeypatch.setenv("BP4_MNIST_MIRRORS", folder.as_uri() + "/")
    d = load_mnist(tmp_path / "data", validation=2)
    np.testing.assert_array_equal(d.y_test, arrays["test_labels"])


def test_a_mirror_list_that_is_not_urls(tmp_path, monkeypatch):
    monkeypatch.setenv("BP4_MNIST_MIRRORS", "mirror.example.org/mnist")
    with pytest.raises(ValueError) as info:
        load_mnist(tmp_path)
    assert str(info.value) == (
        "BP4_MNIST_MIRRORS must list mirror URLs (http://, https:// or file://) "
        "separated by spaces, got 'mirror.example.org/mnist'"
    )


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_rewritten_in_place_only_on_a_terminal(
    tmp_path, served, monkeypatch, capsys
):
    files, serve = served
    mirror = serve()
    monkeypatch.setattr(mnist, "MIRRORS", [mirror.url])
    captured, terminal = sys.stderr, Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    load_mnist(tmp_path / "tty", validation=2)
    shown = terminal.getvalue()
    url = f"{mirror.url}t10k-labels-idx1-ubyte.gz"
    assert f"\rDownloading {url}: 100% of 0.0 MB" in shown
    assert f"\rDownloading {url}: 0.0 MB, MD5 verified\n" in shown
    assert shown.count("\n") == 4  # one finished line per file
    monkeypatch.setattr(sys, "stderr", captured)
    load_mnist(tmp_path / "log", validation=2)
    logged = capsys.readouterr().err
    assert "\r" not in logged and "%" not in logged
    assert f"Downloading {url}\nDownloading {url}: 0.0 MB, MD5 verified\n" in logged
