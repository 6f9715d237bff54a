"""bp4's command line: ``python -m bp4 train`` (or the ``bp4`` script).

Every mistake in the arguments ends in a one-line message and exit status 2,
argparse's convention, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

from .activations import ACTIVATIONS
from .cost import COSTS
from .datasets import load_digits
from .network import INITS, EpochRecord, Network

DATASETS = {"digits": (load_digits, [64, 30, 10])}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bp4", description="Backpropagation's four equations, BP1-BP4, in NumPy."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    train = commands.add_parser(
        "train",
        help="train a network with mini-batch SGD",
        description="Train a network with mini-batch stochastic gradient descent "
        "and report the test accuracy after every epoch.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    train.add_argument("--dataset", choices=sorted(DATASETS), default="digits")
    train.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        metavar="N",
        help="layer widths [n_1 ... n_L]; the first and last must match the data "
        "(default: 64 30 10 for digits)",
    )
    train.add_argument("--epochs", type=int, default=30)
    train.add_argument("--batch-size", type=int, default=10)
    train.add_argument("--eta", type=float, default=3.0, help="learning rate η")
    train.add_argument("--activation", choices=sorted(ACTIVATIONS), default="sigmoid")
    train.add_argument("--cost", choices=sorted(COSTS), default="quadratic")
    train.add_argument("--init", choices=INITS, default="standard")
    train.add_argument(
        "--seed", type=int, default=0, help="seed for weights and shuffling"
    )
    train.set_defaults(run=run_train)
    return parser


def format_epoch(record: EpochRecord) -> str:
    """``Epoch 12: 438 / 450 (97.3%)  cost 0.0123  0.04 s``."""
    score = ""
    if record.accuracy is not None:
        percent = 100 * record.accuracy
        score = f" {record.correct} / {record.total} ({percent:.1f}%) "
    return (
        f"Epoch {record.epoch}:{score} cost {record.cost:.4f}  {record.seconds:.2f} s"
    )


def run_train(args: argparse.Namespace) -> int:
    load, default_sizes = DATASETS[args.dataset]
    data = load()
    sizes = args.sizes or default_sizes
    n_in, n_out = data.X_train.shape[0], int(data.y_train.max()) + 1
    if sizes[0] != n_in or sizes[-1] != n_out:
        raise ValueError(
            f"--sizes must start with {n_in} inputs and end with {n_out} outputs for "
            f"{args.dataset}, got {' '.join(map(str, sizes))}"
        )
    net = Network(sizes, args.activation, args.cost, args.init, seed=args.seed)
    print(
        f"Training {net} on {args.dataset} ({data.X_train.shape[1]} training, "
        f"{data.X_test.shape[1]} test samples): {args.epochs} epochs, "
        f"batch size {args.batch_size}, eta {args.eta:g}",
        flush=True,
    )
    start = time.perf_counter()
    history = net.sgd(
        data.X_train,
        data.y_train,
        args.epochs,
        args.batch_size,
        args.eta,
        test=(data.X_test, data.y_test),
        callback=lambda record: print(format_epoch(record), flush=True),
    )
    elapsed = time.perf_counter() - start
    if history:
        last, best = history[-1], max(history, key=lambda r: r.correct or 0)
        print(
            f"Done in {elapsed:.1f} s: final test accuracy {last.correct} / {last.total} "
            f"({last.accuracy:.1%}), best {best.accuracy:.1%} at epoch "
            f"{best.epoch}"
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
    return 2  # not reached: parser.exit raises SystemExit


if __name__ == "__main__":
    sys.exit(main())
