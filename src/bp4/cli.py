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
    add_explain_command(commands)
    add_gradcheck_command(commands)
    return parser


def add_explain_command(commands: argparse._SubParsersAction) -> None:
    explain = commands.add_parser(
        "explain",
        help="walk through one backpropagation step, BP1-BP4, with every number",
        description="Backpropagate one sample through a tiny network and print every "
        "quantity in order, under its equation: z^l and a^l, the cost, BP1, BP2, BP3, "
        "BP4, and finite-difference estimates beside backpropagation's values.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
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
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
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
