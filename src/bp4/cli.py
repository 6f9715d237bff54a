"""bp4's command line: ``python -m bp4 train`` (or the ``bp4`` script).

Every mistake in the arguments or the input ends in a one-line message and
exit status 2, argparse's convention, never a traceback. A run that fails for
another reason (MNIST unavailable, a file that cannot be read or written,
training that diverged) ends in a one-line message and exit status 1.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Sequence
from typing import NoReturn

from .activations import ACTIVATIONS, OUTPUT_ACTIVATIONS
from .cost import COSTS
from .datasets import Dataset, MnistData, load_digits, load_mnist
from .network import INITS, Network
from .training import EpochRecord, TrainingDivergedError

# name → (loader taking the --data-dir value, default sizes)
DATASETS: dict[str, tuple[Callable[[str | None], Dataset | MnistData], list[int]]] = {
    "digits": (lambda data_dir: load_digits(), [64, 30, 10]),
    "mnist": (lambda data_dir: load_mnist(data_dir), [784, 30, 10]),
}
EXIT_STATUS = (
    "exit status: 0 done; 1 the run failed (MNIST unavailable, a file unreadable, "
    "training diverged); 2 bad arguments or bad input"
)


class _Parser(argparse.ArgumentParser):
    """argparse, with its errors on one line (no usage block), as bp4's own are."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} -h)\n")


class _DefaultsFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Shows each option's default, except None (which the help text explains)."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        if action.default is None:
            return action.help
        return super()._get_help_string(action)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="bp4",
        description="Backpropagation's four equations, BP1-BP4, in NumPy.",
        epilog=EXIT_STATUS,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    train = commands.add_parser(
        "train",
        help="train a network with mini-batch SGD",
        description="Train a network with mini-batch stochastic gradient descent "
        "and report the test accuracy after every epoch.",
        formatter_class=_DefaultsFormatter,
    )
    train.add_argument(
        "--dataset",
        choices=sorted(DATASETS),
        default="digits",
        help="digits: 8x8, shipped with bp4; mnist: 28x28, read from --data-dir",
    )
    train.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        metavar="N",
        help="layer widths [n_1 ... n_L]; the first and last must match the data "
        "(default: 64 30 10 for digits, 784 30 10 for mnist)",
    )
    train.add_argument("--epochs", type=int, default=30, help="passes over the data")
    train.add_argument(
        "--batch-size", type=int, default=10, help="samples per mini-batch"
    )
    train.add_argument("--eta", type=float, default=3.0, help="learning rate η")
    train.add_argument(
        "--activation",
        choices=sorted(ACTIVATIONS),
        default="sigmoid",
        help="σ of the hidden layers",
    )
    train.add_argument(
        "--output-activation",
        choices=sorted(OUTPUT_ACTIVATIONS),
        default="sigmoid",
        help="σ of the output layer (softmax goes with --cost log-likelihood)",
    )
    train.add_argument("--cost", choices=sorted(COSTS), default="quadratic")
    train.add_argument("--init", choices=INITS, default="standard")
    train.add_argument(
        "--seed", type=int, default=0, help="seed for weights and shuffling"
    )
    _add_data_dir(train)
    train.add_argument(
        "--save",
        metavar="FILE",
        help="after each epoch, save the network to FILE (.npz) if its test "
        "accuracy is the best so far: FILE ends up holding the best network of the "
        "run, not the last (load it with bp4.Network.load)",
    )
    train.set_defaults(run=run_train)
    add_explain_command(commands)
    add_gradcheck_command(commands)
    _add_evaluate(commands)
    return parser


def add_explain_command(commands: argparse._SubParsersAction) -> None:
    explain = commands.add_parser(
        "explain",
        help="walk through one backpropagation step, BP1-BP4, with every number",
        description="Backpropagate one sample through a tiny network and print every "
        "quantity in order, under its equation: z^l and a^l, the cost, BP1, BP2, BP3, "
        "BP4, and finite-difference estimates beside backpropagation's values.",
        formatter_class=_DefaultsFormatter,
    )
    explain.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=[2, 3, 2],
        metavar="N",
        help="layer widths [n_1 ... n_L], each at most 10 so every matrix fits",
    )
    explain.add_argument(
        "--seed", type=int, default=0, help="seed for the weights, x and y"
    )
    explain.add_argument("--activation", choices=sorted(ACTIVATIONS), default="sigmoid")
    explain.add_argument("--cost", choices=sorted(COSTS), default="quadratic")
    explain.set_defaults(run=run_explain)


def run_explain(args: argparse.Namespace) -> int:
    from .walkthrough import explain, format_walkthrough

    walk = explain(args.sizes, args.seed, args.activation, args.cost)
    print(format_walkthrough(walk))
    return 0


def add_gradcheck_command(commands: argparse._SubParsersAction) -> None:
    gradcheck = commands.add_parser(
        "gradcheck",
        help="check backpropagation's gradient against finite differences",
        description="Compare the gradient from BP1-BP4 with finite differences on a "
        "random network and a batch of random samples, and print each layer's "
        "largest relative error. Exit status 1 if any layer's gradient is wrong. "
        "(With relu, a finite difference across the kink at z = 0 measures neither "
        "side's slope; if a layer reads suspicious, try another --seed.)",
        formatter_class=_DefaultsFormatter,
    )
    gradcheck.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=[4, 5, 3],
        metavar="N",
        help="layer widths [n_1 ... n_L]",
    )
    gradcheck.add_argument(
        "--activation", choices=sorted(ACTIVATIONS), default="sigmoid"
    )
    gradcheck.add_argument("--cost", choices=sorted(COSTS), default="quadratic")
    gradcheck.add_argument(
        "--batch-size", type=int, default=10, help="samples in the random batch"
    )
    gradcheck.add_argument(
        "--seed", type=int, default=0, help="seed for the weights and the batch"
    )
    gradcheck.set_defaults(run=run_gradcheck)


def gradcheck_reading(error: float) -> str:
    """The usual reading of a relative error in float64."""
    if error < 1e-7:
        return "good"
    if error > 1e-2:
        return "wrong"
    return "suspicious"


def run_gradcheck(args: argparse.Namespace) -> int:
    import numpy as np

    from .gradcheck import gradient_check

    if args.batch_size < 1:
        raise ValueError(f"--batch-size must be at least 1, got {args.batch_size}")
    net = Network(args.sizes, args.activation, args.cost, seed=args.seed)
    rng = np.random.default_rng(args.seed)
    X = rng.standard_normal((net.sizes[0], args.batch_size))
    Y = rng.random((net.sizes[-1], args.batch_size))  # targets in [0, 1)
    print(
        f"Gradient check of {net} on {args.batch_size} random samples (seed "
        f"{args.seed}):\nrelative error |backprop - finite difference| / "
        "(|backprop| + |finite difference|), Euclidean norms over each layer"
    )
    print(f"{'layer':<7}  {'weights w^l':<12}  {'biases b^l':<12}  reading")
    errors = gradient_check(net, X, Y)
    for e in errors:
        worst = max(e.weights, e.biases)
        print(
            f"{'l = ' + str(e.layer):<7}  {e.weights:<12.2e}  {e.biases:<12.2e}  "
            f"{gradcheck_reading(worst)}"
        )
    worst = max(max(e.weights, e.biases) for e in errors)
    print(
        f"Largest error {worst:.2e}: {gradcheck_reading(worst)} (below 1e-7 good, "
        "above 1e-2 wrong, in between suspicious)"
    )
    return 1 if gradcheck_reading(worst) == "wrong" else 0


def _add_data_dir(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--data-dir",
        metavar="DIR",
        help="folder holding the four MNIST files, downloaded there if missing "
        "(default: $BP4_DATA, else the user cache folder + bp4/mnist)",
    )


def _add_evaluate(commands: argparse._SubParsersAction) -> None:
    evaluate = commands.add_parser(
        "evaluate",
        help="report the test accuracy of a saved network",
        description="Load a network saved by 'bp4 train --save' (or Network.save) "
        "and report how many test samples it classifies correctly.",
        epilog=EXIT_STATUS,
    )
    evaluate.add_argument("file", metavar="FILE", help="the saved network (.npz)")
    evaluate.add_argument(
        "--dataset",
        choices=sorted(DATASETS),
        help="default: the one whose samples fit the network's input layer",
    )
    _add_data_dir(evaluate)
    evaluate.set_defaults(run=run_evaluate)


def format_epoch(record: EpochRecord) -> str:
    """``Epoch 12: 438 / 450 (97.3%)  cost 0.0123  0.04 s``."""
    score = ""
    if record.accuracy is not None:
        percent = 100 * record.accuracy
        score = f" {record.correct} / {record.total} ({percent:.1f}%) "
    return (
        f"Epoch {record.epoch}:{score} cost {record.cost:.4f}  {record.seconds:.2f} s"
    )


def load_dataset(name: str, data_dir: str | None) -> Dataset | MnistData:
    """The data set called ``name``; ``data_dir`` is where MNIST is kept."""
    if data_dir is not None and name != "mnist":
        raise ValueError(f"--data-dir applies to --dataset mnist only, not {name}")
    return DATASETS[name][0](data_dir)


def check_save_path(path: str) -> None:
    """Fail before training, not after the first epoch, if FILE cannot be written."""
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise ValueError(f"--save {path}: the directory {directory} does not exist")
    if os.path.isdir(path):
        raise ValueError(f"--save {path}: that is a directory, not a file name")


def run_train(args: argparse.Namespace) -> int:
    if args.save is not None:
        check_save_path(args.save)
    default_sizes = DATASETS[args.dataset][1]
    data = load_dataset(args.dataset, args.data_dir)
    sizes = args.sizes or default_sizes
    # The default sizes name the data's input size and number of classes (10
    # for both), whatever labels a small or custom copy happens to contain.
    n_in, n_out = default_sizes[0], default_sizes[-1]
    if sizes[0] != n_in or sizes[-1] != n_out:
        raise ValueError(
            f"--sizes must start with {n_in} inputs and end with {n_out} outputs for "
            f"{args.dataset}, got {' '.join(map(str, sizes))}"
        )
    net = Network(
        sizes,
        args.activation,
        args.cost,
        args.init,
        seed=args.seed,
        output_activation=args.output_activation,
    )
    print(
        f"Training {net} on {args.dataset} ({data.X_train.shape[1]} training, "
        f"{data.X_test.shape[1]} test samples): {args.epochs} epochs, "
        f"batch size {args.batch_size}, eta {args.eta:g}",
        flush=True,
    )
    saved: list[EpochRecord] = []  # the epoch whose network is in --save FILE

    def on_epoch(record: EpochRecord) -> None:
        print(format_epoch(record), flush=True)
        best = saved[0].correct if saved else None
        if args.save is not None and (best is None or (record.correct or 0) > best):
            net.save(args.save)
            saved[:] = [record]

    start = time.perf_counter()
    history = net.sgd(
        data.X_train,
        data.y_train,
        args.epochs,
        args.batch_size,
        args.eta,
        test=(data.X_test, data.y_test),
        callback=on_epoch,
    )
    elapsed = time.perf_counter() - start
    if history:
        last, best = history[-1], max(history, key=lambda r: r.correct or 0)
        print(
            f"Done in {elapsed:.1f} s: final test accuracy {last.correct} / {last.total} "
            f"({last.accuracy:.1%}), best {best.accuracy:.1%} at epoch "
            f"{best.epoch}"
        )
    if saved:
        print(
            f"Saved the network of epoch {saved[0].epoch} "
            f"({saved[0].accuracy:.1%} test accuracy) to {args.save}"
        )
    return 0


def run_evaluate(args: argparse.Namespace) -> int:
    net = Network.load(args.file)
    name = args.dataset
    if name is None:
        fits = [n for n, (_, sizes) in DATASETS.items() if sizes[0] == net.sizes[0]]
        if not fits:
            raise ValueError(
                f"{args.file} holds a network with {net.sizes[0]} inputs; no data set "
                f"has samples of that size ("
                + ", ".join(f"{n}: {s[0]}" for n, (_, s) in DATASETS.items())
                + ")"
            )
        name = fits[0]
    data = load_dataset(name, args.data_dir)
    n_in, n_out = DATASETS[name][1][0], DATASETS[name][1][-1]
    if net.sizes[0] != n_in or net.sizes[-1] != n_out:
        raise ValueError(
            f"{args.file} holds a network of sizes {net.sizes}; {name} needs "
            f"{n_in} inputs and {n_out} outputs"
        )
    correct, total = net.evaluate(data.X_test, data.y_test), data.X_test.shape[1]
    print(
        f"{args.file}: {net} classifies {correct} / {total} ({100 * correct / total:.1f}%)"
        f" of the {name} test samples correctly"
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except (ValueError, TypeError) as error:
        parser.exit(2, f"bp4 {args.command}: error: {error}\n")
    except (OSError, TrainingDivergedError) as error:
        parser.exit(1, f"bp4 {args.command}: error: {error}\n")
    return 2  # not reached: parser.exit raises SystemExit


if __name__ == "__main__":
    sys.exit(main())
