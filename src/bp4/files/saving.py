"""Saving a network's state to a ``.npz`` file, and loading it: plain data in and out.

The file is plain data, never code: NumPy's ``.npz`` (a zip of ``.npy``
arrays, stored uncompressed as :func:`numpy.savez` writes them) holding every
weight matrix w^l and bias column b^l under the text's names (``w2``, ``b2``,
…, ``wL``, ``bL``), the layer widths ``sizes``, the names of the hidden and
output activations, the cost and the initialisation, the dtype, the state of
the network's random generator (JSON) and a format version. This module
knows nothing of :class:`~bp4.network.Network`: it reads and writes a
:class:`NetworkState`, and ``Network.save`` / ``Network.load`` convert.
Names are stored as given; which names are valid is the ``Network``'s to say.

Loading never runs code, and never allocates arrays larger than the file. It
checks the member names first; then it reads each array's ``.npy`` header
before its data: the small metadata arrays (names of bounded length,
``sizes``) first, then the header of every w^l and b^l, whose dtype and
shape are checked against ``sizes`` before any weight is read. It reads an
array only when the zip entry holding it is stored uncompressed inside the
file and holds exactly the bytes its header declares, so the arrays it
allocates together are never larger than the file on disk (a compressed
"zip bomb" is refused unread). Every file that is
damaged or was not written by bp4 gets one ``ValueError`` naming the file.
It opens only regular files: a FIFO or a device is refused, never read.
The reading itself, which trusts nothing in the file, is :mod:`bp4.files.npz_reader`'s.

Writing goes to a temporary file ``.bp4-<hash of the target's name>-<random>.tmp``
in the target's directory, flushed to disk, then renamed over the target
with ``os.replace`` (atomic): a save that is interrupted leaves the previous
file as it was, and the next save of the same target removes temporary
files such an interruption left behind (a file another save still holds
locked is never removed, so concurrent saves of one target all succeed and
the last one wins). A target that exists must be a regular file (a
directory, FIFO or device is refused) that the user may write; it keeps its
mode, and a new file gets the mode the umask allows, as with ``open()``. A
symbolic link is followed: the file it points to is replaced, and the link
stays a link.

Paths are ``str`` or ``os.PathLike`` (``pathlib.Path``); ``bytes`` paths are
refused, by saving and loading alike.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import stat
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from typing import IO, Any

import numpy as np

from ..text import printable
from ..validation import check_float_dtype
from .npz_reader import (
    _DAMAGE,
    MAX_TEXT,
    _kind,
    _NpzReader,
    _open_regular_file,
    _RefusedError,
    _short,
)

FORMAT = "bp4.Network"
FORMAT_VERSION = 2  # 2 added output_activation; version 1 files are read too

PathLike = str | os.PathLike

# The arrays every file holds besides w^l and b^l, by format version.
METADATA = {
    1: ("format", "format_version", "sizes", "activation", "cost", "init")
    + ("dtype", "rng_state"),
    2: ("format", "format_version", "sizes", "activation", "output_activation")
    + ("cost", "init", "dtype", "rng_state"),
}
PARAMETER = re.compile(r"[wb]([1-9][0-9]*)")


@dataclass(frozen=True, eq=False)  # eq=False: arrays have no single truth value
class NetworkState:
    """Everything a saved file holds, as plain data.

    ``weights[i]`` is the text's w^{i+2}, shape (sizes[i+1], sizes[i]);
    ``biases[i]`` is b^{i+2}, shape (sizes[i+1], 1). ``activation`` names
    the hidden layers' σ, ``output_activation`` the output layer's;
    ``rng_state`` is a ``np.random.Generator``'s ``bit_generator.state``.
    """

    sizes: list[int]
    activation: str
    output_activation: str
    cost: str
    init: str
    dtype: np.dtype
    weights: list[np.ndarray]
    biases: list[np.ndarray]
    rng_state: dict


# -- the generator's state ------------------------------------------------------------


def generator_from_state(state: dict) -> np.random.Generator:
    """A PCG64 generator set to ``state``; ``ValueError`` if it is not a valid state."""
    problem = _rng_state_problem(state)
    if problem:
        raise ValueError(f"'rng_state' is not a PCG64 generator state: {problem}")
    generator = np.random.Generator(np.random.PCG64())
    generator.bit_generator.state = state
    return generator


def _rng_state_problem(state: Any) -> str | None:
    """What is wrong with ``state`` as numpy's PCG64 ``bit_generator.state``, if anything."""
    keys = {"bit_generator", "state", "has_uint32", "uinteger"}
    if not isinstance(state, dict) or set(state) != keys:
        return f"expected a dict with the keys {sorted(keys)}"
    if state["bit_generator"] != "PCG64":
        return f"bit_generator is {_short(state['bit_generator'])}; expected 'PCG64'"
    inner = state["state"]
    if not isinstance(inner, dict) or set(inner) != {"state", "inc"}:
        return "'state' must be a dict with the keys ['inc', 'state']"
    for key in ("state", "inc"):
        if not _is_int(inner[key], 2**128):
            return f"state[{key!r}] must be an integer in [0, 2**128)"
    if inner["inc"] % 2 == 0:  # PCG64 makes its increment odd
        return "state['inc'] must be odd"
    if not _is_int(state["has_uint32"], 2):
        return "has_uint32 must be 0 or 1"
    if not _is_int(state["uinteger"], 2**32):
        return "uinteger must be an integer in [0, 2**32)"
    return None


def _is_int(value: Any, bound: int) -> bool:
    return type(value) is int and 0 <= value < bound


# -- saving ---------------------------------------------------------------------------


def save_state(state: NetworkState, path: PathLike) -> None:
    """Write ``state`` to ``path`` (conventionally ``*.npz``) atomically.

    The file name is used as given (NumPy's ``savez`` would append ``.npz``).
    """
    arrays = _arrays_to_save(state)
    name = _path_name(path)
    target, mode = check_save_target(name)
    directory = os.path.dirname(target)
    prefix = _temp_prefix(target)
    remove_stale_temp_files(directory, prefix)
    f, tmp = locked_temp_file(directory, prefix, f"save the network to {name}")
    try:
        with f:
            # NumPy's stubs read **arrays as its allow_pickle flag; they are arrays.
            np.savez(f, **arrays)  # type: ignore[arg-type]
            f.flush()
            os.fsync(f.fileno())
            os.chmod(tmp, mode)
            if sys.platform != "win32":
                os.replace(tmp, target)
        if sys.platform == "win32":  # which cannot rename a file still open
            os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_directory(directory)


def check_save_target(path: PathLike) -> tuple[str, int]:
    """Whether a save to ``path`` can replace or create it; writes nothing.

    Returns the file that would be written (symbolic links followed) and the
    mode it would get. Raises ValueError for a name that cannot be a file
    (ending in a separator, naming a directory, FIFO or device), OSError for
    a directory that cannot be reached or a write-protected file.
    """
    name = _path_name(path)
    if name.endswith(("/", os.sep)):  # realpath would drop it and save "x.npz"
        raise ValueError(
            f"cannot save the network to {printable(name)}: a file name cannot end "
            f"in {os.sep!r} (that names a directory)"
        )
    target = os.path.realpath(name)  # through symbolic links to the file itself
    _check_directory(name, os.path.dirname(target))
    return target, _existing_mode(name, target)


def _check_directory(name: str, directory: str) -> None:
    """The target's directory exists and is one; else an error that says why."""
    try:
        info = os.stat(directory)
    except OSError as error:
        if error.errno == errno.ELOOP:
            why = "is a loop of symbolic links (one that leads back to itself)"
        elif isinstance(error, FileNotFoundError):
            why = "does not exist"
        else:
            why = f"cannot be reached ({error.strerror})"
        raise type(error)(
            error.errno,
            f"cannot save the network to {printable(name)}: the directory "
            f"{printable(directory)} {why}",
        ) from None
    if not stat.S_ISDIR(info.st_mode):
        raise FileNotFoundError(
            errno.ENOTDIR,
            f"cannot save the network to {printable(name)}: "
            f"{printable(directory)} is not a directory",
        )


def locked_temp_file(
    directory: str, prefix: str, doing: str, suffix: str = ".tmp"
) -> tuple[IO[bytes], str]:
    """A new temporary file ``PREFIX*SUFFIX``, open and locked, that no other
    process's :func:`remove_stale_temp_files` removes; ``doing`` (``save the
    network to FILE``) is what errors say could not be done.

    Another save's clean-up may find the file between its creation and its
    lock, see it unlocked and remove it: then it is no longer at its name
    once locked, and a new one is made.
    """
    for _ in range(100):
        try:
            fd, tmp = tempfile.mkstemp(dir=directory, prefix=prefix, suffix=suffix)
        except PermissionError as error:  # name the target, not the hidden file
            raise PermissionError(
                error.errno,
                f"{error.strerror}: cannot create a file in {printable(directory)} "
                f"to {printable(doing)}",
            ) from None
        f = os.fdopen(fd, "wb")
        _lock(f)  # held until the rename: a later save leaves this file alone
        try:
            if os.path.samestat(os.fstat(fd), os.stat(tmp)):
                return f, tmp
        except FileNotFoundError:
            pass
        f.close()  # removed before it was locked: the remover saw a stale file
    raise FileExistsError(
        errno.EEXIST,
        f"cannot {printable(doing)}: other processes keep removing its temporary file",
    )


def _arrays_to_save(state: NetworkState) -> dict[str, np.ndarray]:
    """The arrays of a version-2 file; checks ``state`` so that it loads again."""
    sizes = state.sizes
    if (
        not isinstance(sizes, (list, tuple))
        or len(sizes) < 2
        or any(
            isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1
            for n in sizes
        )
    ):
        raise ValueError(
            f"sizes must list at least two positive integer widths, got {sizes!r}"
        )
    sizes = [int(n) for n in sizes]
    names = {
        key: getattr(state, key)
        for key in ("activation", "output_activation", "cost", "init")
    }
    for key, value in names.items():
        if not isinstance(value, str) or not value or len(value) > MAX_TEXT:
            raise ValueError(
                f"{key} must be a name (a non-empty string) to be saved, got "
                f"{_short(value)}; a saved network is data, never code"
            )
    # Native byte order on disk: a '>f8' network saves a file every machine loads.
    dtype = check_float_dtype(state.dtype).newbyteorder("=")
    problem = _rng_state_problem(state.rng_state)
    if problem:
        raise ValueError(f"rng_state is not a PCG64 generator state: {problem}")
    L = len(sizes)
    if len(state.weights) != L - 1 or len(state.biases) != L - 1:
        raise ValueError(
            f"sizes {sizes} need {L - 1} weight matrices and bias columns, got "
            f"{len(state.weights)} and {len(state.biases)}"
        )
    arrays: dict[str, np.ndarray] = {
        "format": np.array(FORMAT),
        "format_version": np.array(FORMAT_VERSION),
        "sizes": np.array(sizes, dtype=np.int64),
        **{key: np.array(value) for key, value in names.items()},
        "dtype": np.array(dtype.name),
        "rng_state": np.array(json.dumps(state.rng_state)),
    }
    # weights[i] is the text's w^{i+2}: save it under that name.
    for l, (w, b) in enumerate(zip(state.weights, state.biases), start=2):
        arrays[f"w{l}"] = _checked(w, f"w{l}", (sizes[l - 1], sizes[l - 2]), dtype)
        arrays[f"b{l}"] = _checked(b, f"b{l}", (sizes[l - 1], 1), dtype)
    return arrays


def _checked(
    value: Any,
    key: str,
    shape: tuple[int, ...],
    dtype: np.dtype,
    path: str = "",
    error: type[ValueError] = ValueError,
) -> np.ndarray:
    """``value`` in native byte order, once its shape, dtype and values are right."""
    where = f"{path}: " if path else ""
    if not isinstance(value, np.ndarray) or value.shape != shape:
        got = value.shape if isinstance(value, np.ndarray) else type(value).__name__
        raise error(f"{where}{key} has shape {got}; expected {shape}")
    if value.dtype.newbyteorder("=") != dtype:
        raise error(f"{where}{key} has dtype {value.dtype}; expected {dtype}")
    # min and max propagate NaN and reach ±inf without a temporary array.
    if value.size and not (np.isfinite(value.min()) and np.isfinite(value.max())):
        raise error(f"{where}{key} contains NaN or infinite values")
    return value.astype(dtype, copy=False)


def _existing_mode(name: str, target: str) -> int:
    """The permissions the saved file gets: the replaced file's, or the umask's.

    Refuses what is not a regular file, and a file the user may not write.
    """
    try:
        info = os.stat(target)
    except FileNotFoundError:
        return 0o666 & ~_umask()  # as open() and numpy.save create a file
    if not stat.S_ISREG(info.st_mode):
        link = f" (a symbolic link to {target})" if os.path.islink(name) else ""
        raise ValueError(
            f"cannot save the network to {printable(name)}{printable(link)}: it is "
            f"{_kind(info.st_mode)}, not a regular file"
        )
    if not os.access(target, os.W_OK):
        raise PermissionError(
            errno.EACCES,
            f"cannot save the network to {printable(name)}: the file is write-"
            f"protected (mode {stat.filemode(info.st_mode)}); make it writable "
            f"(chmod u+w) or save to another name",
        )
    return info.st_mode & 0o7777


def _umask() -> int:
    # Linux says it without changing it; elsewhere the only way to read the
    # umask is to set it and set it back (for an instant, other threads'
    # new files would get 022).
    try:
        with open("/proc/self/status", "rb") as status:
            for line in status:
                if line.startswith(b"Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _temp_prefix(target: str) -> str:
    # Short whatever the target's length (a name may have up to 255 bytes),
    # and the same for every save of one target, so stale ones can be found.
    digest = hashlib.sha256(os.path.basename(target).encode(errors="surrogateescape"))
    return f".bp4-{digest.hexdigest()[:16]}-"


def remove_stale_temp_files(directory: str, prefix: str, suffix: str = ".tmp") -> None:
    """Delete the ``PREFIX*SUFFIX`` files that processes killed mid-write left
    (their locks are gone); files another process holds locked stay."""
    try:
        names = os.listdir(directory)
    except OSError:
        return
    for entry in names:
        if not (entry.startswith(prefix) and entry.endswith(suffix)):
            continue
        stale = os.path.join(directory, entry)
        with contextlib.suppress(OSError):
            # Not following links, not blocking on a FIFO: only our own files.
            flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
            fd = os.open(stale, flags | getattr(os, "O_NOFOLLOW", 0))
            with os.fdopen(fd, "rb") as f:
                info = os.fstat(fd)
                # Still at its name once locked: a save that renamed it away
                # and unlocked it in between is not removed under a new file.
                if (
                    stat.S_ISREG(info.st_mode)
                    and _try_lock(f)
                    and os.path.samestat(info, os.stat(stale))
                ):
                    os.unlink(stale)  # no save holds it: one was killed mid-write


if sys.platform == "win32":  # an open file cannot be deleted there: no locks needed

    def _lock(f: IO[bytes]) -> None:
        pass

    def _try_lock(f: IO[bytes]) -> bool:
        return True

else:
    import fcntl

    def _lock(f: IO[bytes]) -> None:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX)

    def _try_lock(f: IO[bytes]) -> bool:
        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True


def _fsync_directory(directory: str) -> None:
    # Make the rename itself durable; not every platform can open a directory.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# -- loading --------------------------------------------------------------------------


def load_state(path: PathLike) -> NetworkState:
    """Read a state written by :func:`save_state`, checking everything in it."""
    name = _path_name(path)
    with _open_regular_file(name) as f:
        if not f.read(4).startswith(b"PK"):
            raise ValueError(
                f"{name} is not a network saved by bp4: it is not an .npz (zip) archive"
            )
        size = os.fstat(f.fileno()).st_size
        try:
            with zipfile.ZipFile(f) as archive, contextlib.ExitStack() as open_files:
                return _Reader(archive, name, size, open_files).state()
        except _RefusedError as refusal:  # a check of ours: its message says it all
            raise ValueError(str(refusal)) from None
        except _DAMAGE as error:  # what the zip and .npy readers raise
            raise ValueError(
                f"{name} is not a network saved by bp4: {_short(error)}".rstrip(".")
            ) from None


class _Reader(_NpzReader):
    """Reads a saved network: the arrays the format has, each checked against ``sizes``."""

    def is_member_name(self, key: str) -> bool:
        return key in METADATA[FORMAT_VERSION] or bool(PARAMETER.fullmatch(key))

    def state(self) -> NetworkState:
        found = self.text("format")
        if found != FORMAT:
            raise _RefusedError(
                f"{self.path} is not a network saved by bp4: 'format' is "
                f"{_short(found)}; expected {FORMAT!r}"
            )
        version = int(self.integers("format_version", ())[()])
        if version not in METADATA:
            newer = " (it was saved by a newer bp4)" if version > FORMAT_VERSION else ""
            raise _RefusedError(
                f"{self.path} has format version {version}; this bp4 reads versions "
                f"1 to {FORMAT_VERSION}{newer}"
            )
        sizes = self.sizes()
        self.check_member_names(METADATA[version], sizes)
        dtype = self.dtype()
        activation = self.text("activation")
        # Version 1 networks used one σ for every layer.
        output = self.text("output_activation") if version >= 2 else activation
        cost, init = self.text("cost"), self.text("init")
        rng_state = self.rng_state()
        shapes = {}
        for l in range(2, len(sizes) + 1):
            shapes[f"w{l}"] = (sizes[l - 1], sizes[l - 2])
            shapes[f"b{l}"] = (sizes[l - 1], 1)
        for key, shape in shapes.items():  # every header before any data
            self.check_header(key, shape, dtype)
        parameters = {
            key: _checked(self.read(key), key, shape, dtype, self.path, _RefusedError)
            for key, shape in shapes.items()
        }
        L = len(sizes)
        return NetworkState(
            sizes=sizes,
            activation=activation,
            output_activation=output,
            cost=cost,
            init=init,
            dtype=dtype,
            weights=[parameters[f"w{l}"] for l in range(2, L + 1)],
            biases=[parameters[f"b{l}"] for l in range(2, L + 1)],
            rng_state=rng_state,
        )

    def check_member_names(self, metadata: tuple[str, ...], sizes: list[int]) -> None:
        L = len(sizes)
        expected = set(metadata) | {f"{k}{l}" for l in range(2, L + 1) for k in "wb"}
        missing = sorted(expected - set(self.members))
        if missing:
            raise _RefusedError(
                f"{self.path} has no {missing[0]!r} array, which a network saved by "
                f"bp4 has (it has {sorted(self.members)})"
            )
        unexpected = sorted(set(self.members) - expected)
        if unexpected:
            raise _RefusedError(
                f"{self.path} has arrays {unexpected} that a network of sizes "
                f"{sizes} does not have"
            )

    def sizes(self) -> list[int]:
        sizes = [int(n) for n in self.integers("sizes", None)]
        if len(sizes) < 2 or min(sizes) < 1:
            raise _RefusedError(
                f"{self.path}: 'sizes' must list at least two layers of positive "
                f"integer widths; got {sizes}"
            )
        return sizes

    def dtype(self) -> np.dtype:
        name = self.text("dtype")
        try:
            return check_float_dtype(name).newbyteorder("=")
        except TypeError:
            raise _RefusedError(
                f"{self.path}: 'dtype' is {_short(name)}; expected a floating-point type"
            ) from None

    def rng_state(self) -> dict:
        text = self.text("rng_state")
        try:
            state = json.loads(text)
        except (ValueError, RecursionError) as error:
            raise _RefusedError(
                f"{self.path}: 'rng_state' is not a generator state: {_short(error)}"
            ) from None
        problem = _rng_state_problem(state)
        if problem:
            raise _RefusedError(
                f"{self.path}: 'rng_state' is not a generator state: {problem}"
            )
        return state


def _path_name(path: Any) -> str:
    """``path`` as a str; ``bytes`` and other types are refused."""
    name = os.fspath(path) if isinstance(path, (str, os.PathLike)) else None
    if not isinstance(name, str):
        raise TypeError(
            f"path must be a file name (str or os.PathLike, such as pathlib.Path), "
            f"got {_short(path)}"
        )
    return name
