"""bp4: backpropagation's four fundamental equations, BP1–BP4, in NumPy.

>>> import bp4
>>> net = bp4.Network([2, 3, 1], seed=0)
>>> [w.shape for w in net.weights]
[(3, 2), (1, 3)]

The equations' names here are bp4.backprop's own, read and written through:
``bp4.output_error`` is always ``bp4.backprop.output_error``, and
``bp4.output_error = my_bp1`` replaces it there, so training runs it.
"""

import sys
import types
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from . import backprop
from .activations import IDENTITY, RELU, SIGMOID, SOFTMAX, TANH, Activation
from .cost import CrossEntropyCost, LogLikelihoodCost, QuadraticCost
from .data import expand_images, expand_mnist, load_digits, load_mnist, load_toy
from .forward import feedforward
from .network import Network
from .teaching import exercises
from .teaching.check import check
from .teaching.check_all import check_all
from .teaching.gradcheck import gradient_check
from .teaching.playground import PlaygroundRun, playground
from .teaching.walkthrough import Walkthrough, explain, format_walkthrough
from .training import (
    EpochRecord,
    History,
    InputScaleWarning,
    NaNOutputWarning,
    TrainingDivergedError,
    TrainingStalledWarning,
)

if TYPE_CHECKING:  # for type checkers; at run time _Package reads bp4.backprop
    from .backprop import (
        backward,
        bias_gradient,
        hidden_error,
        output_error,
        simplified_output_error,
        softmax_cross_entropy_output_error,
        softmax_output_error,
        weight_gradient,
    )

# bp4.backprop's functions, which backward calls (and Network calls backward)
# by module attribute: a copy of them here would be a name whose replacement
# changes nothing, so these names are not copied but looked up there.
_BACKPROP_NAMES = frozenset(
    {
        "backward",
        "bias_gradient",
        "hidden_error",
        "output_error",
        "simplified_output_error",
        "softmax_cross_entropy_output_error",
        "softmax_output_error",
        "weight_gradient",
    }
)


def __dir__() -> list[str]:
    return sorted(set(globals()) | _BACKPROP_NAMES)


def _through_to_backprop(name: str) -> property:
    """bp4.<name>: read from, and assigned into, bp4.backprop."""

    def get(package: types.ModuleType) -> Any:
        return getattr(backprop, name)

    def set_(package: types.ModuleType, value: Any) -> None:
        setattr(backprop, name, value)

    def delete(package: types.ModuleType) -> None:
        raise AttributeError(
            f"bp4.{name} is bp4.backprop.{name}; assign a function to replace it"
        )

    return property(
        get, set_, delete, f"bp4.backprop.{name}, read and written through."
    )


class _Package(types.ModuleType):
    """bp4 itself: assigning an equation's name replaces it in bp4.backprop."""


for _name in _BACKPROP_NAMES:
    setattr(_Package, _name, _through_to_backprop(_name))
del _name
sys.modules[__name__].__class__ = _Package

try:
    # The version pyproject.toml declares, as the installed package records it.
    __version__ = version("bp4")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "unknown"

__all__ = [
    "IDENTITY",
    "RELU",
    "SIGMOID",
    "SOFTMAX",
    "TANH",
    "Activation",
    "CrossEntropyCost",
    "EpochRecord",
    "History",
    "InputScaleWarning",
    "LogLikelihoodCost",
    "NaNOutputWarning",
    "Network",
    "PlaygroundRun",
    "QuadraticCost",
    "TrainingDivergedError",
    "TrainingStalledWarning",
    "Walkthrough",
    "backward",
    "bias_gradient",
    "check",
    "check_all",
    "exercises",
    "expand_images",
    "expand_mnist",
    "explain",
    "feedforward",
    "format_walkthrough",
    "gradient_check",
    "hidden_error",
    "load_digits",
    "load_mnist",
    "load_toy",
    "output_error",
    "playground",
    "simplified_output_error",
    "softmax_cross_entropy_output_error",
    "softmax_output_error",
    "weight_gradient",
]
