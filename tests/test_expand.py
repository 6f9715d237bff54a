"""Chapter 3's expanded data: each image and its four one-pixel shifts."""

from __future__ import annotations

import numpy as np
import pytest

import bp4


def book_shifts(image):
    """The book's expand_mnist.py for one image: np.roll, then zero what wrapped."""
    shifted = []
    for d, axis, index_position, index in [
        (1, 0, "first", 0),
        (-1, 0, "first", image.shape[0] - 1),
        (1, 1, "last", 0),
        (-1, 1, "last", image.shape[1] - 1),
    ]:
        new = np.roll(image, d, axis)
        if index_position == "first":
            new[index, :] = 0
        else:
            new[:, index] = 0
        shifted.append(new)
    return shifted


def test_each_image_then_down_up_right_left_as_the_book_shifts_them():
    rng = np.random.default_rng(0)
    images = rng.random((3, 4, 5))  # three 4×5 images
    X = np.asfortranarray(images.reshape(3, 20).T)  # one image per column
    y = np.array([7, 1, 4])
    X5, y5 = bp4.expand_images(X, y, (4, 5))
    assert X5.shape == (20, 15) and X5.flags.f_contiguous and X5.dtype == X.dtype
    np.testing.assert_array_equal(y5, [7] * 5 + [1] * 5 + [4] * 5)
    for i, image in enumerate(images):
        expected = [image, *book_shifts(image)]
        for k, e in enumerate(expected):
            np.testing.assert_array_equal(X5[:, 5 * i + k].reshape(4, 5), e)
    # The one-pixel shift down, written out: row r moves to r + 1, row 0 is 0.
    down = X5[:, 1].reshape(4, 5)
    np.testing.assert_array_equal(down[1:], images[0][:-1])
    assert np.all(down[0] == 0)


def test_expand_mnist_gives_five_times_the_images():
    rng = np.random.default_rng(1)
    X = rng.random((784, 6)).astype(np.float32)
    X5, y5 = bp4.expand_mnist(X, np.arange(6))
    assert X5.shape == (784, 30) and y5.shape == (30,) and X5.dtype == np.float32
    np.testing.assert_array_equal(X5[:, ::5], X)  # the originals, unchanged
    net = bp4.Network([784, 10, 10], seed=0, dtype=np.float32)
    net.sgd(X5, y5, 1, 10, 0.5)  # in bp4's layout, ready to train on


def test_bad_shapes_are_refused():
    with pytest.raises(ValueError, match=r"X must have shape \(784, n\), one 28×28"):
        bp4.expand_mnist(np.zeros((64, 3)), np.zeros(3, int))
    with pytest.raises(ValueError, match=r"y has shape \(2,\); expected \(3,\)"):
        bp4.expand_mnist(np.zeros((784, 3)), np.zeros(2, int))
