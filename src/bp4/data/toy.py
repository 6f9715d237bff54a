"""Seeded two-dimensional data sets to watch a small network learn: the playground's.

Each function draws ``n`` samples from its own generator (``seed``), in bp4's
layout: inputs ``X`` of shape (2, n), one sample per column, in Fortran order
like the digits; class labels ``y`` of shape (n,). It returns a
:class:`~bp4.data.digits.Dataset`, the first two thirds of the samples to
train on and the last third held out to test on.

- :func:`moons`: two interleaving half circles;
- :func:`circles`: a disc inside a ring;
- :func:`xor`: the four quadrants, class 1 where x_1 x_2 < 0;
- :func:`spiral`: two spirals wound round each other;
- :func:`curve`: regression, one input and one real-valued target,
  y = 0.5 + 0.4 sin(3x) plus noise: ``y_train`` and ``y_test`` are
  target rows of shape (1, n), used exactly as given.

Inputs lie roughly in [−1.5, 1.5], targets of :func:`curve` in (0, 1) so that
a sigmoid output layer can fit them. :func:`load_toy` picks one by name.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..array import Array
from .digits import Dataset

__all__ = ["TOY_SETS", "circles", "curve", "load_toy", "moons", "spiral", "xor"]


def moons(n: int = 600, noise: float = 0.15, seed: int | None = 0) -> Dataset:
    """Two interleaving half circles, class 0 on top and class 1 below."""
    rng = np.random.default_rng(seed)
    y = _balanced_labels(n, rng)
    t = rng.uniform(0.0, np.pi, n)
    upper = np.vstack([np.cos(t), np.sin(t)])
    lower = np.vstack([1.0 - np.cos(t), 0.5 - np.sin(t)])
    X = np.where(y == 0, upper, lower) - np.array([[0.5], [0.25]])
    return _split(X + noise * rng.standard_normal(X.shape), y)


def circles(
    n: int = 600, noise: float = 0.08, factor: float = 0.5, seed: int | None = 0
) -> Dataset:
    """A ring of radius 1 (class 0) round a disc of radius ``factor`` (class 1)."""
    rng = np.random.default_rng(seed)
    y = _balanced_labels(n, rng)
    t = rng.uniform(0.0, 2 * np.pi, n)
    r = np.where(y == 0, 1.0, factor)
    X = r * np.vstack([np.cos(t), np.sin(t)])
    return _split(X + noise * rng.standard_normal(X.shape), y)


def xor(n: int = 600, noise: float = 0.05, seed: int | None = 0) -> Dataset:
    """Points in the square [−1, 1]², class 1 where x_1 x_2 < 0 (the quadrants of XOR)."""
    rng = np.random.default_rng(seed)
    _balanced_labels(n, rng)  # checks n
    X = rng.uniform(-1.0, 1.0, (2, n))
    y = (X[0] * X[1] < 0).astype(np.int64)
    return _split(X + noise * rng.standard_normal(X.shape), y)


def spiral(
    n: int = 600, noise: float = 0.05, turns: float = 1.5, seed: int | None = 0
) -> Dataset:
    """Two spirals of ``turns`` turns each, wound round each other, one per class."""
    rng = np.random.default_rng(seed)
    y = _balanced_labels(n, rng)
    # sqrt spreads the samples evenly along the spiral rather than crowding the centre
    s = np.sqrt(rng.uniform(0.02, 1.0, n))
    angle = 2 * np.pi * turns * s + np.pi * y
    X = 1.4 * s * np.vstack([np.cos(angle), np.sin(angle)])
    return _split(X + noise * rng.standard_normal(X.shape), y)


def curve(n: int = 300, noise: float = 0.05, seed: int | None = 0) -> Dataset:
    """Regression: x uniform in [−1.5, 1.5], target y = 0.5 + 0.4 sin(3x) plus noise.

    ``X`` has shape (1, n) and the targets are a (1, n) row, not labels.
    """
    rng = np.random.default_rng(seed)
    _balanced_labels(n, rng)  # checks n
    X = rng.uniform(-1.5, 1.5, (1, n))
    Y = 0.5 + 0.4 * np.sin(3.0 * X) + noise * rng.standard_normal(X.shape)
    return _split(X, Y)


TOY_SETS: dict[str, Callable[..., Dataset]] = {
    "moons": moons,
    "circles": circles,
    "xor": xor,
    "spiral": spiral,
    "curve": curve,
}


def load_toy(name: str, **options: object) -> Dataset:
    """The toy data set ``name`` (moons, circles, xor, spiral, curve) with its options."""
    if not isinstance(name, str) or name not in TOY_SETS:
        raise ValueError(f"name must be one of {list(TOY_SETS)}, got {name!r}")
    return TOY_SETS[name](**options)


def _balanced_labels(n: int, rng: np.random.Generator) -> Array:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 6:
        raise ValueError(f"n must be an integer of at least 6 samples, got {n!r}")
    return rng.permutation(np.arange(n) % 2)


def _split(X: Array, y: Array) -> Dataset:
    """The first two thirds to train on, the last third to test on; X in Fortran order."""
    n = X.shape[1]
    cut = (2 * n) // 3
    X = np.asfortranarray(X, dtype=np.float64)
    if y.ndim == 2:  # regression targets, a (1, n) row
        return Dataset(X[:, :cut], y[:, :cut].copy(), X[:, cut:], y[:, cut:].copy())
    return Dataset(X[:, :cut], y[:cut].copy(), X[:, cut:], y[cut:].copy())
