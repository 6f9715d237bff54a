"""A playground of 2-D data: watch a small network learn moons, circles, xor or a spiral.

    python examples/playground.py                      # moons: 98.0% held out
    python examples/playground.py --data spiral --hidden 16 16 --eta 0.1 --epochs 600
    python examples/playground.py --data curve --hidden 8 --eta 0.5 --epochs 300

The network trains through Network.sgd on 400 seeded samples and is tested
on 200 held out (bp4.load_toy). After every epoch the playground records,
over a grid of the plane, the network's output (its decision boundary), the
activation of each hidden neuron, the training cost and the held-out
accuracy; for --data curve (one input, a real-valued target) the fitted
curve and each hidden neuron's output along the line, and the held-out cost.
It writes the epochs as a page to step or play through (--html, one
self-contained file) and draws the last one (--save).

With the defaults (a 2-8-2 network, tanh hidden, softmax output with the
log-likelihood cost, scaled initialisation, η = 0.3, batches of 10, 200
epochs, seed 0) moons ends at 98.0% held-out accuracy; the spiral line above
at 99.5%. Any option of Network and sgd can be changed, and a BP1-BP4
function replaced in bp4.backprop trains here too.
"""

from __future__ import annotations

import argparse
import os
import sys

from _support import ArgumentParser, count, pyplot, run, show_or_save

import bp4
from bp4.teaching.playground import playground


def non_negative(text: str) -> float:
    """An argparse type: a finite number >= 0 (λ)."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 <= value < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a finite number >= 0, got {text!r}")
    return value


def html_path(text: str) -> str:
    """An argparse type: a .html file name in a folder that exists."""
    folder = os.path.dirname(os.path.abspath(text))
    if not os.path.isdir(folder):
        raise argparse.ArgumentTypeError(f"no folder {folder!r} to write {text!r} in")
    if not text.lower().endswith((".html", ".htm")):
        raise argparse.ArgumentTypeError(f"expected a .html file name, got {text!r}")
    return text


def main(argv: list[str] | None = None) -> int:
    parser = ArgumentParser(__doc__)
    parser.add_argument(
        "--data",
        choices=list(bp4.data.TOY_SETS),
        default="moons",
        help="the data set (curve is regression: one input, a real target)",
    )
    parser.add_argument(
        "--noise",
        type=non_negative,
        default=None,
        help="standard deviation of the noise added to the samples "
        "(default: the data set's own)",
    )
    parser.add_argument(
        "--data-seed", type=count(0), default=0, help="seed that draws the samples"
    )
    parser.add_argument(
        "--hidden",
        type=count(1),
        nargs="*",
        default=[8],
        metavar="N",
        help="widths of the hidden layers (none for a network without hidden layers)",
    )
    parser.add_sgd_options(epochs=200, eta=0.3)
    parser.add_argument(
        "--lmbda",
        type=non_negative,
        default=0.0,
        help="L2 regularisation λ (0 for none)",
    )
    parser.add_argument(
        "--activation",
        choices=sorted(bp4.activations.ACTIVATIONS),
        default="tanh",
        help="the activation function σ of the hidden layers",
    )
    parser.add_argument(
        "--output-activation",
        choices=sorted(bp4.activations.OUTPUT_ACTIVATIONS),
        default=None,
        help="σ of the output layer (default: softmax for classes, sigmoid for "
        "the curve)",
    )
    parser.add_argument(
        "--cost",
        choices=sorted(bp4.cost.COSTS),
        default=None,
        help="the cost C (default: log-likelihood for classes, quadratic for "
        "the curve)",
    )
    parser.add_argument(
        "--init",
        choices=["standard", "scaled"],
        default="scaled",
        help="initial weights from N(0, 1), or N(0, 1/n_in) for scaled",
    )
    parser.add_argument(
        "--every",
        type=count(1),
        default=None,
        metavar="N",
        help="record one epoch in N (default: about 40 recorded epochs in all)",
    )
    parser.add_argument(
        "--html",
        type=html_path,
        default="playground.html",
        metavar="PATH",
        help="write the epochs as one self-contained page to step through",
    )
    parser.add_save_option("playground.png")
    args = parser.parse_args(argv)

    regression = args.data == "curve"
    options = {"seed": args.data_seed}
    if args.noise is not None:
        options["noise"] = args.noise
    data = bp4.load_toy(args.data, **options)
    with parser.reporting_bad_input():
        net = bp4.Network(
            [data.X_train.shape[0], *args.hidden, 1 if regression else 2],
            activation=args.activation,
            output_activation=args.output_activation
            or ("sigmoid" if regression else "softmax"),
            cost=args.cost or ("quadratic" if regression else "log-likelihood"),
            init=args.init,
            seed=args.seed,
        )
    print(f"{args.data}: {data.X_train.shape[1]} samples to train on, "
          f"{data.X_test.shape[1]} held out")  # fmt: skip
    print(f"Training {net}: {args.epochs} epochs, batch size {args.batch_size}, "
          f"η {args.eta}, λ {args.lmbda}, init {args.init}, seed {args.seed}")  # fmt: skip
    try:
        lesson = playground(
            data, net, args.epochs, args.batch_size, args.eta, lmbda=args.lmbda,
            every=args.every,
        )  # fmt: skip
    except bp4.TrainingDivergedError as error:
        print(f"{parser.prog}: {error}", file=sys.stderr)
        return 1
    step = max(1, len(lesson.snapshots) // 10)
    for snap in lesson.snapshots[::step] + lesson.snapshots[-1:][: step > 1 or 0]:
        held_out = (
            f"held-out cost {snap.test_score:.5f}"
            if regression
            else f"held-out accuracy {snap.test_score:.1%}"
        )
        print(f"Epoch {snap.epoch:4d}: training cost {snap.cost:.5f}, {held_out}")
    last = lesson.snapshots[-1]
    if regression:
        print(f"Final held-out cost {last.test_score:.5f}")
    else:
        correct = round(last.test_score * data.X_test.shape[1])
        print(f"Final held-out accuracy {last.test_score:.1%} "
              f"({correct} / {data.X_test.shape[1]})")  # fmt: skip

    plt = pyplot(args.save)
    if plt is None:
        return 0
    page = lesson.save_html(args.html)
    print(f"\nWrote the {len(lesson.snapshots)} recorded epochs to {page.resolve()}")
    show_or_save(plt, lesson.plot(), args.save, "playground.png")
    return 0


if __name__ == "__main__":
    run(main)
