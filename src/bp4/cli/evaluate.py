"""``bp4 evaluate``: the test accuracy of a saved network."""

from __future__ import annotations

import argparse
import zipfile
import zlib
from pathlib import Path

import numpy as np

from ..array import Array
from ..data import load_digits, mnist
from ..network import Network
from ..text import printable
from .checks import _check_data_dir
from .data import DATASETS

# What a damaged or hostile file can raise inside NumPy's and zipfile's readers.
_UNREADABLE = (
    EOFError, KeyError, AttributeError, NotImplementedError, OverflowError,
    RecursionError, IndexError, zipfile.BadZipFile, zlib.error,
)  # fmt: skip


def run_evaluate(args: argparse.Namespace) -> int:
    try:
        net = Network.load(args.file)
    except _UNREADABLE as error:
        raise ValueError(
            f"{args.file} is not a network saved by bp4: {type(error).__name__}: "
            f"{error}"
        ) from None
    name = args.dataset or _dataset_for(net, args.file)
    _check_data_dir(args, name)
    n_in, n_out = DATASETS[name].sizes[0], DATASETS[name].sizes[-1]
    if net.sizes[0] != n_in or net.sizes[-1] != n_out:
        raise ValueError(
            f"{args.file} holds a network of sizes {net.sizes}; {name} needs "
            f"{n_in} inputs and {n_out} outputs"
        )
    X, y = mnist_test(args.data_dir) if name == "mnist" else load_digits()[2:]
    correct, total = net.evaluate(X, y), X.shape[1]
    print(
        f"{printable(args.file)}: {net} classifies {correct} / {total} ({100 * correct / total:.1f}%)"
        f" of the {name} test samples correctly"
    )
    return 0


def _dataset_for(net: Network, file: str) -> str:
    fits = [n for n, d in DATASETS.items() if d.sizes[0] == net.sizes[0]]
    if not fits:
        raise ValueError(
            f"{file} holds a network with {net.sizes[0]} inputs; no data set has "
            f"samples of that size ("
            + ", ".join(f"{n}: {d.sizes[0]}" for n, d in DATASETS.items())
            + "); name one with --dataset"
        )
    return fits[0]


def mnist_test(data_dir: str | None) -> tuple[Array, Array]:
    """MNIST's 10,000 test images and labels, read from the two t10k files only.

    Nothing is downloaded and no folder is created: ``bp4 train --dataset
    mnist`` fetches the files.
    """
    directory = Path(data_dir) if data_dir is not None else mnist.default_data_dir()
    found = mnist.find_files(directory)
    images = found[mnist.FILES["test_images"]]
    labels = found[mnist.FILES["test_labels"]]
    if images is None or labels is None:
        raise mnist.MnistUnavailableError(
            f"the MNIST test files are not in {directory} (looked for "
            f"{mnist.FILES['test_images']} and {mnist.FILES['test_labels']}, raw or "
            f".gz); 'bp4 train --dataset mnist' downloads them there, or pass "
            f"--data-dir"
        )
    X = mnist.read_idx(images, mnist.IMAGES_MAGIC)
    y = mnist.read_idx(labels, mnist.LABELS_MAGIC)
    if len(X) != len(y):
        raise ValueError(
            f"{images} holds {len(X)} images but {labels} holds {len(y)} labels; "
            f"they must match"
        )
    return np.divide(X.T, 255.0), y.astype(np.int64)
