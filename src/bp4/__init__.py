"""bp4: backpropagation's four fundamental equations, BP1–BP4, in NumPy.

>>> import bp4
>>> net = bp4.Network([2, 3, 1], seed=0)
>>> [w.shape for w in net.weights]
[(3, 2), (1, 3)]
"""

from .activations import RELU, SIGMOID, TANH, Activation
from .backprop import (
    backward,
    bias_gradient,
    hidden_error,
    output_error,
    weight_gradient,
)
from .cost import CrossEntropyCost, QuadraticCost
from .datasets import load_digits, load_mnist
from .forward import feedforward
from .gradcheck import gradient_check
from .network import EpochRecord, Network, TrainingDivergedError
from .walkthrough import Walkthrough, explain, format_walkthrough

__version__ = "0.1.0"

__all__ = [
    "RELU",
    "SIGMOID",
    "TANH",
    "Activation",
    "CrossEntropyCost",
    "EpochRecord",
    "Network",
    "QuadraticCost",
    "TrainingDivergedError",
    "Walkthrough",
    "backward",
    "bias_gradient",
    "explain",
    "feedforward",
    "format_walkthrough",
    "gradient_check",
    "hidden_error",
    "load_digits",
    "load_mnist",
    "output_error",
    "weight_gradient",
]
