"""The command line's parser: its commands, their options and their help."""

from __future__ import annotations

import argparse
import re
from typing import Any, NoReturn

from ..activations import ACTIVATIONS, OUTPUT_ACTIVATIONS
from ..cost import COSTS
from ..network import INITS
from .arguments import (
    ACTIVATION_HELP,
    COST_HELP,
    EXIT_STATUS,
    INIT_HELP,
    WIDTH,
    _choices,
    _integer,
    _real,
)
from .check import run_check
from .data import DATASETS, DIGITS_VALIDATION
from .evaluate import run_evaluate
from .explain import run_explain, run_gradcheck
from .train import run_train

# train's default --init is "scaled", not the text's "standard": on the 1,000
# digits that train, seeds 0-9 end between 97.1% and 98.4% test accuracy with
# it (the defaults otherwise), and between 79.8% and 98.2% (median 96.9%) with
# "standard", whose saturated hidden neurons make the result depend on the seed.


_NEGATIVE_NUMBER = re.compile(
    r"^-(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$|^-(inf|infinity|nan)$", re.IGNORECASE
)


class _Parser(argparse.ArgumentParser):
    """argparse, with its errors on one line (no usage block), as bp4's own are.

    Every negative number is a value, not an option: argparse alone takes
    ``--eta -inf`` or ``--eta -1e3`` for an option and says "expected one
    argument", where the option's own check says what it expects.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = _NEGATIVE_NUMBER

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} -h)\n")


class _DefaultsFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Shows each option's default, except None (which the help text explains)."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        if action.default is None or action.default is argparse.SUPPRESS:
            return action.help
        return super()._get_help_string(action)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="bp4",
        description="Backpropagation's four equations, BP1-BP4, in NumPy. "
        "'bp4 COMMAND -h' lists a command's options.",
        epilog=EXIT_STATUS,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_train(commands)
    _add_evaluate(commands)
    _add_explain(commands)
    _add_gradcheck(commands)
    _add_check(commands)
    return parser


def _command(commands: Any, name: str, help: str, description: str) -> Any:
    return commands.add_parser(
        name,
        help=help,
        description=description,
        epilog=EXIT_STATUS,
        formatter_class=_DefaultsFormatter,
    )


def _add_network_options(command: argparse.ArgumentParser, seed_help: str) -> None:
    """--activation, --output-activation, --cost and --seed, shared by commands."""
    command.add_argument(
        "--activation",
        choices=sorted(ACTIVATIONS),
        default="sigmoid",
        help="σ of the hidden layers. " + _choices(ACTIVATION_HELP, ACTIVATIONS),
    )
    command.add_argument(
        "--output-activation",
        choices=sorted(OUTPUT_ACTIVATIONS),
        default="sigmoid",
        help="σ of the output layer. " + _choices(ACTIVATION_HELP, OUTPUT_ACTIVATIONS),
    )
    command.add_argument(
        "--cost",
        choices=sorted(COSTS),
        default="quadratic",
        help="the cost C, whose gradient ∇_a C starts BP1. "
        + _choices(COST_HELP, COSTS),
    )
    command.add_argument("--seed", type=_integer(0), default=0, help=seed_help)


def _add_train(commands: Any) -> None:
    train = _command(
        commands,
        "train",
        "train a network with mini-batch SGD",
        "Train a network with mini-batch stochastic gradient descent. After every "
        "epoch it prints the training cost, the validation accuracy and the "
        "epoch's time (its evaluation included). The validation data chooses the "
        "best epoch (for --save and --patience); the test data is used once, at the "
        f"end, on that epoch's network. digits: the first 1,000 of the "
        f"1,347 training samples train, the last {DIGITS_VALIDATION} validate, the "
        "450 test samples test. mnist: 50,000 train, 10,000 validate, 10,000 test.",
    )
    train.add_argument(
        "--dataset",
        choices=sorted(DATASETS),
        default="digits",
        help="digits: 8x8, shipped with bp4; mnist: 28x28, read from --data-dir",
    )
    shape = train.add_mutually_exclusive_group()
    shape.add_argument(
        "--sizes",
        type=WIDTH,
        nargs="+",
        metavar="N",
        help="every layer's width [n_1 ... n_L]; the first and last must match the "
        "data (default: 64 30 10 for digits, 784 30 10 for mnist)",
    )
    shape.add_argument(
        "--hidden",
        type=WIDTH,
        nargs="+",
        metavar="N",
        help="the hidden layers' widths only; the input and output widths come "
        "from the data (default: 30)",
    )
    train.add_argument(
        "--epochs", type=_integer(1), default=30, help="passes over the training data"
    )
    train.add_argument(
        "--batch-size", type=_integer(1), default=10, help="samples per mini-batch m"
    )
    train.add_argument(
        "--eta",
        type=_real(True),
        default=3.0,
        help="learning rate η, in each step w → w − η ∂C/∂w",
    )
    train.add_argument(
        "--lmbda",
        type=_real(False),
        default=0.0,
        help="L2 regularisation λ: the cost gains (λ/2n) Σ w², n the number of "
        "training samples; 0 turns it off",
    )
    train.add_argument(
        "--patience",
        type=_integer(1),
        metavar="N",
        help="stop after N epochs without a better validation accuracy "
        "(default: train every epoch)",
    )
    _add_network_options(train, "seed for the weights and the shuffling")
    train.add_argument(
        "--init",
        choices=INITS,
        default="scaled",
        help="initial weights. " + _choices(INIT_HELP, INITS),
    )
    _add_data_dir(train)
    train.add_argument(
        "--save",
        metavar="FILE",
        help="save the network to FILE (.npz) after every epoch whose validation "
        "accuracy is the best so far, so FILE holds the best network of the run, "
        "not the last (read it with 'bp4 evaluate FILE' or bp4.Network.load); "
        "default: save nothing",
    )
    train.set_defaults(run=run_train)


def _add_data_dir(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--data-dir",
        metavar="DIR",
        help="folder holding the MNIST files (--dataset mnist only; default: "
        "$BP4_DATA, else the user cache folder + bp4/mnist)",
    )


def _add_evaluate(commands: Any) -> None:
    evaluate = _command(
        commands,
        "evaluate",
        "report the test accuracy of a saved network",
        "Load a network saved by 'bp4 train --save' (or Network.save) and report "
        "how many test samples it classifies correctly. Only the test files are "
        "read; nothing is downloaded.",
    )
    evaluate.add_argument("file", metavar="FILE", help="the saved network (.npz)")
    evaluate.add_argument(
        "--dataset",
        choices=sorted(DATASETS),
        help="whose test samples to use (default: the data set whose samples fit "
        "the network's input layer: 64 inputs digits, 784 mnist)",
    )
    _add_data_dir(evaluate)
    evaluate.set_defaults(run=run_evaluate)


def _add_explain(commands: Any) -> None:
    explain = _command(
        commands,
        "explain",
        "walk through one backpropagation step, BP1-BP4, with every number",
        "Backpropagate one sample through a network and print every quantity "
        "in order, under its equation: z^l and a^l, the cost, BP1, BP2, BP3, BP4, "
        "with --eta the update and the cost after it, and finite-difference "
        "estimates beside backpropagation's values. Matrices with more than 10 "
        "rows or columns are shortened to their first and last three, with their "
        "shape.",
    )
    explain.add_argument(
        "--sizes",
        type=WIDTH,
        nargs="+",
        default=[2, 3, 2],
        metavar="N",
        help="layer widths [n_1 ... n_L]",
    )
    explain.add_argument(
        "--eta",
        type=_real(positive=True),
        default=None,
        help="learning rate η: go on to the update w -> w - η ∂C/∂w, "
        "b -> b - η ∂C/∂b and the cost after it (default: stop at the gradients)",
    )
    _add_network_options(explain, "seed for the weights, x and y")
    explain.set_defaults(run=run_explain)


def _add_gradcheck(commands: Any) -> None:
    gradcheck = _command(
        commands,
        "gradcheck",
        "check backpropagation's gradient against finite differences",
        "Compare the gradient from BP1-BP4 with finite differences on a random "
        "network and a batch of random samples, and print each layer's largest "
        "relative error. Exit status 1 if any layer's gradient is wrong (an error "
        "above 1e-2, or not a number). (With relu, a finite difference across the "
        "kink at z = 0 measures neither side's slope; if a layer reads suspicious, "
        "try another --seed.)",
    )
    gradcheck.add_argument(
        "--sizes",
        type=WIDTH,
        nargs="+",
        default=[4, 5, 3],
        metavar="N",
        help="layer widths [n_1 ... n_L]",
    )
    gradcheck.add_argument(
        "--batch-size", type=_integer(1), default=10, help="samples in the batch"
    )
    _add_network_options(gradcheck, "seed for the weights and the batch")
    gradcheck.set_defaults(run=run_gradcheck)


def _add_check(commands: Any) -> None:
    check = _command(
        commands,
        "check",
        "check a student's BP1-BP4 (or the text's exercises) and name the mistake",
        "Run FILE.py in a subprocess and check every function in it whose name "
        "bp4 recognises (output_error, hidden_error, bias_gradient, "
        "weight_gradient, softmax_output_error, and the exercises' names): its "
        "signature, its result's type and shape, its values against bp4's "
        "reference, and that it leaves its inputs unchanged; a wrong result is "
        "named from bp4's catalogue of mistakes. Exit status 0 if every function "
        "passes, 1 if one fails, 2 if FILE defines none or cannot be loaded.",
    )
    check.add_argument("file", metavar="FILE.py", help="the student's Python file")
    check.add_argument(
        "--lang", choices=["en", "zh"], default="en", help="feedback language"
    )
    check.add_argument(
        "--json",
        action="store_true",
        help="one JSON record per function and line (file, equation, function, "
        "passed, mistake, message), for a grade sheet",
    )
    check.add_argument(
        "--timeout",
        type=_real(True),
        default=10.0,
        metavar="S",
        help="seconds each function's calls may take before it is stopped",
    )
    check.set_defaults(run=run_check)
