import hashlib
from importlib import resources

import numpy as np

import bp4
from bp4.data.digits import DIGITS_SHA256


def test_digits_layout_and_split():
    d = bp4.load_digits()
    assert d.X_train.shape == (64, 1347) and d.X_test.shape == (64, 450)
    assert d.y_train.shape == (1347,) and d.y_test.shape == (450,)
    assert d.X_train.min() == 0.0 and d.X_train.max() == 1.0
    assert set(np.unique(d.y_test)) == set(range(10))
    # one sample's 64 pixels are contiguous in memory (Fortran order)
    assert d.X_train.flags.f_contiguous
    # every value is a count 0…16 scaled by 1/16
    np.testing.assert_array_equal(d.X_test * 16, np.round(d.X_test * 16))


def test_digits_float32():
    assert bp4.load_digits(dtype=np.float32).X_test.dtype == np.float32


def test_digits_file_checksum_is_recorded():
    raw = resources.files("bp4").joinpath("data/digits.npz").read_bytes()
    assert hashlib.sha256(raw).hexdigest() == DIGITS_SHA256
    readme = (
        resources.files("bp4").joinpath("data/README.md").read_text(encoding="utf-8")
    )
    assert DIGITS_SHA256 in readme and "CC BY 4.0" in readme
