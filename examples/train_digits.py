"""Train a network on the 8×8 handwritten digits that ship with bp4.

    python examples/train_digits.py [--hidden 30] [--epochs 30] [--eta 3.0]

The classic setup of the text's chapter 1, scaled to 8×8 images: a
[64, 30, 10] sigmoid network, quadratic cost, mini-batch SGD with η = 3.0,
batches of 10, 30 epochs. One line per epoch: test accuracy, training cost.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import bp4


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hidden", type=int, nargs="*", default=[30], metavar="N")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--batch-size", type=int, default=10)
    parser.add_argument("--eta", type=float, default=3.0)
    parser.add_argument("--cost", default="quadratic")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--fast", action="store_true", help="2 epochs, for the tests (or BP4_FAST=1)"
    )
    args = parser.parse_args(argv)
    epochs = 2 if args.fast or os.environ.get("BP4_FAST") == "1" else args.epochs

    data = bp4.load_digits()
    net = bp4.Network([64, *args.hidden, 10], cost=args.cost, seed=args.seed)
    print(
        f"Training {net}: {epochs} epochs, batch size {args.batch_size}, η {args.eta}"
    )
    start = time.perf_counter()
    history = net.sgd(
        data.X_train,
        data.y_train,
        epochs,
        args.batch_size,
        args.eta,
        test=(data.X_test, data.y_test),
        callback=lambda r: print(
            f"Epoch {r.epoch:2d}: {r.correct} / {r.total} ({r.accuracy:.1%})  "
            f"training cost {r.cost:.4f}"
        ),
    )
    best = max(history, key=lambda r: r.accuracy or 0.0)
    print(
        f"Final test accuracy {history[-1].accuracy:.1%} (best {best.accuracy:.1%} "
        f"at epoch {best.epoch}) in {time.perf_counter() - start:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
