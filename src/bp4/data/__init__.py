"""Data to train on: the 8×8 digits shipped with bp4 (``digits``) and MNIST
(``mnist``: the IDX files, read strictly, downloaded and verified)."""

from .digits import Dataset, load_digits
from .mnist import MnistData, MnistUnavailableError, load_mnist

__all__ = ["Dataset", "MnistData", "MnistUnavailableError", "load_digits", "load_mnist"]
