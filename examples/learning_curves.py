"""Learning curves: cost and accuracy after every epoch, on training and validation data.

    python examples/learning_curves.py [--epochs 30] [--save learning_curves.png]

Trains a [64, 30, 10] sigmoid network on the first 1,000 of the 8×8 training
digits (quadratic cost, η = 3.0, batches of 10) and records, after each epoch,
the training cost C and the cost and accuracy on the other 347 training
digits, the validation set (Network.sgd records them). The curves are what
one chooses by, so they are validation curves: the epoch with the best
validation accuracy is kept, and the 450 test digits are used once, at the
end, on that epoch's network. Prints them; with matplotlib
(pip install "bp4[plot]") also plots them: in a window, or, with --save or
when there is no display, in a file whose path it prints.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from _support import ArgumentParser, count, pyplot, run, show_or_save

import bp4

DEFAULT_FIGURE = "learning_curves.png"
VALIDATION = 347  # the training digits that validate, as bp4 train splits them


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
    k = data.X_train.shape[1] - VALIDATION
    with parser.reporting_bad_input():
        net = bp4.Network([64, *args.hidden, 10], seed=args.seed)
    try:
        # patience = epochs never stops early; it restores the best epoch.
        history = net.sgd(
            data.X_train[:, :k],
            data.y_train[:k],
            args.epochs,
            batch_size=args.batch_size,
            eta=args.eta,
            validation=(data.X_train[:, k:], data.y_train[k:]),
            patience=args.epochs,
        )
    except bp4.TrainingDivergedError as error:
        print(f"{parser.prog}: {error}", file=sys.stderr)
        return 1

    settings = (
        f"{net.sizes} {net.activation.name} network, quadratic cost, η = {args.eta}, "
        f"batches of {args.batch_size}, {args.epochs} epochs, seed {args.seed}"
    )
    print(settings)
    print(
        f"{'epoch':>5}  {'training cost':>13}  {'validation cost':>15}  "
        "validation accuracy"
    )
    for record in history:
        print(
            f"{record.epoch:>5}  {record.cost:>13.4f}  {record.validation_cost:>15.4f}  "
            f"{record.validation_correct} / {record.validation_total} "
            f"({record.validation_accuracy:.1%})"
        )
    best = history.best_epoch
    correct, total = net.evaluate(data.X_test, data.y_test), data.X_test.shape[1]
    print(
        f"Best validation accuracy at epoch {best}; that network's test accuracy: "
        f"{correct} / {total} ({correct / total:.1%})"
    )
    plot(history, settings, args.save)
    return 0


def plot(history: Sequence[bp4.EpochRecord], settings: str, save: str | None) -> None:
    plt = pyplot(save)
    if plt is None:
        return
    from matplotlib.ticker import MaxNLocator

    epochs = [r.epoch for r in history]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
    left.plot(epochs, [r.cost for r in history], marker=".", label="training set")
    validation_cost = [r.validation_cost for r in history]
    left.plot(epochs, validation_cost, marker=".", label="validation set")
    left.set(title="Quadratic cost C", xlabel="epoch", ylabel="C")
    left.set_ylim(bottom=0)
    left.legend()
    accuracy = [100 * (r.validation_accuracy or 0.0) for r in history]
    right.plot(epochs, accuracy, marker=".")
    right.set(
        title="Validation accuracy", xlabel="epoch", ylabel="% classified correctly"
    )
    for ax in (left, right):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # epochs are whole
    fig.suptitle(f"Digits 8×8: {settings}", fontsize="medium")
    show_or_save(plt, fig, save, DEFAULT_FIGURE)


if __name__ == "__main__":
    run(main)
