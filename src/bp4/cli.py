"""bp4's command line: ``python -m bp4 COMMAND`` (or the ``bp4`` script).

Commands: ``train``, ``evaluate``, ``explain``, ``gradcheck``. Every argument
is checked before anything is printed or loaded: layer widths are at most
:data:`MAX_WIDTH` (10^9), and a network that would not fit in the machine's
memory is refused before it is allocated (:func:`check_memory`).

:func:`main` is the one place that turns an expected failure into one line on
stderr (never a traceback) and an exit status:

- 0: done;
- 1: the run failed: data unavailable, a file that cannot be read or
  written, training that diverged, not enough memory, a gradient check
  that reads "wrong";
- 2: bad arguments or bad input (argparse's convention);
- 130: interrupted with Ctrl-C (128 + SIGINT, as shells report it); ``train``
  says at which epoch and where the best network so far was saved;
- 141: standard output was closed early (``bp4 train | head -1``): bp4 stops
  silently with the status a Unix tool stopped by SIGPIPE reports
  (128 + SIGPIPE).
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import re
import sys
import tempfile
import time
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple, NoReturn

import numpy as np

from . import mnist
from .activations import ACTIVATIONS, OUTPUT_ACTIVATIONS
from .array import Array
from .cost import COSTS
from .datasets import load_digits, load_mnist
from .network import INITS, Network
from .training import EpochRecord, TrainingStalledWarning
from .walkthrough import MAX_PRINTED_WIDTH

EXIT_STATUS = (
    "exit status: 0 done; 1 the run failed (data unavailable, a file unreadable or "
    "unwritable, training diverged, not enough memory, a gradient that reads "
    "wrong); 2 bad arguments or bad input; 130 interrupted (Ctrl-C); 141 standard "
    "output closed early"
)
INTERRUPTED, STDOUT_CLOSED = 130, 141

# The widest layer --sizes and --hidden accept. It only catches slips such as
# an extra run of zeros before NumPy sees them; whether a network of
# acceptable widths fits in memory is checked separately (check_memory).
MAX_WIDTH = 10**9

# The shipped digits' 1,347 training samples are split, always the same way:
# the first 1,000 train, the last 347 are the validation set that chooses the
# epoch (--save, --patience). The 450 test samples are used once, at the end.
DIGITS_VALIDATION = 347

# train's default --init is "scaled", not the text's "standard": on the 1,000
# digits that train, seeds 0-9 end between 97.1% and 98.4% test accuracy with
# it (the defaults otherwise), and between 79.8% and 98.2% (median 96.9%) with
# "standard", whose saturated hidden neurons make the result depend on the seed.

# What each choice is for, shown in --help.
ACTIVATION_HELP = {
    "sigmoid": "σ(z) = 1/(1 + e^-z), the text's",
    "tanh": "tanh z, in (-1, 1)",
    "relu": "max(0, z), with a smaller --eta such as 0.5",
    "softmax": "a probability vector over the classes, for --cost log-likelihood",
    "identity": "a = z, for regression with --cost quadratic",
}
COST_HELP = {
    "quadratic": "(1/2n) Σ ||y - a||², the text's cost in chapters 1 and 2",
    "cross-entropy": "no learning slowdown when sigmoid outputs saturate, with "
    "--output-activation sigmoid or softmax",
    "log-likelihood": "-ln a_y, with --output-activation softmax",
}
INIT_HELP = {
    "standard": "every weight and bias from N(0, 1), the text's",
    "scaled": "weights from N(0, 1/n_in), so hidden neurons start unsaturated",
}


class Split(NamedTuple):
    """A data set cut three ways: train, choose the epoch, report once."""

    X_train: Array
    y_train: Array
    X_validation: Array
    y_validation: Array
    X_test: Array
    y_test: Array


class DataSet(NamedTuple):
    """A data set the command line knows: how to load it and its shape."""

    load: Callable[[str | None], Split]
    sizes: list[int]  # the default network: the data's input width, 30, classes
    training: int  # samples, for the memory estimate
    validation: int


def _digits(data_dir: str | None) -> Split:
    d = load_digits()
    k = d.X_train.shape[1] - DIGITS_VALIDATION
    return Split(
        d.X_train[:, :k], d.y_train[:k], d.X_train[:, k:], d.y_train[k:],
        d.X_test, d.y_test,
    )  # fmt: skip


def _mnist(data_dir: str | None) -> Split:
    return Split(*load_mnist(data_dir))


DATASETS = {
    "digits": DataSet(
        _digits, [64, 30, 10], 1347 - DIGITS_VALIDATION, DIGITS_VALIDATION
    ),
    "mnist": DataSet(_mnist, [784, 30, 10], 50_000, 10_000),
}


class Interrupted(KeyboardInterrupt):
    """Ctrl-C, with what the user needs to know about the interrupted run."""


# -- argument types: each names what it got and what it expects ---------------------


def _integer(
    minimum: int, maximum: int | None = None, noun: str = "an integer"
) -> Callable[[str], int]:
    if maximum is None:
        expects = f"{noun} >= {minimum}"
    else:
        expects = f"{noun} from {minimum} to {maximum:,}"

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        too_big = maximum is not None and value is not None and value > maximum
        if value is None or value < minimum or too_big:
            raise argparse.ArgumentTypeError(f"expected {expects}, got {text!r}")
        return value

    return parse


def _real(positive: bool) -> Callable[[str], float]:
    expects = "a positive finite number" if positive else "a finite number >= 0"

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or value < 0 or (positive and value == 0):
            raise argparse.ArgumentTypeError(f"expected {expects}, got {text!r}")
        return value

    return parse


WIDTH = _integer(1, MAX_WIDTH, "a layer width")


def _choices(help_by_name: dict[str, str], names: Iterable[str]) -> str:
    return "; ".join(f"{n}: {help_by_name[n]}" for n in sorted(names))


# -- the parser --------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    """argparse, with its errors on one line (no usage block), as bp4's own are."""

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
        "Backpropagate one sample through a tiny network and print every quantity "
        "in order, under its equation: z^l and a^l, the cost, BP1, BP2, BP3, BP4, "
        "and finite-difference estimates beside backpropagation's values.",
    )
    explain.add_argument(
        "--sizes",
        type=_integer(1, MAX_PRINTED_WIDTH, "a layer width"),
        nargs="+",
        default=[2, 3, 2],
        metavar="N",
        help=f"layer widths [n_1 ... n_L], each at most {MAX_PRINTED_WIDTH} so "
        "every matrix fits on the screen",
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


# -- checks made before anything is printed ------------------------------------------


def train_sizes(args: argparse.Namespace) -> list[int]:
    """The network's widths from --sizes or --hidden, checked against the data."""
    n_in, n_out = DATASETS[args.dataset].sizes[0], DATASETS[args.dataset].sizes[-1]
    if args.hidden is not None:
        return [n_in, *args.hidden, n_out]
    if args.sizes is None:
        return list(DATASETS[args.dataset].sizes)
    # The data's input width and number of classes (10 for both), whatever
    # labels a small or custom copy happens to contain.
    if len(args.sizes) < 2 or args.sizes[0] != n_in or args.sizes[-1] != n_out:
        raise ValueError(
            f"--sizes must start with {n_in} inputs and end with {n_out} outputs for "
            f"{args.dataset}, got {' '.join(map(str, args.sizes))} (or give only the "
            f"hidden layers with --hidden)"
        )
    return list(args.sizes)


def check_save_path(path: str) -> None:
    """Fail before training, not after the first epoch, if FILE cannot be written."""
    target = Path(path)
    directory = target.absolute().parent
    if not directory.is_dir():
        raise ValueError(f"--save {path}: the directory {directory} does not exist")
    if target.is_dir():
        raise ValueError(f"--save {path}: that is a directory, not a file name")
    if target.exists() and not target.is_file():
        raise ValueError(
            f"--save {path}: that is not a regular file (a FIFO, socket or device); "
            f"name a new file or an existing .npz"
        )
    try:  # the save writes a temporary file in the directory, then renames it
        with tempfile.TemporaryFile(dir=directory):
            pass
    except OSError as error:
        raise ValueError(
            f"--save {path}: cannot write in {directory} ({error.strerror or error})"
        ) from None


def check_memory(sizes: Sequence[int], samples: int, doing: str) -> None:
    """Refuse, before allocating anything, a network that cannot fit in memory.

    The estimate counts four float64 copies of the parameters (w^l, ∂C/∂w^l,
    the step η ∂C/∂w^l and the best epoch's, or the temporaries of
    initialisation) and four arrays of ``samples`` columns per layer (z^l,
    a^l, σ'(z^l), δ^l), against the machine's physical memory.
    """
    parameters = sum(n * (m + 1) for m, n in zip(sizes[:-1], sizes[1:]))
    needed = 8 * (4 * parameters + 4 * samples * sum(sizes))
    total = physical_memory()
    if total is not None and needed > total:
        raise MemoryError(
            f"{doing} a network of sizes {list(sizes)} ({parameters:,} parameters) "
            f"on {samples:,} samples at once needs about {needed / 1e9:.3g} GB, and "
            f"this machine has {total / 1e9:.3g} GB"
        )


def physical_memory() -> int | None:
    """Bytes of physical memory, where the system says (Linux, macOS)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None


# bp4.Network's messages name its keywords (cost='quadratic'); the command
# line's name the options that set them (--cost quadratic).
_KEYWORD = re.compile(r"\b(output_activation|activation|cost|init)=(['\"]?)([\w.-]+)\2")
_ALTERNATIVE = re.compile(r"(--[\w-]+ [\w.-]+) or '([\w.-]+)'")


def in_option_names(message: str) -> str:
    """``message`` with ``output_activation='relu'`` as ``--output-activation relu``."""
    message = _KEYWORD.sub(lambda m: f"--{m[1].replace('_', '-')} {m[3]}", message)
    return _ALTERNATIVE.sub(r"\1 or \2", message)


@contextlib.contextmanager
def _option_names() -> Iterator[None]:
    """Re-raise a ValueError of building a network in the options' names."""
    try:
        yield
    except ValueError as error:
        raise ValueError(in_option_names(str(error))) from None


def _check_data_dir(args: argparse.Namespace, dataset: str) -> None:
    if args.data_dir is not None and dataset != "mnist":
        raise ValueError(f"--data-dir applies to --dataset mnist only, not {dataset}")


# -- train ---------------------------------------------------------------------------


def run_train(args: argparse.Namespace) -> int:
    sizes = train_sizes(args)
    _check_data_dir(args, args.dataset)
    if args.save is not None:
        check_save_path(args.save)
    data_set = DATASETS[args.dataset]
    # A batch's columns at a time in training; the validation set's in evaluation.
    samples = max(min(args.batch_size, data_set.training), data_set.validation)
    check_memory(sizes, samples, "training")
    with _option_names():
        net = Network(
            sizes,
            args.activation,
            args.cost,
            args.init,
            seed=args.seed,
            output_activation=args.output_activation,
        )
    data = DATASETS[args.dataset].load(args.data_dir)
    print(_banner(args, net, data), flush=True)
    run = _Run(net, args.save)
    start = time.perf_counter()
    try:
        history = net.sgd(
            data.X_train, data.y_train, args.epochs, args.batch_size, args.eta,
            lmbda=args.lmbda, validation=(data.X_validation, data.y_validation),
            patience=args.patience, callback=run.on_epoch,
        )  # fmt: skip
    except KeyboardInterrupt:
        raise Interrupted(run.interrupted()) from None
    best = run.restore_best()
    correct, total = net.evaluate(data.X_test, data.y_test), data.X_test.shape[1]
    print(
        f"Done in {time.perf_counter() - start:.1f} s. Best validation accuracy "
        f"{best.validation_correct} / {best.validation_total} "
        f"({best.validation_accuracy:.1%}) at epoch {best.epoch}; that network's "
        f"test accuracy: {correct} / {total} ({correct / total:.1%})"
    )
    if history.stopped_early:
        print(
            f"Stopped after epoch {history[-1].epoch}: no better validation "
            f"accuracy in {args.patience} epochs (--patience {args.patience})"
        )
    if run.saved is not None:
        print(f"Saved the network of epoch {run.saved.epoch} to {args.save}")
    return 0


def _banner(args: argparse.Namespace, net: Network, data: Split) -> str:
    extra = "".join(
        f", {name} {value:g}"
        for name, value in (("lmbda", args.lmbda), ("patience", args.patience))
        if value
    )
    return (
        f"Training {net} on {args.dataset} ({data.X_train.shape[1]} training, "
        f"{data.X_validation.shape[1]} validation samples; the "
        f"{data.X_test.shape[1]} test samples are used once, at the end): "
        f"{args.epochs} epochs, batch size {args.batch_size}, eta {args.eta:g}{extra}"
    )


class _Run:
    """What train keeps between epochs: the best epoch, and where it is saved."""

    def __init__(self, net: Network, save: str | None) -> None:
        self.net, self.save = net, save
        self.epoch = 1  # the epoch in progress
        self.best: EpochRecord | None = None
        self.best_parameters: list[Array] = []
        self.saved: EpochRecord | None = None  # the epoch in the --save file

    def on_epoch(self, record: EpochRecord) -> None:
        print(record, flush=True)
        if self.best is None or (record.validation_correct or 0) > (
            self.best.validation_correct or 0
        ):
            self.best = record
            self.best_parameters = [p.copy() for p in self._parameters()]
            if self.save is not None:
                self.net.save(self.save)
                self.saved = record
        self.epoch = record.epoch + 1

    def restore_best(self) -> EpochRecord:
        """Put the best epoch's parameters back into the network; its record."""
        assert self.best is not None  # sgd ran at least one epoch
        for p, best in zip(self._parameters(), self.best_parameters):
            p[...] = best
        return self.best

    def interrupted(self) -> str:
        message = f"interrupted at epoch {self.epoch}"
        if self.saved is not None:
            return (
                f"{message}; the best network so far (epoch {self.saved.epoch}, "
                f"validation accuracy {self.saved.validation_accuracy:.1%}) is in "
                f"{self.save}"
            )
        if self.save is not None:
            return f"{message}; nothing was saved to {self.save} yet"
        return message

    def _parameters(self) -> list[Array]:
        return [*self.net.weights, *self.net.biases]


# -- evaluate ------------------------------------------------------------------------

# What a damaged or hostile file can raise inside NumPy's and zipfile's readers.
_UNREADABLE = (
    EOFError, KeyError, AttributeError, NotImplementedError, OverflowError,
    RecursionError, IndexError, zipfile.BadZipFile, zlib.error,
)  # fmt: skip


def run_evaluate(args: argparse.Namespace) -> int:
    try:
        net = Network.load(args.file)
    except _UNREADABLE as error:
        raise ValueError(
            f"{args.file} is not a network saved by bp4: {type(error).__name__}: "
            f"{error}"
        ) from None
    name = args.dataset or _dataset_for(net, args.file)
    _check_data_dir(args, name)
    n_in, n_out = DATASETS[name].sizes[0], DATASETS[name].sizes[-1]
    if net.sizes[0] != n_in or net.sizes[-1] != n_out:
        raise ValueError(
            f"{args.file} holds a network of sizes {net.sizes}; {name} needs "
            f"{n_in} inputs and {n_out} outputs"
        )
    X, y = mnist_test(args.data_dir) if name == "mnist" else load_digits()[2:]
    correct, total = net.evaluate(X, y), X.shape[1]
    print(
        f"{args.file}: {net} classifies {correct} / {total} ({100 * correct / total:.1f}%)"
        f" of the {name} test samples correctly"
    )
    return 0


def _dataset_for(net: Network, file: str) -> str:
    fits = [n for n, d in DATASETS.items() if d.sizes[0] == net.sizes[0]]
    if not fits:
        raise ValueError(
            f"{file} holds a network with {net.sizes[0]} inputs; no data set has "
            f"samples of that size ("
            + ", ".join(f"{n}: {d.sizes[0]}" for n, d in DATASETS.items())
            + "); name one with --dataset"
        )
    return fits[0]


def mnist_test(data_dir: str | None) -> tuple[Array, Array]:
    """MNIST's 10,000 test images and labels, read from the two t10k files only.

    Nothing is downloaded and no folder is created: ``bp4 train --dataset
    mnist`` fetches the files.
    """
    directory = Path(data_dir) if data_dir is not None else mnist.default_data_dir()
    found = mnist.find_files(directory)
    images = found[mnist.FILES["test_images"]]
    labels = found[mnist.FILES["test_labels"]]
    if images is None or labels is None:
        raise mnist.MnistUnavailableError(
            f"the MNIST test files are not in {directory} (looked for "
            f"{mnist.FILES['test_images']} and {mnist.FILES['test_labels']}, raw or "
            f".gz); 'bp4 train --dataset mnist' downloads them there, or pass "
            f"--data-dir"
        )
    X = mnist.read_idx(images, mnist.IMAGES_MAGIC)
    y = mnist.read_idx(labels, mnist.LABELS_MAGIC)
    if len(X) != len(y):
        raise ValueError(
            f"{images} holds {len(X)} images but {labels} holds {len(y)} labels; "
            f"they must match"
        )
    return np.divide(X.T, 255.0), y.astype(np.int64)


# -- explain and gradcheck -----------------------------------------------------------


def run_explain(args: argparse.Namespace) -> int:
    from .walkthrough import explain, format_walkthrough

    with _option_names():
        walk = explain(
            args.sizes, args.seed, args.activation, args.cost,
            output_activation=args.output_activation,
        )  # fmt: skip
    print(format_walkthrough(walk))
    return 0


def run_gradcheck(args: argparse.Namespace) -> int:
    from .gradcheck import gradient_check, max_error, reading

    check_memory(args.sizes, args.batch_size, "checking")
    with _option_names():
        net = Network(
            args.sizes, args.activation, args.cost, seed=args.seed,
            output_activation=args.output_activation,
        )  # fmt: skip
    rng = np.random.default_rng(args.seed)
    m, n_out = args.batch_size, net.sizes[-1]
    X = rng.standard_normal((net.sizes[0], m))
    if args.cost == "log-likelihood":  # its targets are one-hot probability vectors
        Y = np.eye(n_out)[:, rng.integers(n_out, size=m)]
    else:
        Y = rng.random((n_out, m))  # targets in [0, 1)
    errors = gradient_check(net, X, Y)
    print(
        f"Gradient check of {net} on {m} random samples (seed {args.seed}):\n"
        "relative error |backprop - finite difference| / (|backprop| + |finite "
        "difference|), Euclidean norms over each layer"
    )
    print(f"{'layer':<7}  {'weights w^l':<12}  {'biases b^l':<12}  reading")
    for e in errors:
        print(
            f"{'l = ' + str(e.layer):<7}  {e.weights:<12.2e}  {e.biases:<12.2e}  "
            f"{reading(max_error([e]))}"
        )
    worst = max_error(errors)
    print(
        f"Largest error {worst:.2e}: {reading(worst)} (below 1e-7 good, "
        "above 1e-2 or not a number wrong, in between suspicious)"
    )
    return 1 if reading(worst) == "wrong" else 0


# -- the one place failures become messages and exit statuses ------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status of a run that ended, and
    raises SystemExit with the status of one that failed (its line printed)."""
    parser = build_parser()
    prefix = "bp4"
    try:
        try:
            args = parser.parse_args(argv)
        finally:  # --help exits here: flush now, so a closed pipe is seen below
            sys.stdout.flush()
        prefix = f"bp4 {args.command}"
        with warnings.catch_warnings():
            warnings.filterwarnings("default", category=TrainingStalledWarning)
            warnings.showwarning = _one_line_warning(prefix)
            status: int = args.run(args)
        sys.stdout.flush()
        return status
    except BrokenPipeError:
        _discard_stdout()
        raise SystemExit(STDOUT_CLOSED) from None
    except KeyboardInterrupt as interrupt:
        message = str(interrupt) if isinstance(interrupt, Interrupted) else ""
        _fail(parser, INTERRUPTED, f"{prefix}: {message or 'interrupted'}")
    except MemoryError as error:
        _fail(parser, 1, f"{prefix}: error: not enough memory: {error or 'no detail'}")
    except (ValueError, TypeError) as error:
        _fail(parser, 2, f"{prefix}: error: {error}")
    except (OSError, ArithmeticError) as error:  # ArithmeticError: training diverged
        _fail(parser, 1, f"{prefix}: error: {_os_message(error)}")


def _os_message(error: BaseException) -> str:
    """``FILE: No such file or directory`` rather than ``[Errno 2] No such …: 'FILE'``."""
    filename, strerror = (
        getattr(error, "filename", None),
        getattr(error, "strerror", None),
    )
    if filename is not None and strerror and getattr(error, "filename2", None) is None:
        return f"{filename}: {strerror}"
    return str(error)


def _fail(parser: argparse.ArgumentParser, status: int, line: str) -> NoReturn:
    # One line, however many the message had, so that it reads as one error.
    parser.exit(status, " ".join(line.split("\n")) + "\n")


def _one_line_warning(prefix: str) -> Callable[..., None]:
    """A ``warnings.showwarning`` that prints ``bp4 train: warning: …``, one line."""

    def show(message: Warning | str, *args: Any, **kwargs: Any) -> None:
        line = " ".join(in_option_names(str(message)).split("\n"))
        print(f"{prefix}: warning: {line}", file=sys.stderr, flush=True)

    return show


def _discard_stdout() -> None:
    """Point stdout at /dev/null, so the exit's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no file descriptor (stdout replaced): nothing to do
        pass


if __name__ == "__main__":
    sys.exit(main())
