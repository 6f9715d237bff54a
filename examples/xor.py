"""A 2-2-1 network learns XOR, the function no single neuron can compute.

    python examples/xor.py

Four samples, the columns of X; one real-valued output per sample, the
target row Y = [0 1 1 0]. Full-batch gradient descent on the quadratic cost.

A network this small can get stuck: from some starting weights (about one
seed in four here) gradient descent settles in a local minimum where one
input pattern stays wrong. Seed 3 is one that learns; try ``--seed 0`` to see
a failure.
"""

from __future__ import annotations

import numpy as np
from _support import ArgumentParser, count, positive, run

import bp4

X = np.array([[0.0, 0.0, 1.0, 1.0], [0.0, 1.0, 0.0, 1.0]])  # (2, 4): one column each
Y = np.array([[0.0, 1.0, 1.0, 0.0]])  # (1, 4): x_1 XOR x_2


def main(argv: list[str] | None = None) -> int:
    parser = ArgumentParser(__doc__)
    parser.add_argument(
        "--epochs",
        type=count(1),
        default=3000,
        metavar="N",
        help="gradient-descent steps, each on all four samples",
    )
    parser.add_argument("--eta", type=positive, default=4.0, help="learning rate η")
    parser.add_argument(
        "--seed",
        type=count(0),
        default=3,
        help="seed for the initial weights (0 is one that gets stuck)",
    )
    args = parser.parse_args(argv)

    with parser.reporting_bad_input():
        net = bp4.Network([2, 2, 1], seed=args.seed)
    # batch_size 4 = all four samples: every step uses the exact gradient of C.
    history = net.sgd(X, Y, args.epochs, batch_size=4, eta=args.eta)
    for record in history[:: max(1, args.epochs // 6)] + history[-1:]:
        print(f"epoch {record.epoch:5d}: cost {record.cost:.5f}")

    a = net.feedforward(X)[0]
    print("x_1  x_2  target  output")
    for x1, x2, y, out in zip(X[0], X[1], Y[0], a):
        print(f"{x1:3.0f}  {x2:3.0f}  {y:6.0f}  {out:6.3f}")
    learned = bool(np.all(np.round(a) == Y[0]))
    print(f"Outputs rounded: {' '.join(f'{v:.0f}' for v in np.round(a))}")
    print("learned XOR" if learned else "did not learn XOR (a local minimum)")
    return 0


if __name__ == "__main__":
    run(main)
