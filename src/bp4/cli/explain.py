"""``bp4 explain`` and ``bp4 gradcheck``: one backpropagation step, and its check."""

from __future__ import annotations

import argparse

import numpy as np

from ..network import Network
from .checks import _option_names, check_memory


def run_explain(args: argparse.Namespace) -> int:
    from ..teaching.walkthrough import explain, format_walkthrough

    check_memory(args.sizes, 1, "explaining")
    with _option_names():
        walk = explain(
            args.sizes, seed=args.seed, activation=args.activation, cost=args.cost,
            output_activation=args.output_activation, eta=args.eta,
        )  # fmt: skip
    print(format_walkthrough(walk))
    return 0


def run_gradcheck(args: argparse.Namespace) -> int:
    from ..teaching.gradcheck import gradient_check, max_error, reading

    check_memory(args.sizes, args.batch_size, "checking")
    with _option_names():
        net = Network(
            args.sizes, args.activation, args.cost, seed=args.seed,
            output_activation=args.output_activation,
        )  # fmt: skip
    rng = np.random.default_rng(args.seed)
    m, n_out = args.batch_size, net.sizes[-1]
    X = rng.standard_normal((net.sizes[0], m))
    if args.cost == "log-likelihood":  # its targets are one-hot probability vectors
        Y = np.eye(n_out)[:, rng.integers(n_out, size=m)]
    else:
        Y = rng.random((n_out, m))  # targets in [0, 1)
    errors = gradient_check(net, X, Y)
    print(
        f"Gradient check of {net} on {m} random samples (seed {args.seed}):\n"
        "relative error |backprop - finite difference| / (|backprop| + |finite "
        "difference|), Euclidean norms over each layer"
    )
    print(f"{'layer':<7}  {'weights w^l':<12}  {'biases b^l':<12}  reading")
    for e in errors:
        print(
            f"{'l = ' + str(e.layer):<7}  {e.weights:<12.2e}  {e.biases:<12.2e}  "
            f"{reading(max_error([e]))}"
        )
    worst = max_error(errors)
    print(
        f"Largest error {worst:.2e}: {reading(worst)} (below 1e-7 good, "
        "above 1e-2 or not a number wrong, in between suspicious)"
    )
    return 1 if reading(worst) == "wrong" else 0
