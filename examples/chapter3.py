"""Chapter 3 of the text on MNIST: the cross-entropy cost, L2 regularisation, softmax.

    python examples/chapter3.py [--run NAME ...] [--data-dir DIR] [--no-download]
    python examples/chapter3.py --quick      # seconds, on the shipped 8×8 digits

The runs, each with sigmoid hidden neurons, weights and biases drawn from
N(0, 1) (the text's "large" initialisation for these runs), mini-batches of
10 and 30 epochs on MNIST's 50,000 training images:

- ``cross-entropy``: [784, 30, 10], sigmoid output, cross-entropy cost,
  η = 0.5. The text reports 95.49%.
- ``regularised``: [784, 100, 10], the same, with L2 regularisation
  λ = 5.0. The text reports 97.92% on the validation images.
- ``softmax``: [784, 30, 10], softmax output, log-likelihood cost, η = 0.5
  (a run of bp4's, not the text's).

After every epoch it prints the training cost and the accuracy on MNIST's
10,000 validation images. Each run keeps the parameters of its best
validation epoch (``sgd(..., patience=epochs)``), and only that network is
scored on the 10,000 test images, once, at the end: the validation images
choose, the test images judge.

``--quick`` runs the same three set-ups on the digits that ship with bp4
(64 inputs instead of 784; the first 1,000 training samples train, the last
347 validate) for a few epochs: a check that the script works, not the
text's experiment. If MNIST is absent and cannot be fetched, the reason goes
to stderr and the exit status is 3.
"""

from __future__ import annotations

import sys
import time
from typing import Any, NamedTuple

from _support import ArgumentParser, count, run

import bp4

DATA_MISSING = 3  # exit status when MNIST cannot be had
QUICK_EPOCHS = 3
DIGITS_TRAIN = 1000  # of the digits' 1,347 training samples; the rest validate


class Run(NamedTuple):
    hidden: int
    output_activation: str
    cost: str
    eta: float
    lmbda: float
    text: str  # what the text reports for this run, or that it is bp4's own


RUNS = {
    "cross-entropy": Run(30, "sigmoid", "cross-entropy", 0.5, 0.0, "95.49%"),
    "regularised": Run(
        100, "sigmoid", "cross-entropy", 0.5, 5.0, "97.92% on validation data"
    ),
    "softmax": Run(30, "softmax", "log-likelihood", 0.5, 0.0, "no figure (bp4's run)"),
}


class Result(NamedTuple):
    name: str
    best_epoch: int
    validation: tuple[int, int]
    test: tuple[int, int]
    seconds: float


def train(name: str, run: Run, data: Any, epochs: int, seed: int) -> Result:
    """One run: train, keep the best validation epoch, score it on the test set."""
    sizes = [data.X_train.shape[0], run.hidden, 10]
    net = bp4.Network(
        sizes,
        output_activation=run.output_activation,
        cost=run.cost,
        init="standard",
        seed=seed,
    )
    print(
        f"\n{name}: {net}, η = {run.eta}, λ = {run.lmbda}, batch 10, "
        f"{epochs} epochs on {data.X_train.shape[1]} samples",
        flush=True,
    )
    start = time.perf_counter()
    history = net.sgd(
        data.X_train,
        data.y_train,
        epochs,
        10,
        run.eta,
        lmbda=run.lmbda,
        validation=(data.X_validation, data.y_validation),
        patience=epochs,  # never stops early; restores the best validation epoch
        verbose=True,
    )
    seconds = time.perf_counter() - start
    best = history[(history.best_epoch or len(history)) - 1]
    validation = (best.validation_correct or 0, best.validation_total or 0)
    test = (net.evaluate(data.X_test, data.y_test), data.X_test.shape[1])
    print(
        f"{name}: best validation accuracy {_percent(validation)} at epoch "
        f"{best.epoch}; that network's test accuracy {_percent(test)} "
        f"({seconds:.0f} s)",
        flush=True,
    )
    return Result(name, best.epoch, validation, test, seconds)


def _percent(score: tuple[int, int]) -> str:
    correct, total = score
    return f"{correct} / {total} ({100 * correct / total:.2f}%)"


def summary(results: list[Result], dataset: str) -> str:
    """The final figures, one line per run, beside what the text reports."""
    lines = [
        f"\nSummary ({dataset}; validation = best epoch, test = that epoch's network)",
        f"{'run':<14} {'epoch':>5} {'validation':>10} {'test':>8}  the text",
    ]
    for r in results:
        val = 100 * r.validation[0] / r.validation[1]
        test = 100 * r.test[0] / r.test[1]
        text = RUNS[r.name].text if dataset == "MNIST" else "(not MNIST)"
        lines.append(
            f"{r.name:<14} {r.best_epoch:>5} {val:>9.2f}% {test:>7.2f}%  {text}"
        )
    return "\n".join(lines)


def digits_split() -> Any:
    """The shipped digits, with a validation set cut off the training part."""
    d = bp4.load_digits()
    n = DIGITS_TRAIN
    return SplitData(
        d.X_train[:, :n], d.y_train[:n], d.X_train[:, n:], d.y_train[n:],
        d.X_test, d.y_test,
    )  # fmt: skip


class SplitData(NamedTuple):
    X_train: Any
    y_train: Any
    X_validation: Any
    y_validation: Any
    X_test: Any
    y_test: Any


def main(argv: list[str] | None = None) -> int:
    parser = ArgumentParser(__doc__)
    parser.epilog = "Runs: " + "; ".join(
        f"{n} = [n_1, {r.hidden}, 10], {r.output_activation} output, {r.cost}, "
        f"η {r.eta}, λ {r.lmbda}"
        for n, r in RUNS.items()
    )
    parser.add_argument(
        "--run",
        action="append",
        choices=sorted(RUNS),
        help="which run (repeatable); default: all three, in the order listed",
    )
    parser.add_argument("--data-dir", help="where the MNIST files are (or go)")
    parser.add_argument(
        "--no-download", action="store_true", help="use only MNIST files already there"
    )
    parser.add_argument(
        "--validation-size",
        type=count(1),
        default=10_000,
        help="MNIST training images held out for validation (the text's 10,000)",
    )
    parser.add_argument(
        "--epochs", type=count(1), default=30, metavar="N", help="passes over the data"
    )
    parser.add_argument(
        "--seed",
        type=count(0),
        default=0,
        help="seed for the weights and the shuffling",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"{QUICK_EPOCHS} epochs on the shipped 8×8 digits instead of MNIST",
    )
    args = parser.parse_args(argv)
    names = args.run or list(RUNS)

    if args.quick:
        data, dataset, epochs = digits_split(), "8×8 digits, --quick", QUICK_EPOCHS
    else:
        try:
            data = bp4.load_mnist(
                path=args.data_dir,
                download=not args.no_download,
                validation=args.validation_size,
            )
        except OSError as error:
            print(f"MNIST is not available: {error}", file=sys.stderr)
            return DATA_MISSING
        dataset, epochs = "MNIST", args.epochs
    results = [train(name, RUNS[name], data, epochs, args.seed) for name in names]
    print(summary(results, dataset))
    return 0


if __name__ == "__main__":
    run(main)
