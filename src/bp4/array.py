"""The one array type bp4 passes around: a NumPy array, named once here."""

from __future__ import annotations

import numpy as np

# Every w^l, b^l, z^l, a^l and δ^l is a NumPy array; the name reads like the text.
Array = np.ndarray
