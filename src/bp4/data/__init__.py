"""Data to train on: the 8×8 digits shipped with bp4 (``digits``) and MNIST
(``mnist``: the IDX files, read strictly, downloaded and verified), and
chapter 3's artificially expanded data (``expand``)."""

from .digits import Dataset, load_digits
from .expand import expand_images, expand_mnist
from .mnist import MnistData, MnistUnavailableError, load_mnist

__all__ = [
    "Dataset",
    "MnistData",
    "MnistUnavailableError",
    "expand_images",
    "expand_mnist",
    "load_digits",
    "load_mnist",
]
