"""The data sets the command line knows, each split into train, validation and test."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from ..array import Array
from ..data import load_digits, load_mnist

# The shipped digits' 1,347 training samples are split, always the same way:
# the first 1,000 train, the last 347 are the validation set that chooses the
# epoch (--save, --patience). The 450 test samples are used once, at the end.
DIGITS_VALIDATION = 347


class Split(NamedTuple):
    """A data set cut three ways: train, choose the epoch, report once."""

    X_train: Array
    y_train: Array
    X_validation: Array
    y_validation: Array
    X_test: Array
    y_test: Array


class DataSet(NamedTuple):
    """A data set the command line knows: how to load it and its shape."""

    load: Callable[[str | None], Split]
    sizes: list[int]  # the default network: the data's input width, 30, classes
    training: int  # samples, for the memory estimate
    validation: int


def _digits(data_dir: str | None) -> Split:
    d = load_digits()
    k = d.X_train.shape[1] - DIGITS_VALIDATION
    return Split(
        d.X_train[:, :k], d.y_train[:k], d.X_train[:, k:], d.y_train[k:],
        d.X_test, d.y_test,
    )  # fmt: skip


def _mnist(data_dir: str | None) -> Split:
    return Split(*load_mnist(data_dir))


DATASETS = {
    "digits": DataSet(
        _digits, [64, 30, 10], 1347 - DIGITS_VALIDATION, DIGITS_VALIDATION
    ),
    "mnist": DataSet(_mnist, [784, 30, 10], 50_000, 10_000),
}
