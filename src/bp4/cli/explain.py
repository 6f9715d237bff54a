"""``bp4 explain`` and ``bp4 gradcheck``: one backpropagation step, and its check."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

import numpy as np

from ..network import Network
from .checks import _option_names, check_gradcheck_size, check_memory, parameters

# A check of this many parameters or more reports its progress on stderr.
PROGRESS_FROM = 10_000


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
    from ..teaching.gradcheck import gradient_check, max_error, thresholds, worst

    check_memory(args.sizes, args.batch_size, "checking")
    check_gradcheck_size(args.sizes)
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
    errors = gradient_check(net, X, Y, progress=_progress(net.sizes))
    print(
        f"Gradient check of {net} on {m} random samples (seed {args.seed}):\n"
        "relative error |backprop - finite difference| / (|backprop| + |finite "
        "difference|), Euclidean norms over each layer, finite differences in float64"
    )
    print(f"{'layer':<7}  {'weights w^l':<12}  {'biases b^l':<12}  reading")
    for e in errors:
        print(
            f"{'l = ' + str(e.layer):<7}  {e.weights:<12.2e}  {e.biases:<12.2e}  "
            f"{e.reading}"
        )
    judged = getattr(errors, "judged_max_error", None)
    largest = max_error(errors) if judged is None else judged
    overall = getattr(errors, "reading", None) or worst([e.reading for e in errors])
    print(f"Largest error {largest:.2e}: {overall} ({thresholds(net.dtype)})")
    note = getattr(errors, "too_small_note", lambda: "")()
    if note:
        print(note[0].upper() + note[1:] + ".")
    return 1 if overall == "wrong" else 0


def _progress(sizes: list[int]) -> Callable[[int, int], None] | None:
    """A line on stderr at each tenth of a long check, None for a short one."""
    if parameters(sizes) < PROGRESS_FROM:
        return None

    def show(done: int, total: int) -> None:
        if done * 10 // total != (done - 1) * 10 // total:
            print(
                f"bp4 gradcheck: {done:,} of {total:,} parameters "
                f"({4 * done:,} forward passes)",
                file=sys.stderr,
                flush=True,
            )

    return show
