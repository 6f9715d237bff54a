"""The text's exercise: the fully matrix-based mini-batch against a loop over samples.

    python examples/matrix_vs_loop.py

The text's algorithm backpropagates one training sample at a time and
averages the gradients over the mini-batch. Stacking the batch's samples as
the columns of a matrix X = [x_1 … x_m] turns every z^l = w^l a^{l-1} + b^l
into one matrix product Z^l = w^l A^{l-1} + b^l, and BP1–BP4 carry over
unchanged; BP4's batch sum Σ_x δ^l_x (a^{l-1}_x)^T becomes δ^l (A^{l-1})^T.

For batches of the digits training set this times bp4's matrix form
(bp4.forward.forward then bp4.backprop.backward on all columns at once)
against the per-sample loop (bp4.teaching.reference.backprop_per_sample, the same
functions applied to one column at a time), checks that the gradients agree,
and checks both against the component-by-component reference
(bp4.teaching.reference.backprop) on a few samples. Times vary from machine to machine.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from _support import ArgumentParser, count, positive, run

import bp4
from bp4.backprop import backward
from bp4.forward import forward
from bp4.teaching import reference


def best_time(fn: Callable[[], object], budget: float) -> float:
    """The fastest of repeated calls, in seconds, spending about ``budget`` seconds."""
    times: list[float] = []
    spent = 0.0
    while spent < budget or len(times) < 3:
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
        spent += times[-1]
    return min(times)


def max_difference(grads: tuple[list, list], others: tuple[list, list]) -> float:
    """The largest |difference| over every entry of ∂C/∂w^l and ∂C/∂b^l."""
    return max(
        float(np.max(np.abs(g - h)))
        for g, h in zip(grads[0] + grads[1], others[0] + others[1])
    )


def main(argv: list[str] | None = None) -> int:
    parser = ArgumentParser(__doc__)
    parser.add_argument(
        "--batch-sizes",
        type=count(1),
        nargs="+",
        default=[10, 100, 1347],
        metavar="M",
        help="mini-batch sizes m to time, each at most 1347 (the training set)",
    )
    parser.add_argument(
        "--seconds",
        type=positive,
        default=0.5,
        metavar="S",
        help="time spent on each timing (the fastest of at least 3 runs is "
        "shown); less is quicker and noisier",
    )
    args = parser.parse_args(argv)

    data = bp4.load_digits()
    n = data.X_train.shape[1]
    too_big = [m for m in args.batch_sizes if m > n]
    if too_big:
        parser.error(f"argument --batch-sizes: at most {n} each, got {too_big[0]}")
    net = bp4.Network([64, 30, 10], seed=0)
    w, b, sigma, cost = net.weights, net.biases, net.activation, net.cost_function
    Y_all = np.eye(10)[data.y_train].T  # one-hot target columns, (10, 1347)

    def matrix(X, Y):
        return backward(w, Y, cost, forward(w, b, X, sigma))

    def loop(X, Y):
        return reference.backprop_per_sample(w, b, X, Y, sigma, cost)

    print(f"Gradient of C for {net}, batches from the digits training set")
    print(
        f"{'batch m':>8}  {'matrix':>10}  {'per sample':>11}  {'speed-up':>8}  "
        "max |difference|"
    )
    for m in args.batch_sizes:
        X, Y = data.X_train[:, :m], Y_all[:, :m]
        difference = max_difference(matrix(X, Y), loop(X, Y))
        t_matrix = best_time(lambda X=X, Y=Y: matrix(X, Y), args.seconds)
        t_loop = best_time(lambda X=X, Y=Y: loop(X, Y), args.seconds)
        print(
            f"{m:>8}  {1e3 * t_matrix:>7.3f} ms  {1e3 * t_loop:>8.3f} ms  "
            f"{t_loop / t_matrix:>7.1f}×  {difference:.1e}"
        )

    m = 5
    X, Y = data.X_train[:, :m], Y_all[:, :m]
    start = time.perf_counter()
    component = reference.backprop(w, b, X, Y, sigma, cost)
    seconds = time.perf_counter() - start
    print(
        f"Component by component (bp4.teaching.reference.backprop), {m} samples: "
        f"{1e3 * seconds:.0f} ms; max |difference| from the matrix form "
        f"{max_difference(matrix(X, Y), component):.1e}, from the per-sample loop "
        f"{max_difference(loop(X, Y), component):.1e}"
    )
    return 0


if __name__ == "__main__":
    run(main)
