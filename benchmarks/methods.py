"""One training epoch of each method the benchmark compares, as a callable.

Calling an object of these classes runs one epoch of 50,000 (or ``n``) samples
and returns its time in seconds; ``epoch.py`` calls them in turn, each inside
``threads(k)`` with the thread count k that :func:`fastest_threads` chose. The
network is the text's [784, 30, 10]: sigmoid, quadratic cost, η = 3.0.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import time
from collections.abc import Iterator
from typing import Any

import numpy as np

import bp4
from bp4.teaching import reference

SIZES = [784, 30, 10]
ETA = 3.0
SEED = 0


def make_data(n: int, dtype: np.dtype) -> tuple[np.ndarray, np.ndarray]:
    """X of shape (784, n), Fortran-ordered (one sample contiguous), and labels (n,).

    Pixels uniform in [0, 1), labels 0–9, from a fixed seed: MNIST's shape
    without MNIST, so the benchmark needs no download.
    """
    rng = np.random.default_rng(SEED)
    X = rng.random((n, SIZES[0]), dtype=dtype).T  # the transpose of a C array: F
    y = rng.integers(0, SIZES[-1], size=n)
    return X, y


def one_hot(y: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """Targets of shape (10, n), one sample contiguous."""
    return np.asfortranarray(np.eye(SIZES[-1], dtype=dtype)[:, y])


@contextlib.contextmanager
def blas_threads(threads: int) -> Iterator[None]:
    """NumPy's BLAS limited to ``threads`` threads, through threadpoolctl if installed."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        yield
        return
    with threadpool_limits(limits=threads, user_api="blas"):
        yield


def fastest_threads(epoch: Any, samples: int, rounds: int = 2) -> int:
    """1 thread or every core: the one whose slowest trial epoch was faster.

    Each count runs ``rounds`` trial epochs of ``samples`` samples, taking
    turns. On a shared machine a pool of threads that must wait for each
    other's busy core can make an epoch many times slower than one thread
    would, so the worst trial decides; a tie keeps 1 thread.
    """
    counts = sorted({1, os.cpu_count() or 1})
    for threads in counts:  # warm-up
        with epoch.threads(threads):
            epoch(samples)
    worst = dict.fromkeys(counts, 0.0)
    for _ in range(rounds):
        for threads in counts:
            with epoch.threads(threads):
                worst[threads] = max(worst[threads], epoch(samples))
    return min(counts, key=worst.__getitem__)


class Bp4Epochs:
    """The whole call ``Network.sgd(X, y, 1, batch_size, η)``, one epoch per call.

    The time is the call's, from its checks of the input to the epoch's
    record; ``record_s`` keeps the ``seconds`` each record reports.
    """

    threads = staticmethod(blas_threads)

    def __init__(self, X: np.ndarray, y: np.ndarray, batch_size: int) -> None:
        self.X, self.y, self.batch_size = X, y, batch_size
        self.net = bp4.Network(SIZES, seed=SEED, dtype=X.dtype)
        self.record_s: list[float] = []

    def __call__(self, samples: int | None = None) -> float:
        X, y = self.X, self.y
        if samples is not None:  # a trial: the first samples (X stays F-ordered)
            X, y = X[:, :samples], y[:samples]
        start = time.perf_counter()
        (record,) = self.net.sgd(X, y, 1, self.batch_size, ETA)
        seconds = time.perf_counter() - start
        self.record_s.append(record.seconds)
        return seconds


class ReferenceEpochs:
    """The text's per-sample algorithm: ``reference.backprop_per_sample``, then the update.

    With ``samples`` < n, each epoch runs the first ``samples`` samples of its
    shuffle and the time is scaled by n / samples.
    """

    threads = staticmethod(blas_threads)

    def __init__(
        self, X: np.ndarray, y: np.ndarray, batch_size: int, samples: int
    ) -> None:
        self.net = bp4.Network(SIZES, seed=SEED, dtype=X.dtype)
        self.X, self.Y = X, one_hot(y, X.dtype)
        self.batch_size, self.samples = batch_size, min(samples, X.shape[1])

    def __call__(self, samples: int | None = None) -> float:
        net, n = self.net, self.X.shape[1]
        samples = samples or self.samples
        start = time.perf_counter()
        order = net.rng.permutation(n)[:samples]
        for k in range(0, samples, self.batch_size):
            batch = order[k : k + self.batch_size]
            nabla_w, nabla_b = reference.backprop_per_sample(
                net.weights,
                net.biases,
                self.X[:, batch],
                self.Y[:, batch],
                net.activation,
                net.cost_function,
                net.output_activation,
            )
            for w, b, nw, nb in zip(net.weights, net.biases, nabla_w, nabla_b):
                w -= ETA * nw
                b -= ETA * nb
        return (time.perf_counter() - start) * n / samples


class TorchEpochs:
    """PyTorch on the CPU: nn.Linear + nn.Sigmoid, cost ½‖a − y‖² averaged over the batch.

    Like bp4's record, the epoch keeps the mean of its batch costs.
    """

    def __init__(self, X: np.ndarray, y: np.ndarray, batch_size: int) -> None:
        import torch

        self.torch = torch
        torch.manual_seed(SEED)
        dtype = {"float64": torch.float64, "float32": torch.float32}[X.dtype.name]
        self.X = torch.from_numpy(X.T)  # (n, 784), shares X's memory
        self.Y = torch.nn.functional.one_hot(torch.from_numpy(y), SIZES[-1]).to(dtype)
        layers: list[Any] = []
        for n_in, n_out in zip(SIZES[:-1], SIZES[1:]):
            layers += [torch.nn.Linear(n_in, n_out, dtype=dtype), torch.nn.Sigmoid()]
        self.model = torch.nn.Sequential(*layers)
        self.optimizer = torch.optim.SGD(self.model.parameters(), lr=ETA)
        self.batch_size = batch_size
        self.costs: list[float] = []

    @contextlib.contextmanager
    def threads(self, threads: int) -> Iterator[None]:
        """PyTorch's own thread pool set to ``threads`` (NumPy's BLAS is not used)."""
        self.torch.set_num_threads(threads)
        yield

    def __call__(self, samples: int | None = None) -> float:
        torch, model, optimizer = self.torch, self.model, self.optimizer
        samples = samples or self.X.shape[0]
        start = time.perf_counter()
        order = torch.randperm(self.X.shape[0])[:samples]
        total = torch.zeros((), dtype=self.Y.dtype)
        for k in range(0, samples, self.batch_size):
            batch = order[k : k + self.batch_size]
            x, y = self.X.index_select(0, batch), self.Y.index_select(0, batch)
            optimizer.zero_grad(set_to_none=True)
            loss = 0.5 * ((model(x) - y) ** 2).sum(dim=1).mean()
            loss.backward()
            optimizer.step()
            total += loss.detach()
        self.costs.append(float(total) / len(range(0, samples, self.batch_size)))
        return time.perf_counter() - start


class FloorEpochs:
    """What no implementation of the step can beat with this BLAS and this memory.

    Per batch: gather the shuffled samples and targets (``np.take`` into
    preallocated buffers, from one-sample-contiguous rows) and run the step's
    matrix products alone at the same shapes, each in the memory layout that
    was fastest for it, into preallocated outputs: the forward w^l a^{l-1} of
    every layer, BP2's (w^{l+1})^T δ^{l+1} of every hidden layer and BP4's
    δ^l (a^{l-1})^T of every layer. Nothing else: no σ, no bias, no update.
    The epoch's time is the sum of the gathers and the products; a last
    smaller batch, if n is not a multiple of the batch size, is timed at full
    size.
    """

    def __init__(self, X: np.ndarray, y: np.ndarray, batch_size: int) -> None:
        n = X.shape[1]
        m = min(batch_size, n)
        self.XT = np.ascontiguousarray(X.T)  # (n, 784): no copy when X is F
        self.YT = np.ascontiguousarray(one_hot(y, X.dtype).T)
        self.x = np.empty((m, SIZES[0]), X.dtype)
        self.y = np.empty((m, SIZES[-1]), X.dtype)
        self.batch_size = m
        self.rng = np.random.default_rng(SEED)
        self.products = [
            fastest_layout(name, shape, X.dtype) for name, shape in step_products(m)
        ]
        self.gathers_s: list[float] = []
        self.products_s: list[float] = []

    threads = staticmethod(blas_threads)

    def __call__(self, samples: int | None = None) -> float:
        XT, YT, x, y, m = self.XT, self.YT, self.x, self.y, self.batch_size
        products = [(p["a"], p["b"], p["out"]) for p in self.products]
        gathers = multiplies = 0.0
        order = self.rng.permutation(XT.shape[0])[:samples]
        for k in range(0, len(order), m):
            batch = order[k : k + m]
            start = time.perf_counter()
            np.take(XT, batch, axis=0, out=x[: len(batch)], mode="clip")
            np.take(YT, batch, axis=0, out=y[: len(batch)], mode="clip")
            middle = time.perf_counter()
            for a, b, out in products:
                np.matmul(a, b, out=out)
            multiplies += time.perf_counter() - middle
            gathers += middle - start
        self.gathers_s.append(gathers)
        self.products_s.append(multiplies)
        return gathers + multiplies


def step_products(m: int) -> list[tuple[str, tuple[int, int, int]]]:
    """(name, (p, q, r)) of each product (p×q)·(q×r) in one step on m samples."""
    found = []
    layers = list(zip(SIZES[:-1], SIZES[1:]))
    for l, (n_in, n_out) in enumerate(layers, start=2):
        found.append((f"forward w^{l} a^{l - 1}", (n_out, n_in, m)))
    for l, (n_in, n_out) in reversed(list(enumerate(layers, start=2))):
        if l < len(SIZES):  # BP2 needs a layer after this one
            n_next = SIZES[l]
            found.append((f"BP2 (w^{l + 1})^T δ^{l + 1}", (n_out, n_next, m)))
        found.append((f"BP4 δ^{l} (a^{l - 1})^T", (n_out, m, n_in)))
    return found


def fastest_layout(
    name: str, shape: tuple[int, int, int], dtype: np.dtype
) -> dict[str, Any]:
    """Time (p×q)·(q×r) with each operand and the output C- or F-ordered; keep the fastest.

    Returns the name, the shape, the layout (e.g. "CFC": first factor C,
    second F, output C), the arrays to reuse, and the best time of one product.
    """
    p, q, r = shape
    rng = np.random.default_rng(SEED)
    best: dict[str, Any] = {}
    for layout in itertools.product("CF", repeat=3):
        a = np.asarray(rng.random((p, q)), dtype=dtype, order=layout[0])
        b = np.asarray(rng.random((q, r)), dtype=dtype, order=layout[1])
        out = np.empty((p, r), dtype, order=layout[2])
        seconds = _best_time(lambda: np.matmul(a, b, out=out))  # noqa: B023
        if not best or seconds < best["seconds"]:
            best = {"a": a, "b": b, "out": out, "seconds": seconds}
            best["layout"] = "".join(layout)
    return {"name": name, "shape": list(shape), **best}


def _best_time(call: Any, repeats: int = 5, budget: float = 0.002) -> float:
    """The smallest mean time of ``call`` over ``repeats`` loops of about ``budget`` s."""
    call()  # warm-up
    start = time.perf_counter()
    call()
    once = max(time.perf_counter() - start, 1e-7)
    number = max(1, int(budget / once))
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(number):
            call()
        best = min(best, (time.perf_counter() - start) / number)
    return best


def oracle_epoch_seconds(X: np.ndarray, y: np.ndarray, samples: int) -> float:
    """``reference.backprop`` (loops over j and k) on ``samples`` samples, scaled to n."""
    net = bp4.Network(SIZES, seed=SEED, dtype=np.float64)
    Y = np.eye(SIZES[-1])[:, y[:samples]]
    start = time.perf_counter()
    reference.backprop(
        net.weights, net.biases, X[:, :samples], Y, net.activation,
        net.cost_function, net.output_activation,
    )  # fmt: skip
    return (time.perf_counter() - start) * X.shape[1] / samples
