"""Chapter 5 of the text: in a deep sigmoid network the early layers learn slowly.

    python examples/vanishing_gradient.py [--dataset mnist|digits] [--save PATH]
    python examples/vanishing_gradient.py --compare     # sigmoid, tanh, relu
    python examples/vanishing_gradient.py --quick       # seconds, for the tests

BP2, δ^l = ((w^{l+1})^T δ^{l+1}) ⊙ σ'(z^l), multiplies the error by a weight
matrix and by σ'(z^l) at every layer it passes going back, and the sigmoid's
σ' is at most 1/4; by BP3 the size of δ^l is how fast layer l's biases learn.
The text measures that "speed of learning", ‖∂C/∂b^l‖ averaged over the
first 1,000 MNIST training images, for the hidden layers of [784, 30, 30, 10],
[784, 30, 30, 30, 10] and [784, 30, 30, 30, 30, 10], at initialisation and
while training. Its set-up, repeated here: sigmoid neurons, the cross-entropy
cost, weights from N(0, 1/n_in) and biases from N(0, 1) (``init="scaled"``),
batch gradient descent on those 1,000 images (one batch of 1,000 per epoch),
η = 0.1, λ = 5.0, 500 epochs.

Prints the speeds per hidden layer at initialisation and every 100 epochs,
and plots them against the epoch, one panel per network, to ``--save``
(default vanishing_gradient.png; needs matplotlib: pip install "bp4[plot]").
``--dataset digits`` runs the same experiment on the 8×8 digits that ship
with bp4 ([64, 30, 30, 10] …), with no download. ``--activation`` and
``--init`` change the hidden layers' σ and the initialisation; ``--compare``
prints, for the deepest network, the speeds at initialisation and after
training for sigmoid, tanh and relu hidden layers with both initialisations.
``--quick`` is 10 epochs on the digits. If MNIST is absent and cannot be
fetched, the reason goes to stderr and the exit status is 3.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

import numpy as np
from _support import ArgumentParser, count, pyplot, run

import bp4

DATA_MISSING = 3  # exit status when MNIST cannot be had
SAMPLES = 1000  # the text's first 1,000 training images
ETA, LMBDA, EPOCHS = 0.1, 5.0, 500
QUICK_EPOCHS = 10
HIDDEN_LAYERS = (2, 3, 4)
REPORT_EVERY = 100
# The speeds at initialisation that Nielsen's chapter 5 reports for MNIST,
# hidden layer 1 first (its own random initialisation: bp4's differs).
TEXT_AT_INIT = {
    2: "0.07…, 0.31…",
    3: "0.012, 0.060, 0.283",
    4: "0.003, 0.017, 0.070, 0.285",
}


def speeds_while_training(
    sizes: list[int], X: Any, y: Any, activation: str, init: str, epochs: int, seed: int
) -> list[list[float]]:
    """‖∂C/∂b^l‖ of each hidden layer at initialisation and after every epoch.

    Row 0 is the initialisation, row e the end of epoch e; the output layer is
    left out, as in the text. A run that diverges ends at the epoch before.
    """
    net = bp4.Network(
        sizes, activation=activation, cost="cross-entropy", init=init, seed=seed
    )
    # An exploding gradient overflows to inf: that is the measurement, not an error.
    with np.errstate(over="ignore", invalid="ignore"):
        rows = [net.learning_speeds(X, y)]
    history: list[bp4.EpochRecord]
    try:
        history = net.sgd(
            X, y, epochs, X.shape[1], ETA, lmbda=LMBDA, monitor_learning_speeds=True
        )
    except bp4.TrainingDivergedError as error:
        print(f"  {error}")
        history = error.history
    rows += [list(record.learning_speeds or ()) for record in history]
    return [row[:-1] for row in rows]


def report(sizes: list[int], rows: list[list[float]], dataset: str) -> None:
    print(
        f"\n{sizes}: speed of learning ‖∂C/∂b^l‖ of hidden layers 1 … {len(sizes) - 2}"
    )
    for epoch in range(0, len(rows), REPORT_EVERY):
        print(f"  epoch {epoch:4d}: " + "  ".join(f"{s:.3g}" for s in rows[epoch]))
    if (len(rows) - 1) % REPORT_EVERY:
        epoch = len(rows) - 1
        print(f"  epoch {epoch:4d}: " + "  ".join(f"{s:.3g}" for s in rows[epoch]))
    first, last = rows[0][0], rows[0][-1]
    print(f"  at initialisation, the last hidden layer learns {last / first:.1f}× "
          f"faster than the first")  # fmt: skip
    if dataset == "MNIST":
        print(
            f"  Nielsen's chapter 5 reports, at initialisation: {TEXT_AT_INIT[len(sizes) - 2]}"
        )


def plot(runs: dict[str, list[list[float]]], title: str, save: str, show: bool) -> None:
    # The figure is always written to ``save``; a window only with --show.
    plt = pyplot(None if show else save)
    if plt is None:
        return

    fig, axes = plt.subplots(1, len(runs), figsize=(5 * len(runs), 4.2), squeeze=False)
    for ax, (name, rows) in zip(axes[0], runs.items()):
        for layer in range(len(rows[0])):
            ax.plot([row[layer] for row in rows], label=f"hidden layer {layer + 1}")
        ax.set_yscale("log")
        ax.set_title(name)
        ax.set_xlabel("epoch")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize="small")
    axes[0][0].set_ylabel(r"speed of learning $\|\partial C/\partial b^l\|$")
    fig.suptitle(title, fontsize="medium")
    fig.tight_layout()
    fig.savefig(save, dpi=90)
    print(f"\nSaved the plot to {save}")
    if show:
        plt.show()


def compare(X: Any, y: Any, epochs: int, seed: int) -> None:
    """Speeds of the deepest network for each hidden σ and initialisation."""
    sizes = [X.shape[0], *[30] * max(HIDDEN_LAYERS), 10]
    print(f"\n{sizes}, ‖∂C/∂b^l‖ of hidden layers 1 … {max(HIDDEN_LAYERS)}:")
    for activation in ("sigmoid", "tanh", "relu"):
        for init in ("standard", "scaled"):
            rows = speeds_while_training(sizes, X, y, activation, init, epochs, seed)
            trained = [(f"epoch {len(rows) - 1}", rows[-1])] if len(rows) > 1 else []
            for label, row in [("init", rows[0]), *trained]:
                speeds = "  ".join(f"{s:9.3g}" for s in row)
                ratio = row[-1] / row[0] if row[0] else float("inf")
                print(f"  {activation:<8} {init:<9} {label:<10} {speeds}   "
                      f"last/first {ratio:.3g}")  # fmt: skip


def training_images(dataset: str, args: argparse.Namespace) -> tuple[Any, Any] | None:
    """The first 1,000 training samples of the data set, or None if it is missing."""
    data: Any
    if dataset == "digits":
        data = bp4.load_digits()
    else:
        try:
            # The first 1,000 of all 60,000 training images: no validation set here.
            data = bp4.load_mnist(
                path=args.data_dir, download=not args.no_download, validation=0
            )
        except OSError as error:
            print(f"MNIST is not available: {error}", file=sys.stderr)
            return None
    return data.X_train[:, :SAMPLES], data.y_train[:SAMPLES]


def main(argv: list[str] | None = None) -> int:
    parser = ArgumentParser(__doc__)
    parser.add_argument(
        "--dataset",
        choices=["mnist", "digits"],
        default="mnist",
        help="MNIST (the text's experiment) or the 8×8 digits that ship with bp4",
    )
    parser.add_argument("--data-dir", help="where the MNIST files are (or go)")
    parser.add_argument(
        "--no-download", action="store_true", help="use only MNIST files already there"
    )
    parser.add_argument("--activation", choices=["sigmoid", "tanh", "relu"],
                        default="sigmoid", help="the hidden layers' σ (default sigmoid)")  # fmt: skip
    parser.add_argument("--init", choices=["standard", "scaled"], default="scaled",
                        help="default scaled: weights from N(0, 1/n_in), as the text")  # fmt: skip
    parser.add_argument(
        "--epochs",
        type=count(1),
        default=EPOCHS,
        metavar="N",
        help="passes over the data",
    )
    parser.add_argument("--seed", type=count(0), default=0, help="seed for the weights")
    parser.add_argument("--save", metavar="PATH", default="vanishing_gradient.png",
                        help="where to write the plot (default vanishing_gradient.png)")  # fmt: skip
    parser.add_argument(
        "--show", action="store_true", help="also open the plot in a window"
    )
    parser.add_argument("--compare", action="store_true",
                        help="sigmoid, tanh and relu, both inits, deepest network only")  # fmt: skip
    parser.add_argument("--quick", action="store_true",
                        help=f"{QUICK_EPOCHS} epochs on the 8×8 digits")  # fmt: skip
    args = parser.parse_args(argv)
    dataset = "digits" if args.quick else args.dataset
    epochs = QUICK_EPOCHS if args.quick else args.epochs
    found = training_images(dataset, args)
    if found is None:
        return DATA_MISSING
    X, y = found
    name = "MNIST" if dataset == "mnist" else "8×8 digits"
    layers = (
        "" if args.compare else f"{args.activation} hidden layers, init={args.init!r}, "
    )
    print(
        f"{X.shape[1]} {name} training images, batch gradient descent, {layers}"
        f"sigmoid output, cross-entropy, η = {ETA}, λ = {LMBDA}, {epochs} epochs, "
        f"seed {args.seed}"
    )
    if args.compare:
        compare(X, y, epochs, args.seed)
        return 0
    runs = {}
    for hidden in HIDDEN_LAYERS:
        sizes = [X.shape[0], *[30] * hidden, 10]
        rows = speeds_while_training(
            sizes, X, y, args.activation, args.init, epochs, args.seed
        )
        report(sizes, rows, name)
        runs[str(sizes)] = rows
    title = (
        f"Speed of learning per hidden layer: {X.shape[1]} {name} images, "
        f"{args.activation} hidden layers, cross-entropy, init={args.init!r},\n"
        f"η = {ETA}, λ = {LMBDA}, batch gradient descent, seed {args.seed} "
        f"(examples/vanishing_gradient.py)"
    )
    plot(runs, title, args.save, args.show)
    return 0


if __name__ == "__main__":
    run(main)
