"""Saving a trained :class:`~bp4.network.Network` to a ``.npz`` file, and loading it.

The file is plain data, never code: NumPy's ``.npz`` (a zip of ``.npy``
arrays) holding every weight matrix w^l and bias column b^l under the text's
names (``w2``, ``b2``, …, ``wL``, ``bL``), the layer widths ``sizes``, the
names of the activation, cost and initialisation, the dtype, the state of the
network's random generator and a format version. Loading uses
``allow_pickle=False``, so a file cannot run anything, and checks every
shape before it builds a network. Only the built-in activations and costs
are saved, by name; a custom function cannot be stored as data.

Writing goes to a temporary file in the same directory, flushed to disk,
then renamed over the target with ``os.replace`` (atomic): a save that is
interrupted leaves the previous file as it was.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import zipfile
from typing import TYPE_CHECKING, Any

import numpy as np

from .activations import ACTIVATIONS
from .cost import COSTS
from .validation import check_float_dtype

if TYPE_CHECKING:
    from .network import Network

FORMAT = "bp4.Network"
FORMAT_VERSION = 1

PathLike = str | os.PathLike


def network_arrays(net: Network) -> dict[str, np.ndarray]:
    """What a saved file holds, as the arrays :func:`save_network` writes."""
    activation = net.activation
    if ACTIVATIONS.get(activation.name) != activation:
        raise ValueError(
            f"cannot save a network with the custom activation {activation!r}: only "
            f"the built-in activations {sorted(ACTIVATIONS)} can be saved (a saved "
            f"network is data, never code)"
        )
    cost = net.cost_function
    name = getattr(cost, "name", None)
    if not (isinstance(name, str) and type(COSTS.get(name)) is type(cost)):
        raise ValueError(
            f"cannot save a network with the custom cost {cost!r}: only the "
            f"built-in costs {sorted(COSTS)} can be saved (a saved network is "
            f"data, never code)"
        )
    arrays: dict[str, np.ndarray] = {
        "format": np.array(FORMAT),
        "format_version": np.array(FORMAT_VERSION),
        "sizes": np.array(net.sizes, dtype=np.int64),
        "activation": np.array(activation.name),
        "cost": np.array(name),
        "init": np.array(net.init),
        "dtype": np.array(net.dtype.name),
        "rng_state": np.array(json.dumps(net.rng.bit_generator.state)),
    }
    # weights[i] is the text's w^{i+2}: save it under that name.
    for l, (w, b) in enumerate(zip(net.weights, net.biases), start=2):
        _check_parameter(w, f"w{l}", (net.sizes[l - 1], net.sizes[l - 2]), net.dtype)
        _check_parameter(b, f"b{l}", (net.sizes[l - 1], 1), net.dtype)
        arrays[f"w{l}"], arrays[f"b{l}"] = w, b
    return arrays


def save_network(net: Network, path: PathLike) -> None:
    """Write ``net`` to ``path`` (conventionally ``*.npz``) atomically.

    The file name is used as given (NumPy's ``savez`` would append ``.npz``).
    """
    arrays = network_arrays(net)
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise FileNotFoundError(
            f"cannot save the network to {path}: the directory {directory} does not "
            f"exist"
        )
    mode = _file_mode(path)
    fd, tmp = tempfile.mkstemp(
        dir=directory, prefix=f".{os.path.basename(path)}.", suffix=".tmp"
    )
    try:
        with os.fdopen(fd, "wb") as f:
            # NumPy's stubs read **arrays as its allow_pickle flag; they are arrays.
            np.savez(f, **arrays)  # type: ignore[arg-type]
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_directory(directory)


def load_network(path: PathLike, cls: type[Network] | None = None) -> Network:
    """Read a network written by :func:`save_network`, checking everything in it."""
    if cls is None:
        from .network import Network

        cls = Network
    path = os.fspath(path)
    # Opened here rather than by np.load, which leaves the file open when it
    # is not a valid zip archive.
    try:
        with open(path, "rb") as f:
            # np.load would call any other file "pickled data" and suggest
            # allow_pickle=True, which a network file never needs.
            if not f.read(4).startswith(b"PK"):
                raise ValueError("it is not an .npz (zip) archive")
            f.seek(0)
            with np.load(f, allow_pickle=False) as data:
                arrays = {key: data[key] for key in data.files}
    except (ValueError, EOFError, zipfile.BadZipFile) as error:
        raise ValueError(
            f"{path} is not a network saved by bp4: {error}".rstrip(".")
        ) from None
    return _network_from_arrays(arrays, path, cls)


def _network_from_arrays(
    arrays: dict[str, np.ndarray], path: str, cls: type[Network]
) -> Network:
    def text(key: str) -> str:
        value = _get(arrays, key, path)
        if value.dtype.kind != "U" or value.ndim != 0:
            raise ValueError(
                f"{path}: {key!r} must be a string, got an array of dtype "
                f"{value.dtype} and shape {value.shape}"
            )
        return str(value)

    if text("format") != FORMAT:
        raise ValueError(f"{path}: 'format' is {text('format')!r}; expected {FORMAT!r}")
    version = _get(arrays, "format_version", path)
    if version.shape != () or version.dtype.kind not in "iu":
        raise ValueError(f"{path}: 'format_version' must be an integer")
    if int(version) != FORMAT_VERSION:
        raise ValueError(
            f"{path} has format version {int(version)}; this bp4 reads version "
            f"{FORMAT_VERSION}"
            + (" (it was saved by a newer bp4)" if version > FORMAT_VERSION else "")
        )
    sizes = _get(arrays, "sizes", path)
    if sizes.ndim != 1 or sizes.dtype.kind not in "iu":
        raise ValueError(
            f"{path}: 'sizes' must be a 1-D array of integers, got dtype "
            f"{sizes.dtype} and shape {sizes.shape}"
        )
    dtype_name = text("dtype")
    try:
        dtype = check_float_dtype(dtype_name)
    except TypeError:
        raise ValueError(
            f"{path}: 'dtype' is {dtype_name!r}; expected a floating-point type"
        ) from None
    n = [int(k) for k in sizes]
    weights, biases = [], []
    if len(n) >= 2 and min(n) >= 1:  # else the Network below says what is wrong
        # Every shape is checked against sizes before the Network is built, so
        # a damaged sizes array cannot make it allocate absurd weight matrices.
        for l in range(2, len(n) + 1):
            w, b = _get(arrays, f"w{l}", path), _get(arrays, f"b{l}", path)
            _check_parameter(w, f"w{l}", (n[l - 1], n[l - 2]), dtype, path)
            _check_parameter(b, f"b{l}", (n[l - 1], 1), dtype, path)
            weights.append(w)
            biases.append(b)
        expected = {"format", "format_version", "sizes", "activation", "cost"}
        expected |= {"init", "dtype", "rng_state"}
        expected |= {f"{kind}{l}" for l in range(2, len(n) + 1) for kind in "wb"}
        unexpected = sorted(set(arrays) - expected)
        if unexpected:
            raise ValueError(
                f"{path} has arrays {unexpected} that a network of sizes {n} "
                f"does not have"
            )
    try:
        net = cls(
            n,
            activation=text("activation"),
            cost=text("cost"),
            init=text("init"),
            dtype=dtype,
        )
    except (ValueError, TypeError) as error:
        raise ValueError(f"{path}: {error}") from None
    net.weights, net.biases = weights, biases
    try:
        net.rng.bit_generator.state = json.loads(text("rng_state"))
    except (ValueError, TypeError, KeyError) as error:
        raise ValueError(
            f"{path}: 'rng_state' is not a generator state: {error}"
        ) from None
    return net


def _get(arrays: dict[str, np.ndarray], key: str, path: str) -> np.ndarray:
    if key not in arrays:
        raise ValueError(
            f"{path} has no {key!r} array, which a network saved by bp4 has "
            f"(it has {sorted(arrays)})"
        )
    return arrays[key]


def _check_parameter(
    value: Any,
    key: str,
    shape: tuple[int, int],
    dtype: np.dtype,
    path: str | None = None,
) -> None:
    where = f"{path}: " if path else ""
    if not isinstance(value, np.ndarray) or value.shape != shape:
        got = value.shape if isinstance(value, np.ndarray) else type(value).__name__
        raise ValueError(f"{where}{key} has shape {got}; expected {shape}")
    if value.dtype != dtype:
        raise ValueError(f"{where}{key} has dtype {value.dtype}; expected {dtype}")
    if not np.all(np.isfinite(value)):
        raise ValueError(f"{where}{key} contains NaN or infinite values")


def _file_mode(path: str) -> int:
    """The target's current permissions, or read-write for the owner, read for others."""
    try:
        return os.stat(path).st_mode & 0o777
    except OSError:
        return 0o644


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
