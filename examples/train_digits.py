"""Train a network on the 8×8 handwritten digits that ship with bp4.

    python examples/train_digits.py [--hidden 30] [--epochs 30] [--eta 3.0]

The classic setup of the text's chapter 1, scaled to 8×8 images: a
[64, 30, 10] sigmoid network, quadratic cost, mini-batch SGD with η = 3.0,
batches of 10, 30 epochs. The first 1,000 of the 1,347 training digits train;
the other 347 are the validation set, which chooses the epoch. One line per
epoch: validation accuracy, training cost. The 450 test digits are used once,
at the end, on the chosen epoch's network. Every choice is an option, to see
what each one changes.
"""

from __future__ import annotations

import sys
import time

from _support import ArgumentParser, count, run

import bp4

# The training digits that validate (choose the epoch), as bp4 train splits them.
VALIDATION = 347


def main(argv: list[str] | None = None) -> int:
    parser = ArgumentParser(__doc__)
    parser.add_argument(
        "--hidden",
        type=count(1),
        nargs="*",
        default=[30],
        metavar="N",
        help="widths of the hidden layers, between the 64 inputs and the 10 "
        "outputs (none for a network without hidden layers)",
    )
    parser.add_sgd_options()
    parser.add_argument(
        "--activation",
        choices=sorted(bp4.activations.ACTIVATIONS),
        default="sigmoid",
        help="the activation function σ of the hidden layers",
    )
    parser.add_argument(
        "--output-activation",
        choices=sorted(bp4.activations.OUTPUT_ACTIVATIONS),
        default="sigmoid",
        help="σ of the output layer (softmax goes with --cost log-likelihood)",
    )
    parser.add_argument(
        "--cost",
        choices=sorted(bp4.cost.COSTS),
        default="quadratic",
        help="the cost C whose gradient ∇_a C starts BP1 (cross-entropy needs a "
        "sigmoid or softmax output, log-likelihood a softmax output)",
    )
    parser.add_argument(
        "--init",
        choices=["standard", "scaled"],
        default="standard",
        help="initial weights from N(0, 1), or N(0, 1/n_in) for scaled",
    )
    args = parser.parse_args(argv)

    data = bp4.load_digits()
    k = data.X_train.shape[1] - VALIDATION
    X, y = data.X_train[:, :k], data.y_train[:k]
    validation = (data.X_train[:, k:], data.y_train[k:])
    with parser.reporting_bad_input():
        net = bp4.Network(
            [64, *args.hidden, 10],
            activation=args.activation,
            output_activation=args.output_activation,
            cost=args.cost,
            init=args.init,
            seed=args.seed,
        )
    print(
        f"Training {net}: {args.epochs} epochs, batch size {args.batch_size}, "
        f"η {args.eta}, init {args.init}, seed {args.seed}"
    )
    start = time.perf_counter()
    try:
        # patience = epochs never stops early; it restores the best epoch.
        history = net.sgd(
            X,
            y,
            args.epochs,
            args.batch_size,
            args.eta,
            validation=validation,
            patience=args.epochs,
            callback=lambda r: print(
                f"Epoch {r.epoch:2d}: validation {r.validation_correct} / "
                f"{r.validation_total} ({r.validation_accuracy:.1%})  "
                f"training cost {r.cost:.4f}"
            ),
        )
    except bp4.TrainingDivergedError as error:
        print(f"{parser.prog}: {error}", file=sys.stderr)
        return 1
    best = history[(history.best_epoch or len(history)) - 1]
    correct, total = net.evaluate(data.X_test, data.y_test), data.X_test.shape[1]
    print(
        f"Best validation accuracy {best.validation_accuracy:.1%} at epoch "
        f"{best.epoch}; that network's test accuracy: {correct} / {total} "
        f"({correct / total:.1%}), in {time.perf_counter() - start:.1f} s"
    )
    return 0


if __name__ == "__main__":
    run(main)
