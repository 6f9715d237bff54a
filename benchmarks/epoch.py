"""Time one training epoch of bp4 against the per-sample algorithm, PyTorch and
the arithmetic limit, and write benchmarks/results/epoch.{json,md}.

The network is the text's [784, 30, 10]: sigmoid, quadratic cost, η = 3.0,
trained on MNIST-shaped synthetic data (pixels uniform in [0, 1), labels 0–9,
fixed seed), one sample per contiguous row of memory as bp4's loaders give it.
Every time is the median of several epochs after a warm-up; the methods take
turns epoch by epoch, so a busy neighbour on a shared machine slows them alike.

    python benchmarks/epoch.py            # the full run (about 8 minutes)
    python benchmarks/epoch.py --quick    # a small run to try it out

See benchmarks/README.md for what each column means.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np

# Benchmark the checkout this script belongs to, installed or not.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
import bp4  # noqa: E402
from bp4 import reference  # noqa: E402

SIZES = [784, 30, 10]
ETA = 3.0
WEIGHTS = sum(n_in * n_out for n_in, n_out in zip(SIZES[:-1], SIZES[1:]))  # 23,820
SEED = 0
OPENBLAS_VARIABLES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS")
RESULTS = Path(__file__).resolve().parent / "results"


# -- data and machine -----------------------------------------------------------


def make_data(n: int, dtype: np.dtype) -> tuple[np.ndarray, np.ndarray]:
    """X of shape (784, n), Fortran-ordered (one sample contiguous), and labels (n,)."""
    rng = np.random.default_rng(SEED)
    X = rng.random((n, SIZES[0]), dtype=dtype).T  # the transpose of a C array: F
    y = rng.integers(0, SIZES[-1], size=n)
    return X, y


def machine_facts() -> dict[str, Any]:
    facts: dict[str, Any] = {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "bp4": bp4.__version__,
        "load_average_at_start": _load_average(),
    }
    for name in OPENBLAS_VARIABLES:
        facts[name] = os.environ.get(name, "unset")
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        facts["blas"] = "threadpoolctl not installed"
    else:
        facts["blas"] = [
            {
                key: info.get(key)
                for key in ("internal_api", "version", "architecture", "num_threads")
            }
            | {"library": Path(info["filepath"]).name}
            for info in threadpool_info()
            if info.get("user_api") == "blas"
        ]
    return facts


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _load_average() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def gemm_gflops(dtype: np.dtype, size: int, repeats: int) -> float:
    """The rate of a large square matrix product, in GFLOP/s (2·size³ flops each)."""
    rng = np.random.default_rng(SEED)
    A = rng.random((size, size), dtype=dtype)
    B = rng.random((size, size), dtype=dtype)
    C = np.empty_like(A)
    np.matmul(A, B, out=C)  # warm-up
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        np.matmul(A, B, out=C)
        seconds.append(time.perf_counter() - start)
    return 2 * size**3 / statistics.median(seconds) / 1e9


# -- one epoch of each method -----------------------------------------------------


class Bp4Epochs:
    """bp4's Network.sgd, one epoch per call; the time is the epoch's own record."""

    def __init__(self, X: np.ndarray, y: np.ndarray, batch_size: int) -> None:
        self.X, self.y, self.batch_size = X, y, batch_size
        self.net = bp4.Network(SIZES, seed=SEED, dtype=X.dtype)

    def __call__(self) -> float:
        (record,) = self.net.sgd(self.X, self.y, 1, self.batch_size, ETA)
        return record.seconds  # shuffle and batches; not the validation or cost


class ReferenceEpochs:
    """The text's per-sample algorithm: reference.backprop_per_sample per batch.

    With ``samples`` < n, each epoch runs the first ``samples`` samples of its
    shuffle and the time is scaled by n / samples.
    """

    def __init__(
        self, X: np.ndarray, y: np.ndarray, batch_size: int, samples: int
    ) -> None:
        self.net = bp4.Network(SIZES, seed=SEED, dtype=X.dtype)
        self.X = X
        self.Y = np.asfortranarray(np.eye(SIZES[-1], dtype=X.dtype)[:, y])
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
            )
            for w, b, nw, nb in zip(net.weights, net.biases, nabla_w, nabla_b):
                w -= ETA * nw
                b -= ETA * nb
        return (time.perf_counter() - start) * n / samples

    def warm_up(self) -> None:
        self(min(1000, self.samples))  # plain Python and NumPy: nothing to compile


class TorchEpochs:
    """PyTorch on the CPU: nn.Linear + sigmoid, cost ½‖a − y‖² averaged over the batch."""

    def __init__(self, X: np.ndarray, y: np.ndarray, batch_size: int) -> None:
        import torch

        self.torch = torch
        torch.set_num_threads(os.cpu_count() or 1)
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

    def __call__(self) -> float:
        torch, model, optimizer = self.torch, self.model, self.optimizer
        n = self.X.shape[0]
        start = time.perf_counter()
        order = torch.randperm(n)
        for k in range(0, n, self.batch_size):
            batch = order[k : k + self.batch_size]
            x, y = self.X.index_select(0, batch), self.Y.index_select(0, batch)
            optimizer.zero_grad(set_to_none=True)
            loss = 0.5 * ((model(x) - y) ** 2).sum(dim=1).mean()
            loss.backward()
            optimizer.step()
        return time.perf_counter() - start


def oracle_epoch_seconds(X: np.ndarray, y: np.ndarray, samples: int) -> float:
    """reference.backprop (loops over j and k) on ``samples`` samples, scaled to n."""
    net = bp4.Network(SIZES, seed=SEED, dtype=np.float64)
    Y = np.eye(SIZES[-1])[:, y[:samples]]
    start = time.perf_counter()
    reference.backprop(
        net.weights, net.biases, X[:, :samples], Y, net.activation, net.cost_function
    )
    return (time.perf_counter() - start) * X.shape[1] / samples


# -- memory, in a fresh process ---------------------------------------------------


def measure_memory(dtype: str, batch_size: int, samples: int) -> dict[str, Any]:
    """Run :func:`memory_child` in a new interpreter, so earlier peaks do not count."""
    out = subprocess.run(
        [sys.executable, __file__, "--memory-child", dtype, str(batch_size)]
        + ["--samples", str(samples)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout)


def memory_child(dtype: str, batch_size: int, samples: int) -> None:
    """Two epochs of Network.sgd; print the data's size and the memory beyond it.

    ``traced_mb`` is tracemalloc's peak (NumPy reports its buffers to it) of
    everything sgd allocates, its end-of-epoch cost evaluation included;
    ``rss_mb`` is how far the peak resident set rose above the resident set
    before sgd (Linux only).
    """
    X, y = make_data(samples, np.dtype(dtype))
    net = bp4.Network(SIZES, seed=SEED, dtype=X.dtype)
    gc.collect()
    rss_before = _rss_kib("VmRSS")
    try:  # reset the peak (VmHWM) to the current resident set, Linux ≥ 4.0
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass
    tracemalloc.start()
    net.sgd(X, y, 2, batch_size, ETA)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_peak = _rss_kib("VmHWM")
    mb = 1024**2
    print(
        json.dumps(
            {
                "data_mb": (X.nbytes + y.nbytes) / mb,
                "traced_mb": peak / mb,
                "rss_mb": None
                if rss_before is None or rss_peak is None
                else (rss_peak - rss_before) / 1024,
            }
        )
    )


def _rss_kib(field: str) -> int | None:
    """VmRSS (resident now) or VmHWM (peak resident) from /proc, in KiB.

    Not getrusage's ru_maxrss: Linux carries it over from the parent across
    fork and exec, so a child of a large process would report the parent's.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return None


# -- the run ---------------------------------------------------------------------


def run(args: argparse.Namespace) -> dict[str, Any]:
    facts = machine_facts()  # before torch loads its own libraries
    try:
        import torch  # noqa: F401

        facts["torch"] = torch.__version__
    except ImportError:
        facts["torch"] = None
    use_torch = facts["torch"] is not None and not args.no_torch
    log = print if not args.silent else (lambda *a, **k: None)
    log(f"machine: {facts}")

    gemm = {
        name: gemm_gflops(np.dtype(name), args.gemm_size, args.gemm_repeats)
        for name in args.dtypes
    }
    log(f"GEMM GFLOP/s: {gemm}")
    flops = 6 * WEIGHTS * args.samples

    rows = []
    for name in args.dtypes:
        X, y = make_data(args.samples, np.dtype(name))
        for batch_size in args.batch_sizes:
            methods: dict[str, Any] = {
                "bp4": Bp4Epochs(X, y, batch_size),
                "reference": ReferenceEpochs(X, y, batch_size, args.reference_samples),
            }
            if use_torch:
                methods["torch"] = TorchEpochs(X, y, batch_size)
            for epoch in methods.values():
                getattr(
                    epoch, "warm_up", epoch
                )()  # a whole epoch, but for the reference
            times: dict[str, list[float]] = {key: [] for key in methods}
            for _ in range(args.epochs):  # the methods take turns
                for key, epoch in methods.items():
                    times[key].append(epoch())
            row = {
                "dtype": name,
                "batch_size": batch_size,
                "limit_s": flops / (gemm[name] * 1e9),
                "memory": measure_memory(name, batch_size, args.samples),
            }
            for key in ("bp4", "reference", "torch"):
                row[key] = (
                    {"median_s": statistics.median(times[key]), "epochs_s": times[key]}
                    if key in times
                    else None
                )
            rows.append(row)
            log(
                f"{name} batch {batch_size}: "
                + ", ".join(
                    f"{k} {statistics.median(v):.3f} s" for k, v in times.items()
                )
                + f", limit {row['limit_s']:.3f} s, memory {row['memory']}"
            )
        del X, y

    oracle = None
    if "float64" in args.dtypes and args.oracle_samples > 0:
        X, y = make_data(args.samples, np.dtype("float64"))
        oracle = {
            "samples": args.oracle_samples,
            "epoch_s": oracle_epoch_seconds(X, y, args.oracle_samples),
        }
    facts["load_average_at_end"] = _load_average()
    results = {
        "config": {
            "sizes": SIZES,
            "eta": ETA,
            "weights": WEIGHTS,
            "samples": args.samples,
            "epochs": args.epochs,
            "batch_sizes": args.batch_sizes,
            "dtypes": args.dtypes,
            "reference_samples": min(args.reference_samples, args.samples),
            "gemm_size": args.gemm_size,
            "torch": use_torch,
        },
        "machine": facts,
        "gemm_gflops": gemm,
        "results": rows,
        "oracle": oracle,
    }
    results["targets"] = targets(results)
    return results


# -- targets and reports -----------------------------------------------------------


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target of issue 4 as (measured, required), from this run's medians."""
    t: dict[tuple[str, int, str], float | None] = {}
    limit: dict[tuple[str, int], float] = {}
    for row in results["results"]:
        key = (row["dtype"], row["batch_size"])
        limit[key] = row["limit_s"]
        for method in ("bp4", "reference", "torch"):
            t[key + (method,)] = row[method]["median_s"] if row[method] else None

    def ratio(num: tuple, den: tuple) -> float | None:
        a, b = t.get(num), t.get(den)
        return None if a is None or b is None else a / b

    f64, f32 = "float64", "float32"
    found = [
        ("batch 10: per-sample reference / bp4 float64", ">=", 6.0,
         ratio((f64, 10, "reference"), (f64, 10, "bp4"))),
        ("batch 10: PyTorch float32 / bp4 float64", ">=", 3.0,
         ratio((f32, 10, "torch"), (f64, 10, "bp4"))),
        ("batch 10: PyTorch float32 / bp4 float32", ">=", 4.0,
         ratio((f32, 10, "torch"), (f32, 10, "bp4"))),
        ("bp4 float64: epoch at batch 10 / epoch at batch 100", ">=", 1.0,
         ratio((f64, 10, "bp4"), (f64, 100, "bp4"))),
        ("bp4 float32: epoch at batch 10 / epoch at batch 100", ">=", 1.0,
         ratio((f32, 10, "bp4"), (f32, 100, "bp4"))),
        ("batch 1000: bp4 float64 / arithmetic limit", "<=", 2.0,
         None if (f64, 1000, "bp4") not in t
         else t[(f64, 1000, "bp4")] / limit[(f64, 1000)]),
        ("batch 1000: PyTorch float64 / bp4 float64", ">=", 1.2,
         ratio((f64, 1000, "torch"), (f64, 1000, "bp4"))),
        ("batch 1000: PyTorch float32 / bp4 float32", ">=", 1.3,
         ratio((f32, 1000, "torch"), (f32, 1000, "bp4"))),
        ("batch 1000: bp4 float64 / bp4 float32", ">=", 1.5,
         ratio((f64, 1000, "bp4"), (f32, 1000, "bp4"))),
    ]  # fmt: skip
    memory = [
        row["memory"]["traced_mb"]
        for row in results["results"]
        if row["dtype"] == f64 and results["config"]["samples"] >= 50_000
    ]
    found.append(
        ("float64, 50,000 samples: extra memory in MB (largest)", "<=", 50.0,
         max(memory) if memory else None)
    )  # fmt: skip
    out = []
    for name, op, required, measured in found:
        met = None
        if measured is not None:
            met = measured >= required if op == ">=" else measured <= required
        out.append(
            {"target": name, "measured": measured, "required": f"{op} {required:g}",
             "met": met}
        )  # fmt: skip
    return out


def _s(x: float | None) -> str:
    return "—" if x is None else f"{x:.3g}"


def markdown(results: dict[str, Any]) -> str:
    """The table, the targets and the machine, as Markdown without a # heading."""
    c, m = results["config"], results["machine"]
    ref_note = (
        ""
        if c["reference_samples"] >= c["samples"]
        else f" (timed on {c['reference_samples']:,} samples, scaled)"
    )
    lines = [
        f"One epoch of `{c['sizes']}`, sigmoid, quadratic cost, η = {c['eta']}, on "
        f"{c['samples']:,} MNIST-shaped synthetic samples: medians of {c['epochs']} "
        f"epochs after a warm-up, in seconds. Per-sample reference{ref_note}: "
        "`bp4.reference.backprop_per_sample`. Limit: 6 × "
        f"{c['weights']:,} weights × {c['samples']:,} samples flops at the rate of a "
        f"{c['gemm_size']}² matrix product measured in the same run.",
        "",
        "| dtype | batch | bp4 | per-sample reference | PyTorch | limit "
        "| bp4 ÷ limit | reference ÷ bp4 | PyTorch ÷ bp4 | extra memory (MB) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in results["results"]:
        bp = row["bp4"]["median_s"]
        ref = row["reference"]["median_s"]
        pt = row["torch"]["median_s"] if row["torch"] else None
        lines.append(
            f"| {row['dtype']} | {row['batch_size']} | {_s(bp)} | {_s(ref)} | {_s(pt)} "
            f"| {_s(row['limit_s'])} | {_s(bp / row['limit_s'])} | {_s(ref / bp)} "
            f"| {_s(None if pt is None else pt / bp)} "
            f"| {_s(row['memory']['traced_mb'])} |"
        )
    lines.append("")
    if not c["torch"]:
        lines += [
            "PyTorch was not installed (or `--no-torch`): its columns are empty.",
            "",
        ]
    if results["oracle"]:
        o = results["oracle"]
        lines += [
            "The component-wise oracle `bp4.reference.backprop` (Python loops over j "
            f"and k) would take about {o['epoch_s']:,.0f} s per float64 epoch, "
            f"extrapolated from {o['samples']} samples.",
            "",
        ]
    lines += ["## Targets", "", "| target | measured | required | met |",
              "|---|---:|---:|:---:|"]  # fmt: skip
    for t in results["targets"]:
        met = {True: "yes", False: "**no**", None: "not measured"}[t["met"]]
        lines.append(
            f"| {t['target']} | {_s(t['measured'])} | {t['required']} | {met} |"
        )
    blas = m["blas"]
    if isinstance(blas, list):
        blas = "; ".join(
            f"{b['internal_api']} {b['version']} ({b['architecture']}, "
            f"{b['num_threads']} threads, {b['library']})"
            for b in blas
        )
    lines += [
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        f"| CPU | {m['cpu']} |",
        f"| cores | {m['cores']} |",
        f"| NumPy | {m['numpy']} (Python {m['python']}) |",
        f"| BLAS | {blas} |",
        *(f"| `{name}` | {m[name]} |" for name in OPENBLAS_VARIABLES),
        f"| PyTorch | {m['torch'] or 'not installed'} |",
        "| GEMM rate (GFLOP/s) | "
        + ", ".join(f"{k} {v:.1f}" for k, v in results["gemm_gflops"].items())
        + " |",
        f"| load average, start → end | {m['load_average_at_start']} → "
        f"{m['load_average_at_end']} |",
        "",
    ]
    return "\n".join(lines)


def write_atomically(path: Path, text: str) -> None:
    """Write a temporary file beside ``path`` and rename it: readers never see half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _int_list(text: str) -> list[int]:
    values = [int(v) for v in text.split(",") if v.strip()]
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"expected positive integers, got {text!r}")
    return values


def _dtype_list(text: str) -> list[str]:
    values = [v.strip() for v in text.split(",") if v.strip()]
    bad = [v for v in values if v not in ("float64", "float32")]
    if not values or bad:
        raise argparse.ArgumentTypeError(
            f"expected float64 and/or float32, got {text!r}"
        )
    return values


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--quick",
        action="store_true",
        help="10,000 samples, 2 epochs, a smaller GEMM: a try-out",
    )
    p.add_argument("--batch-sizes", type=_int_list, default=[10, 100, 1000])
    p.add_argument("--dtypes", type=_dtype_list, default=["float64", "float32"])
    p.add_argument("--epochs", type=int, help="timed epochs after the warm-up (7)")
    p.add_argument("--samples", type=int, help="training samples (50,000)")
    p.add_argument(
        "--reference-samples",
        type=int,
        help="samples the per-sample reference runs per epoch (all)",
    )
    p.add_argument(
        "--oracle-samples",
        type=int,
        default=20,
        help="samples to time the component-wise oracle on (0: skip)",
    )
    p.add_argument("--gemm-size", type=int, help="side of the square GEMM (2048)")
    p.add_argument("--gemm-repeats", type=int, default=5)
    p.add_argument("--no-torch", action="store_true", help="skip PyTorch")
    p.add_argument(
        "--out",
        type=Path,
        default=RESULTS,
        help="directory for epoch.json and epoch.md",
    )
    p.add_argument("--silent", action="store_true")
    p.add_argument("--memory-child", nargs=2, metavar=("DTYPE", "BATCH"),
                   help=argparse.SUPPRESS)  # fmt: skip
    args = p.parse_args(argv)
    quick = args.quick
    args.epochs = args.epochs or (2 if quick else 7)
    args.samples = args.samples or (10_000 if quick else 50_000)
    args.reference_samples = args.reference_samples or (
        min(2_000, args.samples) if quick else args.samples
    )
    args.gemm_size = args.gemm_size or (512 if quick else 2048)
    for name in ("epochs", "samples", "reference_samples", "gemm_size"):
        if getattr(args, name) < 1:
            p.error(f"--{name.replace('_', '-')} must be at least 1")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.memory_child:
        memory_child(args.memory_child[0], int(args.memory_child[1]), args.samples)
        return
    results = run(args)
    write_atomically(args.out / "epoch.json", json.dumps(results, indent=2) + "\n")
    write_atomically(args.out / "epoch.md", markdown(results))
    if not args.silent:
        print(markdown(results))


if __name__ == "__main__":
    main()
