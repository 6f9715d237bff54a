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

Chapter 3's further techniques, each chosen with ``--run NAME`` (the default
is the three runs above), cross-entropy cost and sigmoid output throughout:

- ``overfitting``: the text's overfitting run: [784, 30, 10], η = 0.5, the
  first 1,000 training images only, 400 epochs. The text's test accuracy
  levels off at 82.27%.
- ``overfitting-l2``: the same with L2, λ = 0.1 (n = 1,000). The text
  reports 87.1%.
- ``l1``: [784, 30, 10], η = 0.5, L1 with λ₁ = 5.0 (bp4's run).
- ``momentum``: [784, 30, 10], η = 0.05, momentum μ = 0.9 (bp4's run).
- ``schedule``: [784, 30, 10], η = 0.5, halved after 10 epochs without a
  better validation accuracy, down to η/128 (bp4's run).
- ``dropout``: [784, 100, 10], η = 0.5, dropout p = 0.5 (bp4's run).
- ``expanded``: [784, 100, 10], η = 0.5, λ = 5.0, on the 250,000 images of
  :func:`bp4.expand_mnist` (bp4's run; about 1.6 GB of float64).

The summary gives, per run, the best validation epoch, the test accuracy of
that epoch's network, and the test accuracy of the last epoch's network (the
figure the text quotes for its overfitting runs).

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
    train_size: int | None = None  # the first N training images; None: all
    epochs: int | None = None  # None: --epochs
    l1: float = 0.0
    momentum: float = 0.0
    dropout: float = 0.0
    halve_eta: int | None = None
    expanded: bool = False  # train on bp4.expand_mnist's 5× data

    def options(self) -> str:
        """The sgd options beyond η and λ that this run sets, for the banner."""
        shown = [("l1", self.l1), ("μ", self.momentum), ("dropout p", self.dropout),
                 ("halve η after", self.halve_eta)]  # fmt: skip
        return "".join(f", {name} = {value}" for name, value in shown if value)


BP4 = "no figure (bp4's run)"
RUNS = {
    "cross-entropy": Run(30, "sigmoid", "cross-entropy", 0.5, 0.0, "95.49%"),
    "regularised": Run(
        100, "sigmoid", "cross-entropy", 0.5, 5.0, "97.92% on validation data"
    ),
    "softmax": Run(30, "softmax", "log-likelihood", 0.5, 0.0, BP4),
}
MORE_RUNS = {
    "overfitting": Run(30, "sigmoid", "cross-entropy", 0.5, 0.0,
                       "82.27% (test, last epochs)", train_size=1000, epochs=400),
    "overfitting-l2": Run(30, "sigmoid", "cross-entropy", 0.5, 0.1,
                          "87.1% (test, last epochs)", train_size=1000, epochs=400),
    "l1": Run(30, "sigmoid", "cross-entropy", 0.5, 0.0, BP4, l1=5.0),
    "momentum": Run(30, "sigmoid", "cross-entropy", 0.05, 0.0, BP4, momentum=0.9),
    "schedule": Run(30, "sigmoid", "cross-entropy", 0.5, 0.0, BP4, halve_eta=10),
    "dropout": Run(100, "sigmoid", "cross-entropy", 0.5, 0.0, BP4, dropout=0.5),
    "expanded": Run(100, "sigmoid", "cross-entropy", 0.5, 5.0, BP4, expanded=True),
}  # fmt: skip
ALL_RUNS = {**RUNS, **MORE_RUNS}


class Result(NamedTuple):
    name: str
    best_epoch: int
    validation: tuple[int, int]
    test: tuple[int, int]
    last_test: tuple[int, int]  # the last epoch's network on the test images
    seconds: float


def train(name: str, run: Run, data: Any, epochs: int, seed: int) -> Result:
    """One run: train, keep the best validation epoch, score it on the test set."""
    X_train, y_train = data.X_train, data.y_train
    if run.train_size is not None:
        X_train, y_train = X_train[:, : run.train_size], y_train[: run.train_size]
    if run.expanded:
        X_train, y_train = bp4.expand_images(X_train, y_train, _image_shape(X_train))
    sizes = [data.X_train.shape[0], run.hidden, 10]
    net = bp4.Network(
        sizes,
        output_activation=run.output_activation,
        cost=run.cost,
        init="standard",
        seed=seed,
    )
    print(
        f"\n{name}: {net}, η = {run.eta}, λ = {run.lmbda}{run.options()}, batch "
        f"10, {epochs} epochs on {X_train.shape[1]} samples",
        flush=True,
    )
    last_epoch = LastEpochTest(net, data)
    start = time.perf_counter()
    history = net.sgd(
        X_train,
        y_train,
        epochs,
        10,
        run.eta,
        lmbda=run.lmbda,
        l1=run.l1,
        momentum=run.momentum,
        dropout=run.dropout,
        halve_eta=run.halve_eta,
        validation=(data.X_validation, data.y_validation),
        patience=epochs,  # never stops early; restores the best validation epoch
        callback=last_epoch,
        verbose=True,
    )
    seconds = time.perf_counter() - start
    best = history[(history.best_epoch or len(history)) - 1]
    validation = (best.validation_correct or 0, best.validation_total or 0)
    test = (net.evaluate(data.X_test, data.y_test), data.X_test.shape[1])
    last, last_test = history[-1], last_epoch.score
    stopped = f", stopped after epoch {last.epoch} ({history.stop_reason})" * (
        history.stopped_early
    )
    print(
        f"{name}: best validation accuracy {_percent(validation)} at epoch "
        f"{best.epoch}; that network's test accuracy {_percent(test)}; the last "
        f"epoch's {_percent(last_test)}{stopped} ({seconds:.0f} s)",
        flush=True,
    )
    return Result(name, best.epoch, validation, test, last_test, seconds)


class LastEpochTest:
    """A callback that scores each epoch's network on the test images.

    ``patience`` puts the best validation epoch back when sgd returns; the
    text's overfitting figures are of the last epoch's network, so that one is
    scored here, as it is trained. Any epoch may be the last (the schedule
    stops early), so each is scored; the test images still choose nothing.
    """

    def __init__(self, net: bp4.Network, data: Any) -> None:
        self.net, self.data = net, data
        self.score = (0, data.X_test.shape[1])

    def __call__(self, record: bp4.EpochRecord) -> None:
        correct = self.net.evaluate(self.data.X_test, self.data.y_test)
        self.score = (correct, self.data.X_test.shape[1])


def _image_shape(X: Any) -> tuple[int, int]:
    side = int(round(X.shape[0] ** 0.5))
    return side, side


def _percent(score: tuple[int, int]) -> str:
    correct, total = score
    return f"{correct} / {total} ({100 * correct / total:.2f}%)"


def summary(results: list[Result], dataset: str) -> str:
    """The final figures, one line per run, beside what the text reports."""
    lines = [
        f"\nSummary ({dataset}; validation = best epoch, test = that epoch's network)",
        f"{'run':<14} {'epoch':>5} {'validation':>10} {'test':>8} {'last':>8}  "
        f"the text",
    ]
    for r in results:
        val = 100 * r.validation[0] / r.validation[1]
        test = 100 * r.test[0] / r.test[1]
        last = 100 * r.last_test[0] / r.last_test[1]
        text = ALL_RUNS[r.name].text if dataset == "MNIST" else "(not MNIST)"
        lines.append(
            f"{r.name:<14} {r.best_epoch:>5} {val:>9.2f}% {test:>7.2f}% "
            f"{last:>7.2f}%  {text}"
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
        f"η {r.eta}, λ {r.lmbda}{r.options()}"
        for n, r in ALL_RUNS.items()
    )
    parser.add_argument(
        "--run",
        action="append",
        choices=sorted(ALL_RUNS),
        help=f"which run (repeatable); default: {', '.join(RUNS)}",
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
    args.epochs_given = any(
        a == "--epochs" or a.startswith("--epochs=") for a in (argv or sys.argv[1:])
    )
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
    results = [
        train(name, ALL_RUNS[name], data, _epochs(ALL_RUNS[name], epochs, args),
              args.seed)
        for name in names
    ]  # fmt: skip
    print(summary(results, dataset))
    return 0


def _epochs(run: Run, epochs: int, args: Any) -> int:
    """The run's own epochs (the overfitting runs' 400) unless --quick or --epochs."""
    if run.epochs is None or args.quick or args.epochs_given:
        return epochs
    return run.epochs


if __name__ == "__main__":
    run(main)
