"""Train a network on the 8×8 handwritten digits that ship with bp4.

    python examples/train_digits.py [--hidden 30] [--epochs 30] [--eta 3.0]

The classic setup of the text's chapter 1, scaled to 8×8 images: a
[64, 30, 10] sigmoid network, quadratic cost, mini-batch SGD with η = 3.0,
batches of 10, 30 epochs. One line per epoch: test accuracy, training cost.
Every choice is an option, to see what each one changes.
"""

from __future__ import annotations

import sys
import time

from _support import ArgumentParser, count, run

import bp4


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
        history = net.sgd(
            data.X_train,
            data.y_train,
            args.epochs,
            args.batch_size,
            args.eta,
            test=(data.X_test, data.y_test),
            callback=lambda r: print(
                f"Epoch {r.epoch:2d}: {r.correct} / {r.total} ({r.accuracy:.1%})  "
                f"training cost {r.cost:.4f}"
            ),
        )
    except bp4.TrainingDivergedError as error:
        print(f"{parser.prog}: {error}", file=sys.stderr)
        return 1
    best = max(history, key=lambda r: r.accuracy or 0.0)
    print(
        f"Final test accuracy {history[-1].accuracy:.1%} (best {best.accuracy:.1%} "
        f"at epoch {best.epoch}) in {time.perf_counter() - start:.1f} s"
    )
    return 0


if __name__ == "__main__":
    run(main)
