"""Learning curves: cost and accuracy after every epoch, on training and test data.

    python examples/learning_curves.py [--epochs 30] [--save learning_curves.png]

Trains a [64, 30, 10] sigmoid network on the 8×8 digits (quadratic cost,
η = 3.0, batches of 10) and records, after each epoch, the cost C on the
training set (Network.sgd records it), the cost on the test set (computed in
the callback) and the test accuracy. Prints them; with matplotlib
(pip install "bp4[plot]") also plots them: in a window, or, with --save or
when there is no display, in a file whose path it prints.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from _support import ArgumentParser, count, pyplot, run, show_or_save

import bp4

DEFAULT_FIGURE = "learning_curves.png"


def main(argv: list[str] | None = None) -> int:
    parser = ArgumentParser(__doc__)
    parser.add_argument(
        "--hidden",
        type=count(1),
        nargs="*",
        default=[30],
        metavar="N",
        help="widths of the hidden layers between the 64 inputs and 10 outputs",
    )
    parser.add_sgd_options()
    parser.add_save_option(DEFAULT_FIGURE)
    args = parser.parse_args(argv)

    data = bp4.load_digits()
    with parser.reporting_bad_input():
        net = bp4.Network([64, *args.hidden, 10], seed=args.seed)
    test_cost: list[float] = []
    try:
        history = net.sgd(
            data.X_train,
            data.y_train,
            args.epochs,
            batch_size=args.batch_size,
            eta=args.eta,
            test=(data.X_test, data.y_test),
            callback=lambda record: test_cost.append(
                net.cost(data.X_test, data.y_test)
            ),
        )
    except bp4.TrainingDivergedError as error:
        print(f"{parser.prog}: {error}", file=sys.stderr)
        return 1

    settings = (
        f"{net.sizes} {net.activation.name} network, quadratic cost, η = {args.eta}, "
        f"batches of {args.batch_size}, {args.epochs} epochs, seed {args.seed}"
    )
    print(settings)
    print(f"{'epoch':>5}  {'training cost':>13}  {'test cost':>9}  test accuracy")
    for record, cost in zip(history, test_cost):
        print(
            f"{record.epoch:>5}  {record.cost:>13.4f}  {cost:>9.4f}  "
            f"{record.correct} / {record.total} ({record.accuracy:.1%})"
        )
    plot(history, test_cost, settings, args.save)
    return 0


def plot(
    history: Sequence[bp4.EpochRecord],
    test_cost: list[float],
    settings: str,
    save: str | None,
) -> None:
    plt = pyplot(save)
    if plt is None:
        return
    from matplotlib.ticker import MaxNLocator

    epochs = [r.epoch for r in history]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
    left.plot(epochs, [r.cost for r in history], marker=".", label="training set")
    left.plot(epochs, test_cost, marker=".", label="test set")
    left.set(title="Quadratic cost C", xlabel="epoch", ylabel="C")
    left.set_ylim(bottom=0)
    left.legend()
    right.plot(epochs, [100 * r.accuracy for r in history], marker=".")
    right.set(title="Test accuracy", xlabel="epoch", ylabel="% classified correctly")
    for ax in (left, right):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # epochs are whole
    fig.suptitle(f"Digits 8×8: {settings}", fontsize="medium")
    show_or_save(plt, fig, save, DEFAULT_FIGURE)


if __name__ == "__main__":
    run(main)
