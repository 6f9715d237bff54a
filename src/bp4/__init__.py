"""bp4: backpropagation's four fundamental equations, BP1–BP4, in NumPy.

>>> import bp4
>>> net = bp4.Network([2, 3, 1], seed=0)
>>> [w.shape for w in net.weights]
[(3, 2), (1, 3)]
"""

from importlib.metadata import PackageNotFoundError, version

from .activations import IDENTITY, RELU, SIGMOID, SOFTMAX, TANH, Activation
from .backprop import (
    backward,
    bias_gradient,
    hidden_error,
    output_error,
    softmax_output_error,
    weight_gradient,
)
from .cost import CrossEntropyCost, LogLikelihoodCost, QuadraticCost
from .data import load_digits, load_mnist
from .forward import feedforward
from .network import Network
from .teaching import exercises
from .teaching.check import check
from .teaching.check_all import check_all
from .teaching.gradcheck import gradient_check
from .teaching.walkthrough import Walkthrough, explain, format_walkthrough
from .training import (
    EpochRecord,
    History,
    TrainingDivergedError,
    TrainingStalledWarning,
)

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
    "LogLikelihoodCost",
    "Network",
    "QuadraticCost",
    "TrainingDivergedError",
    "TrainingStalledWarning",
    "Walkthrough",
    "backward",
    "bias_gradient",
    "check",
    "check_all",
    "exercises",
    "explain",
    "feedforward",
    "format_walkthrough",
    "gradient_check",
    "hidden_error",
    "load_digits",
    "load_mnist",
    "output_error",
    "softmax_output_error",
    "weight_gradient",
]
