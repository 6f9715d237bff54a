"""MNIST: 70,000 handwritten digits of 28×28 pixels, read from the four IDX files.

:func:`load_mnist` looks for the files in a folder (``path``, else the cache
folder ``$BP4_DATA`` or the platform's user cache + ``bp4/mnist``), under their
standard names, uncompressed or ``.gz``, or with a dot before ``idx`` as some
mirrors name them. Files that are missing are downloaded with the standard
library from :data:`MIRRORS`, tried in turn, each checked against its known
size and MD5 before it is renamed into place. The environment variable
``BP4_MNIST_MIRRORS`` replaces that list: mirror URLs separated by spaces,
each the folder the four ``.gz`` files are in (``https://…/mnist/``, or
``file:///…/mnist/`` for a local copy). A download stops as soon as it
exceeds the file's known size, and gives up after :data:`DEADLINE` seconds;
its progress is shown on stderr, rewritten in place only on a terminal.

The IDX format is read strictly: magic number, dimensions and exact length,
so a truncated or damaged file is an error that names it, never a silently
short data set. Only the header is read before the length is checked: an
uncompressed file's size is compared with what its header says, and a
``.gz`` file is decompressed only up to that length plus one byte, so a file
with gigabytes too many (a "gzip bomb") is refused without reading them.

The IDX format (http://yann.lecun.com/exdb/mnist/): a big-endian header, the
magic number 0x00000803 (2051: unsigned bytes, 3 dimensions) for images or
0x00000801 (2049: unsigned bytes, 1 dimension) for labels, then one 32-bit
size per dimension, then the bytes, row by row.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import http.client
import io
import math
import os
import socket
import stat
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from collections.abc import Iterator
from http.client import HTTPException
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from ..array import Array
from ..files.saving import locked_temp_file, remove_stale_temp_files
from ..text import printable
from ..validation import check_float_dtype

# The four files, by role; downloads fetch NAME + ".gz".
FILES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}

# MD5 of each .gz file as the mirrors serve it.
MD5 = {
    "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
    "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
    "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
    "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
}

# Size in bytes of each .gz file as the mirrors serve it: no download may exceed it.
SIZES = {
    "train-images-idx3-ubyte.gz": 9912422,
    "train-labels-idx1-ubyte.gz": 28881,
    "t10k-images-idx3-ubyte.gz": 1648877,
    "t10k-labels-idx1-ubyte.gz": 4542,
}

# Tried in this order; each URL is a mirror + a file name. $BP4_MNIST_MIRRORS
# replaces the list.
MIRRORS = [
    "https://ossci-datasets.s3.amazonaws.com/mnist/",  # torchvision's
    "https://storage.googleapis.com/cvdf-datasets/mnist/",  # TensorFlow's
]
MIRRORS_VARIABLE = "BP4_MNIST_MIRRORS"

TIMEOUT = 15.0  # seconds to wait on a connection or a read before giving up
DEADLINE = 600.0  # seconds one file's download may take in all
CHUNK = 1 << 16

IMAGES_MAGIC = 2051  # 0x00000803
LABELS_MAGIC = 2049  # 0x00000801
ROWS = COLS = 28


class MnistUnavailableError(OSError):
    """The MNIST files are not on disk and could not be downloaded."""


class IdxFormatError(ValueError):
    """An IDX file is truncated, damaged or not the file it should be."""


class MnistData(NamedTuple):
    """MNIST in bp4's layout: ``X_*`` of shape (784, m), Fortran order, pixels in
    [0, 1]; ``y_*`` int64 labels 0 … 9 of shape (m,)."""

    X_train: Array
    y_train: Array
    X_validation: Array
    y_validation: Array
    X_test: Array
    y_test: Array


def default_data_dir() -> Path:
    """Where MNIST is kept: ``$BP4_DATA``, else the user cache folder + ``bp4/mnist``.

    The user cache folder is ``$XDG_CACHE_HOME`` or ``~/.cache`` on Linux,
    ``~/Library/Caches`` on macOS and ``%LOCALAPPDATA%`` on Windows.
    """
    if os.environ.get("BP4_DATA"):
        return Path(os.environ["BP4_DATA"])
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "bp4" / "mnist"
    if sys.platform not in ("win32", "darwin") and os.environ.get("XDG_CACHE_HOME"):
        return Path(os.environ["XDG_CACHE_HOME"]) / "bp4" / "mnist"
    try:
        home = Path.home()
    except (RuntimeError, KeyError):  # no $HOME and no passwd entry for this uid
        raise MnistUnavailableError(_no_home()) from None
    if sys.platform == "win32":
        base = home / "AppData" / "Local"
    elif sys.platform == "darwin":
        base = home / "Library" / "Caches"
    else:
        base = home / ".cache"
    return base / "bp4" / "mnist"


def _no_home() -> str:
    """One line: where bp4 looked for a data folder, and how to choose one."""
    uid = os.getuid() if hasattr(os, "getuid") else None
    who = (
        f"user id {uid} has no entry in the password database"
        if uid is not None
        else "the system names no home"
    )
    cache = "LOCALAPPDATA" if sys.platform == "win32" else "XDG_CACHE_HOME"
    return (
        f"no folder for the MNIST files: $BP4_DATA and ${cache} are not set, and "
        f"there is no home directory ($HOME is not set and {who}); choose a folder "
        f"with --data-dir DIR (path= in Python) or by setting $BP4_DATA"
    )


def load_mnist(
    path: str | os.PathLike | None = None,
    download: bool = True,
    validation: int = 10_000,
    dtype: np.dtype | type = np.float64,
) -> MnistData:
    """MNIST split as in the text: 50,000 training, 10,000 validation, 10,000 test.

    The first 60,000 − ``validation`` training images are the training set,
    the last ``validation`` the validation set (``validation=0`` keeps all
    60,000 for training and leaves the validation set empty); the 10,000
    ``t10k`` images are the test set. Columns are samples: ``X_train`` is
    (784, 50000), in Fortran order so each image's pixels are contiguous,
    with pixels scaled from 0 … 255 to [0, 1]; labels are int64.

    Files are read from ``path`` if given, else from :func:`default_data_dir`;
    missing ones are downloaded there if ``download`` is true. Raises
    :class:`MnistUnavailableError` (an ``OSError``) when files are missing and
    cannot be fetched, and :class:`IdxFormatError` (a ``ValueError``) naming
    the file when one is damaged.
    """
    dtype = check_float_dtype(dtype)
    if isinstance(validation, bool) or not isinstance(validation, (int, np.integer)):
        raise TypeError(
            f"validation must be a number of training images to hold out, "
            f"got {validation!r}"
        )
    if validation < 0:
        raise ValueError(f"validation must be >= 0, got {validation}")
    if path is not None and not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a folder name or None, got {path!r}")
    directory = Path(path) if path is not None else default_data_dir()
    files = find_files(directory)
    missing = [name for name, found in files.items() if found is None]
    if missing:
        if not download:
            raise MnistUnavailableError(_by_hand(directory, missing, "download=False"))
        fetch(directory, missing)
        files = find_files(directory)
    paths = {name: found for name, found in files.items() if found is not None}
    if len(paths) < len(files):  # fetched, yet not where the reader looks
        gaps = [name for name in files if name not in paths]
        raise MnistUnavailableError(_by_hand(directory, gaps, "the download left gaps"))

    train_images = read_idx(paths[FILES["train_images"]], IMAGES_MAGIC)
    train_labels = read_idx(paths[FILES["train_labels"]], LABELS_MAGIC)
    test_images = read_idx(paths[FILES["test_images"]], IMAGES_MAGIC)
    test_labels = read_idx(paths[FILES["test_labels"]], LABELS_MAGIC)
    _check_pair(train_images, train_labels, paths, "train")
    _check_pair(test_images, test_labels, paths, "test")
    n = len(train_labels)
    if validation >= n:
        raise ValueError(
            f"validation must leave at least one training image: got {validation} "
            f"but {files[FILES['train_images']]} holds {n}"
        )

    X_train_all = _scaled_columns(train_images, dtype)
    X_test = _scaled_columns(test_images, dtype)
    y_train_all = train_labels.astype(np.int64)
    k = n - validation
    return MnistData(
        X_train_all[:, :k],
        y_train_all[:k],
        X_train_all[:, k:],
        y_train_all[k:],
        X_test,
        test_labels.astype(np.int64),
    )


# -- finding and reading the files ---------------------------------------------------


def candidates(name: str) -> list[str]:
    """The file names ``name`` may have on disk, in the order they are tried."""
    dotted = name.replace("-idx", ".idx")  # train-images.idx3-ubyte
    return [name, name + ".gz", dotted, dotted + ".gz"]


def find_files(directory: Path) -> dict[str, Path | None]:
    """Each of the four standard names → the file found for it in ``directory``."""
    found: dict[str, Path | None] = {}
    for name in FILES.values():
        found[name] = next(
            (directory / c for c in candidates(name) if (directory / c).is_file()),
            None,
        )
    return found


def read_idx(path: Path, magic: int) -> Array:
    """The uint8 contents of an IDX file: (n, 28, 28) read as (n, 784), or (n,).

    Checks the magic number, the dimensions, the exact length and, for labels,
    that every label is a digit 0 … 9. Reads no more than the header says the
    file holds, plus one byte.
    """
    kind = "images" if magic == IMAGES_MAGIC else "labels"
    ndim = 3 if magic == IMAGES_MAGIC else 1
    header = 4 + 4 * ndim
    with _open_idx(path) as f:
        head = f.read(header)
        if len(head) < header:
            raise IdxFormatError(
                f"{path} is {len(head)} bytes long, shorter than the {header}-byte "
                f"header of an IDX file of {kind}: it is truncated"
            )
        found = int.from_bytes(head[:4], "big")
        if found != magic:
            other = {IMAGES_MAGIC: "images", LABELS_MAGIC: "labels"}.get(found)
            hint = f" (that of a file of {other})" if other else ""
            raise IdxFormatError(
                f"{path} starts with magic number {found} (0x{found:08x}){hint}; "
                f"expected {magic} (0x{magic:08x}), an IDX file of {kind}"
            )
        dims = [int.from_bytes(head[i : i + 4], "big") for i in range(4, header, 4)]
        if ndim == 3 and dims[1:] != [ROWS, COLS]:
            raise IdxFormatError(
                f"{path} holds images of {dims[1]}×{dims[2]} pixels; MNIST images "
                f"are {ROWS}×{COLS}"
            )
        count = math.prod(dims)
        says = f"its header ({dims[0]} {kind}) says {header + count}"
        values = _read_exactly(f, count, path, header, says)
    if ndim == 1:
        if values.size and values.max() > 9:
            index = int(np.argmax(values > 9))
            raise IdxFormatError(
                f"{path} has label {values[index]} at index {index}; MNIST labels "
                f"are the digits 0 … 9"
            )
        return values
    return values.reshape(dims[0], ROWS * COLS)


@contextlib.contextmanager
def _open_idx(path: Path) -> Iterator[io.BufferedIOBase]:
    """``path`` opened for reading, decompressed on the fly if it is a ``.gz``."""
    with open(path, "rb") as raw:
        if path.suffix != ".gz":
            yield raw
            return
        try:
            with gzip.GzipFile(fileobj=raw, mode="rb") as f:
                yield f
        except (gzip.BadGzipFile, EOFError, zlib.error) as error:
            raise IdxFormatError(
                f"{path} is not a complete gzip file ({error}); delete it so that it "
                f"is downloaded again, or replace it"
            ) from None


def _read_exactly(
    f: io.BufferedIOBase, count: int, path: Path, header: int, says: str
) -> Array:
    """The next ``count`` bytes of ``f``, once sure the file has no more and no fewer."""
    if path.suffix != ".gz":
        # An uncompressed file's size is known before reading: nothing is
        # read, or allocated, for a file of the wrong length.
        size = os.fstat(f.fileno()).st_size
        if size != header + count:
            what = "it is truncated" if size < header + count else "it has extra bytes"
            raise IdxFormatError(f"{path} is {size} bytes long; {says}: {what}")
        values = np.empty(count, dtype=np.uint8)
        view, got = values.data, 0
        while got < count and (n := f.readinto(view[got:])):
            got += n
        if got != count:
            raise IdxFormatError(f"{path} became shorter while it was read")
        return values
    # A .gz file's length is known only by decompressing it: grow the data as
    # it comes, up to one byte more than the header says.
    chunks, received = [], 0
    while received <= count:
        chunk = f.read(min(1 << 20, count + 1 - received))
        if not chunk:
            break
        chunks.append(chunk)
        received += len(chunk)
    if received > count:
        raise IdxFormatError(
            f"{path} is more than {header + count} bytes long uncompressed; {says}: it "
            f"has extra bytes"
        )
    if received < count:
        raise IdxFormatError(
            f"{path} is {header + received} bytes long uncompressed; {says}: it is "
            f"truncated"
        )
    return np.frombuffer(b"".join(chunks), dtype=np.uint8)


def _check_pair(images: Array, labels: Array, files: dict, which: str) -> None:
    if len(images) != len(labels):
        image_file = files[FILES[f"{which}_images"]]
        label_file = files[FILES[f"{which}_labels"]]
        raise IdxFormatError(
            f"{image_file} holds {len(images)} images but {label_file} holds "
            f"{len(labels)} labels; they must match"
        )
    if len(images) == 0:
        raise IdxFormatError(f"{files[FILES[f'{which}_images']]} holds no images")


def _scaled_columns(images: Array, dtype: np.dtype) -> Array:
    # images is (n, 784) in C order, so images.T is (784, n) in Fortran order:
    # one image per column with its pixels contiguous. Dividing into a new
    # array of dtype keeps that order and is the only full-size copy.
    return np.divide(images.T, 255.0, dtype=dtype)


def _by_hand(directory: Path, missing: list[str], why: str) -> str:
    """One line: what is missing, why, and where to put the files by hand."""
    listing = ", ".join(f"{name}.gz" for name in FILES.values())
    return (
        f"MNIST is not in {directory} (missing {', '.join(missing)}) and could not "
        f"be downloaded ({why}); put the four files {listing} (from any MNIST "
        f"mirror; uncompressed files work too) in {directory}, or pass the folder "
        f"that holds them as path= (--data-dir on the command line)"
    )


# -- downloading ---------------------------------------------------------------------


def fetch(directory: Path, names: list[str]) -> None:
    """Download each ``name + ".gz"`` into ``directory``, trying every mirror.

    Stops at the first file that no mirror delivers intact (offline, every
    other file would fail the same way, one timeout at a time) and raises
    :class:`MnistUnavailableError` with what went wrong at each mirror. Files
    already fetched stay in ``directory``.
    """
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise MnistUnavailableError(
            _by_hand(directory, names, f"cannot create the folder: {error}")
        ) from None
    urls = mirrors()
    for name in names:
        errors = []
        for mirror in urls:
            url = mirror + name + ".gz"
            try:
                _download(url, directory / (name + ".gz"), name + ".gz")
                break
            except (OSError, HTTPException, ValueError) as error:
                errors.append(f"{url}: {_reason(error)}")
        else:
            still_missing = names[names.index(name) :]
            raise MnistUnavailableError(
                _by_hand(directory, still_missing, "; ".join(errors) or "no mirrors")
            )


def mirrors() -> list[str]:
    """The mirrors to download from: those in ``$BP4_MNIST_MIRRORS``, else :data:`MIRRORS`."""
    listed = os.environ.get(MIRRORS_VARIABLE, "").split()
    for url in listed:
        if urllib.parse.urlsplit(url).scheme not in ("http", "https", "file"):
            raise ValueError(
                f"{MIRRORS_VARIABLE} must list mirror URLs (http://, https:// or "
                f"file://) separated by spaces, got {url!r}"
            )
    # Each file's name is appended to its mirror's URL.
    return [url if url.endswith("/") else url + "/" for url in listed] or MIRRORS


def _download(url: str, target: Path, name: str) -> None:
    """Fetch ``url`` into ``target`` through a temporary file, verifying size and MD5.

    Reads no more than the file's known size (plus one chunk, to notice an
    endless body), and gives up :data:`DEADLINE` seconds after it began,
    whether the connection, the headers or the body is slow. The temporary
    file ``.NAME.*.part`` is locked while it is written: one that a killed
    download left (SIGTERM, SIGKILL) is removed by the next download of the
    file, never one another download is writing.
    """
    size, md5 = SIZES[name], MD5[name]
    deadline = _Deadline(DEADLINE)
    prefix = f".{target.name}."
    remove_stale_temp_files(str(target.parent), prefix, ".part")
    f, tmp = locked_temp_file(str(target.parent), prefix, f"download {name}", ".part")
    progress = None
    received = 0
    try:
        with f, deadline, _open_url(url, deadline) as response:
            length = response.headers.get("Content-Length", "") or ""
            if length.isdigit() and int(length) != size:
                raise ValueError(
                    f"the server announces {int(length)} bytes; the file has {size}"
                )
            progress = _Progress(url, size)
            digest = hashlib.md5(usedforsecurity=False)
            # read1: whatever has arrived, so that a slow server cannot hold
            # one call past the deadline.
            while chunk := deadline.read(response):
                received += len(chunk)
                if received > size:
                    raise ValueError(
                        f"the server sent more than the file's {size} bytes"
                    )
                f.write(chunk)
                digest.update(chunk)
                progress.update(received)
                deadline.check(f" with {received} of {size} bytes")
            if received != size:
                raise ValueError(
                    f"the download was cut short: {received} of {size} bytes"
                )
            if digest.hexdigest() != md5:
                raise ValueError(
                    f"checksum mismatch: MD5 {digest.hexdigest()}, expected {md5}"
                )
            f.flush()
            os.fsync(f.fileno())
            os.replace(tmp, target)  # while still locked: never seen unlocked
    except BaseException as error:
        if progress is not None:
            progress.finish(f"failed: {_reason(error)}")
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if deadline.expired and not isinstance(error, (KeyboardInterrupt, SystemExit)):
            raise TimeoutError(deadline.message(received, size)) from None
        raise
    if progress is not None:
        progress.finish(f"{received / 1e6:.1f} MB, MD5 verified")


class _Deadline:
    """One deadline for a whole download: connection, headers and body.

    A timer shuts down every socket the download opened when the time is
    up, so that no read, however slowly the bytes drip, outlasts it; each
    connection's own timeout is the time left, at most :data:`TIMEOUT`.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds, self.end = seconds, time.monotonic() + seconds
        self.sockets: list[socket.socket] = []
        self.expired = False
        self.lock = threading.Lock()
        self.timer = threading.Timer(seconds, self.expire)
        self.timer.daemon = True

    def __enter__(self) -> _Deadline:
        self.timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.timer.cancel()

    def timeout(self) -> float:
        """The timeout of one connection: the time left, at most :data:`TIMEOUT`."""
        left = self.end - time.monotonic()
        if left <= 0:
            self.expired = True
            raise TimeoutError(self.message())
        return min(TIMEOUT, left)

    def watch(self, sock: socket.socket) -> None:
        with self.lock:
            self.sockets.append(sock)
            if self.expired:
                _shut(sock)

    def expire(self) -> None:
        with self.lock:
            self.expired = True
            for sock in self.sockets:
                _shut(sock)

    def read(self, response: Any) -> bytes:
        """The next chunk of ``response``; TimeoutError once the time is up."""
        try:
            return response.read1(CHUNK)
        except (OSError, ValueError, HTTPException):
            if self.expired:
                raise TimeoutError(self.message()) from None
            raise

    def check(self, progress: str = "") -> None:
        if self.expired or time.monotonic() > self.end:
            self.expired = True
            raise TimeoutError(self.message() + progress)

    def message(self, received: int | None = None, size: int | None = None) -> str:
        got = "" if received is None else f" with {received} of {size} bytes"
        return f"gave up after {self.seconds:g} seconds{got}"


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def _open_url(url: str, deadline: _Deadline) -> Any:
    """``url`` opened for reading under ``deadline``; a ``file://`` URL only if
    it names a regular file (a FIFO would block ``open()`` for ever)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "file":
        return _open_local(urllib.request.url2pathname(parts.path))

    class Connection(http.client.HTTPConnection):
        def connect(self) -> None:
            super().connect()
            deadline.watch(self.sock)

    class SecureConnection(http.client.HTTPSConnection):
        def connect(self) -> None:
            super().connect()
            deadline.watch(self.sock)

    class Handler(urllib.request.HTTPHandler):
        def http_open(self, req: Any) -> Any:
            return self.do_open(Connection, req)

    class SecureHandler(urllib.request.HTTPSHandler):
        def https_open(self, req: Any) -> Any:
            context = getattr(self, "_context", None)
            return self.do_open(SecureConnection, req, context=context)

    opener = urllib.request.build_opener(Handler, SecureHandler)
    return opener.open(url, timeout=deadline.timeout())


class _LocalResponse:
    """A local mirror's file, read as a download is: ``headers`` and ``read1``."""

    def __init__(self, f: io.BufferedReader, size: int) -> None:
        self.file, self.headers = f, {"Content-Length": str(size)}

    def read1(self, n: int) -> bytes:
        return self.file.read1(n)

    def __enter__(self) -> _LocalResponse:
        return self

    def __exit__(self, *exc: object) -> None:
        self.file.close()


def _open_local(path: str) -> _LocalResponse:
    # O_NONBLOCK: opening a FIFO for reading would wait for a writer.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ValueError(
                f"{printable(path)} is not a regular file (a FIFO, socket, device or "
                f"directory); a local mirror must hold the files themselves"
            )
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return _LocalResponse(os.fdopen(fd, "rb"), info.st_size)
    except BaseException:
        os.close(fd)
        raise


def _reason(error: BaseException) -> str:
    """Why a download failed, on one short printable line (what a server
    sends, its reason phrase or status line, is quoted escaped and bounded)."""
    if isinstance(error, urllib.error.HTTPError) and 300 <= error.code < 400:
        # urllib's own message on a redirect loop runs over several lines.
        return "redirect loop: too many redirects"
    reason = getattr(error, "reason", None)  # URLError wraps the socket's error
    text = str(reason if reason is not None else error) or type(error).__name__
    return printable(" ".join(text.split()))


class _Progress:
    """``Downloading URL:  42% of 9.9 MB`` on stderr.

    On a terminal the line is rewritten in place (``\\r``); elsewhere (a log
    file, a pipe) it is written once when the download starts and once when
    it ends, with no percentages in between.
    """

    def __init__(self, url: str, total: int) -> None:
        self.url, self.total, self.shown, self.width = printable(url), total, -1, 0
        self.live = bool(getattr(sys.stderr, "isatty", lambda: False)())
        self._show(f"Downloading {url}", end="" if self.live else "\n")

    def update(self, received: int) -> None:
        percent = 100 * received // self.total
        if self.live and percent != self.shown:
            self.shown = percent
            self._show(
                f"Downloading {self.url}: {percent:3d}% of {self.total / 1e6:.1f} MB"
            )

    def finish(self, outcome: str) -> None:
        self._show(f"Downloading {self.url}: {outcome}", end="\n")

    def _show(self, line: str, end: str = "") -> None:
        if not self.live:
            print(line, end=end, file=sys.stderr, flush=True)
            return
        # Pad to the previous line's width so no tail of it stays visible.
        print(f"\r{line.ljust(self.width)}", end=end, file=sys.stderr, flush=True)
        self.width = len(line)
