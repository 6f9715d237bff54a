"""Data to train on: the 8×8 digits shipped with bp4 (``digits``), MNIST
(``mnist``: the IDX files, read strictly, downloaded and verified) and the
playground's seeded 2-D sets (``toy``: moons, circles, xor, spiral, and the
curve to fit)."""

from .digits import Dataset, load_digits
from .mnist import MnistData, MnistUnavailableError, load_mnist
from .toy import TOY_SETS, circles, curve, load_toy, moons, spiral, xor

__all__ = [
    "TOY_SETS",
    "Dataset",
    "MnistData",
    "MnistUnavailableError",
    "circles",
    "curve",
    "load_digits",
    "load_mnist",
    "load_toy",
    "moons",
    "spiral",
    "xor",
]
