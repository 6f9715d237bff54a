"""pytest's hook file for tests/: no fixtures live here.

The shared test code is in ``helpers.py``. The names below are re-exported
only for test modules that still write ``from conftest import ...``; new code
imports from ``helpers``.
"""

from helpers import KINK_MARGIN, PAIRINGS, Case, random_cases

__all__ = ["KINK_MARGIN", "PAIRINGS", "Case", "random_cases"]
