"""Artificially expanded training data: each image and its four one-pixel shifts.

Chapter 3's last way to fight overfitting is more data; where there is no
more, small distortions of the images there are make some. The book's
``expand_mnist.py`` shifts each MNIST image one pixel up, down, left and
right, filling the row or column shifted in with 0 (background), and so
turns 50,000 training images into 250,000. This does the same on arrays
already loaded (nothing is downloaded), in bp4's layout: one image per
column.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..array import Array
from ..validation import as_array

MNIST_SHAPE = (28, 28)
SHIFTS = ("original", "down", "up", "right", "left")


def expand_images(X: Any, y: Any, shape: tuple[int, int]) -> tuple[Array, Array]:
    """Each column of X, then that image shifted one pixel down, up, right and left.

    X is (h·w, n), one image of ``shape = (h, w)`` per column, its pixels
    row by row (as MNIST's files and :func:`bp4.load_mnist` store them); y
    its n labels. Returns X of shape (h·w, 5n), Fortran-ordered like the data
    bp4 loads, and y repeated to match: columns 5i … 5i + 4 are image i as
    it is, then shifted, in the order of ``SHIFTS``, the pixels shifted in
    set to 0. The dtype is X's; 250,000 MNIST images are 784 MB in float32
    and 1.6 GB in float64.
    """
    X, y = as_array(X, "X"), as_array(y, "y")
    h, w = shape
    if X.ndim != 2 or X.shape[0] != h * w:
        raise ValueError(
            f"X must have shape ({h * w}, n), one {h}×{w} image per column; "
            f"got {X.shape}"
        )
    n = X.shape[1]
    if y.shape != (n,):
        raise ValueError(f"y has shape {y.shape}; expected ({n},), one label per image")
    images = X.T.reshape(n, h, w)  # image i is images[i], row by row
    out = np.zeros((n, len(SHIFTS), h, w), X.dtype)
    out[:, 0] = images
    out[:, 1, 1:, :] = images[:, :-1, :]  # down: row r moves to r + 1
    out[:, 2, :-1, :] = images[:, 1:, :]  # up
    out[:, 3, :, 1:] = images[:, :, :-1]  # right: column c moves to c + 1
    out[:, 4, :, :-1] = images[:, :, 1:]  # left
    # (n·5, h·w) C-ordered is (h·w, 5n) Fortran-ordered once transposed.
    return out.reshape(n * len(SHIFTS), h * w).T, np.repeat(y, len(SHIFTS))


def expand_mnist(X: Any, y: Any) -> tuple[Array, Array]:
    """MNIST's 28×28 training images and their one-pixel shifts: 50,000 → 250,000.

    ``expand_mnist(data.X_train, data.y_train)`` for ``data =
    bp4.load_mnist()``: see :func:`expand_images`.
    """
    return expand_images(X, y, MNIST_SHAPE)
