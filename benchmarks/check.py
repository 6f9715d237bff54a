"""How long bp4.check and bp4.check_all take: python benchmarks/check.py.

The issue's targets: each check under 2 s, check_all under 10 s. Prints the
median of 5 runs of each, for a right BP2, a mistaken one (the catalogue
searched) and one that hangs for less than its limit (stopped at 1 s), and of
check_all on four right functions (the reference accuracy cached, as after
the first call in a session).
"""

from __future__ import annotations

import statistics
import time

import numpy as np

import bp4


def right(w_next, delta_next, sigma_prime_z):
    return (w_next.T @ delta_next) * sigma_prime_z


def mistaken(w_next, delta_next, sigma_prime_z):
    return (w_next @ delta_next) * sigma_prime_z


STUDENT = {
    "output_error": lambda nabla_a, sigma_prime_zL: nabla_a * sigma_prime_zL,
    "hidden_error": right,
    "bias_gradient": lambda delta: delta.mean(axis=1, keepdims=True),
    "weight_gradient": lambda delta, a_prev: delta @ a_prev.T / delta.shape[1],
}


def median_time(run, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    first = time.perf_counter()
    bp4.check(right, "BP2")  # builds and caches the cases
    print(f"first bp4.check (cases built): {time.perf_counter() - first:.3f} s")
    print(
        f"bp4.check, right BP2:          {median_time(lambda: bp4.check(right, 'BP2')):.3f} s"
    )
    print(
        f"bp4.check, mistaken BP2:       {median_time(lambda: bp4.check(mistaken, 'BP2')):.3f} s"
    )
    hang = lambda w, d, s: time.sleep(60) or np.zeros(1)  # noqa: E731
    print(
        f"bp4.check, hang (timeout=1):   {median_time(lambda: bp4.check(hang, 'BP2', timeout=1), 1):.3f} s"
    )
    first = time.perf_counter()
    bp4.check_all(STUDENT)
    print(f"first bp4.check_all:           {time.perf_counter() - first:.3f} s")
    print(
        f"bp4.check_all:                 {median_time(lambda: bp4.check_all(STUDENT), 3):.3f} s"
    )


if __name__ == "__main__":
    main()
