"""Shared pieces of the tests: a family of small random networks.

Test modules import these with ``from helpers import ...``; pytest puts
``tests/`` on ``sys.path`` because the directory has no ``__init__.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import bp4


@dataclass
class Case:
    net: bp4.Network
    X: np.ndarray
    Y: np.ndarray

    def __repr__(self) -> str:
        return f"{self.net!r} on a batch of {self.X.shape[1]}"


# Each activation with the quadratic cost, and the cross-entropy cost with the
# sigmoid, the output it is defined for (a in (0, 1)).
PAIRINGS = [
    ("sigmoid", "quadratic"),
    ("tanh", "quadratic"),
    ("relu", "quadratic"),
    ("sigmoid", "cross-entropy"),
]


# ReLU has a kink at z = 0 where it has no derivative; a finite difference whose
# nudge carries some z^l across it measures neither side's slope. ReLU cases
# therefore keep every z^l at least this far from 0 (the gradient check nudges
# parameters by up to 2e-4, which moves z^l by about as much).
KINK_MARGIN = 1e-2


def random_cases(count: int, seed: int) -> list[Case]:
    """``count`` networks of 2–5 layers, widths 1–20, batches of 1–32 samples,
    cycling through every activation and cost; targets in [0, 1]."""
    rng = np.random.default_rng(seed)
    cases: list[Case] = []
    while len(cases) < count:
        L = int(rng.integers(2, 6))
        sizes = [int(n) for n in rng.integers(1, 21, size=L)]
        m = int(rng.integers(1, 33))
        activation, cost = PAIRINGS[len(cases) % len(PAIRINGS)]
        net = bp4.Network(sizes, activation, cost, seed=int(rng.integers(2**31)))
        X = rng.standard_normal((sizes[0], m))
        Y = rng.random((sizes[-1], m))
        if activation == "relu" and _near_kink(net, X):
            continue
        cases.append(Case(net, X, Y))
    return cases


def _near_kink(net: bp4.Network, X: np.ndarray) -> bool:
    zs, _ = net.forward(X)
    return any(np.any(np.abs(z) < KINK_MARGIN) for z in zs)
