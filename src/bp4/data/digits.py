"""Data sets in bp4's layout: one sample per column, pixels scaled to [0, 1]."""

from __future__ import annotations

import hashlib
import io
from importlib import resources
from typing import NamedTuple

import numpy as np

from ..array import Array
from .mnist import MnistData, MnistUnavailableError, load_mnist

__all__ = ["Dataset", "MnistData", "MnistUnavailableError", "load_digits", "load_mnist"]


DIGITS_SHA256 = "8e6c22d85eb2c1ea7b1da9636e1921962a86dae977db660c8969eb76cf8a885d"
DIGITS_TRAIN = 1347  # the first 1,347 rows of digits.npz train, the last 450 test


class Dataset(NamedTuple):
    """Training and test data: ``X_*`` of shape (n_1, m), ``y_*`` integer labels (m,).

    For regression (:func:`bp4.data.curve`) ``y_*`` are target rows (n_L, m).
    """

    X_train: Array
    y_train: Array
    X_test: Array
    y_test: Array

    def __repr__(self) -> str:
        """Counts and shapes, not the arrays."""
        if self.y_train.ndim == 2:
            return (
                f"Dataset: {self.X_train.shape[1]} training and {self.X_test.shape[1]} "
                f"test samples, {self.X_train.shape[0]} features, real-valued targets\n"
                f"  X_train {self.X_train.shape}, Y_train {self.y_train.shape}\n"
                f"  X_test  {self.X_test.shape}, Y_test  {self.y_test.shape}"
            )
        classes = len(np.union1d(np.unique(self.y_train), np.unique(self.y_test)))
        return (
            f"Dataset: {self.X_train.shape[1]} training and {self.X_test.shape[1]} "
            f"test samples, {self.X_train.shape[0]} features, {classes} classes\n"
            f"  X_train {self.X_train.shape} {self.X_train.dtype}, "
            f"y_train {self.y_train.shape}\n"
            f"  X_test  {self.X_test.shape} {self.X_test.dtype}, "
            f"y_test  {self.y_test.shape}"
        )


def load_digits(dtype: np.dtype | type = np.float64) -> Dataset:
    """The 8×8 handwritten digits shipped with bp4 (UCI optdigits, CC BY 4.0).

    1,797 samples of 64 pixels, stored in a fixed shuffled order: the first
    1,347 are the training set, the last 450 the test set. Pixels are scaled from 0…16 to [0, 1];
    ``X_train`` is (64, 1347) and ``X_test`` (64, 450). The file's SHA-256 is
    checked on every load. See ``bp4/data/README.md`` for the source.
    """
    raw = resources.files("bp4").joinpath("data/digits.npz").read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != DIGITS_SHA256:
        raise OSError(
            f"bp4/data/digits.npz is damaged (SHA-256 {digest}, expected "
            f"{DIGITS_SHA256}); reinstall bp4"
        )
    with np.load(io.BytesIO(raw), allow_pickle=False) as data:
        images, labels = data["images"], data["labels"]
    # Columns are samples; Fortran order keeps each sample's 64 pixels together.
    X = np.asfortranarray(images.T.astype(dtype) / 16.0)
    y = labels.astype(np.int64)
    n = DIGITS_TRAIN
    return Dataset(X[:, :n], y[:n], X[:, n:], y[n:])
