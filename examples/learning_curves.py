"""Learning curves: cost and accuracy after every epoch, on training and test data.

    python examples/learning_curves.py [--epochs 30] [--save learning_curves.png]

Trains the [64, 30, 10] network on the 8×8 digits (quadratic cost, η = 3.0,
batches of 10) and records, after each epoch, the cost C on the training set
(Network.sgd records it), the cost on the test set (computed in the callback)
and the test accuracy. Prints them; with matplotlib (pip install "bp4[plot]")
also plots them, to the screen or to the file given by --save.
"""

from __future__ import annotations

import argparse
import os
import sys

import bp4


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--eta", type=float, default=3.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--save", metavar="PATH", help="write the plot to this file")
    parser.add_argument(
        "--fast", action="store_true", help="3 epochs, for the tests (or BP4_FAST=1)"
    )
    args = parser.parse_args(argv)
    epochs = 3 if args.fast or os.environ.get("BP4_FAST") == "1" else args.epochs

    data = bp4.load_digits()
    net = bp4.Network([64, 30, 10], seed=args.seed)
    test_cost: list[float] = []
    history = net.sgd(
        data.X_train,
        data.y_train,
        epochs,
        batch_size=10,
        eta=args.eta,
        test=(data.X_test, data.y_test),
        callback=lambda record: test_cost.append(net.cost(data.X_test, data.y_test)),
    )

    print(f"{net}, η = {args.eta}, batches of 10")
    print(f"{'epoch':>5}  {'training cost':>13}  {'test cost':>9}  test accuracy")
    for record, cost in zip(history, test_cost):
        print(
            f"{record.epoch:>5}  {record.cost:>13.4f}  {cost:>9.4f}  "
            f"{record.correct} / {record.total} ({record.accuracy:.1%})"
        )
    plot(history, test_cost, args.save)
    return 0


def plot(
    history: list[bp4.EpochRecord], test_cost: list[float], save: str | None
) -> None:
    try:
        import matplotlib
    except ImportError:
        print('(matplotlib is not installed: pip install "bp4[plot]" to get the plot)')
        return
    if save:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    epochs = [r.epoch for r in history]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8), layout="constrained")
    left.plot(epochs, [r.cost for r in history], marker=".", label="training set")
    left.plot(epochs, test_cost, marker=".", label="test set")
    left.set(title="Quadratic cost C", xlabel="epoch", ylabel="C")
    left.set_ylim(bottom=0)
    left.legend()
    right.plot(epochs, [100 * r.accuracy for r in history], marker=".")
    right.set(title="Test accuracy", xlabel="epoch", ylabel="% classified correctly")
    if save:
        fig.savefig(save, dpi=100)
        print(f"Saved the plot to {save}")
    else:
        plt.show()


if __name__ == "__main__":
    sys.exit(main())
