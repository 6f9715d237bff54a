"""Time training epochs of bp4, the per-sample algorithm, PyTorch and the floor.

Writes benchmarks/results/epoch.json (every epoch's time, the machine) and
then, through report.py, benchmarks/results/epoch.md. Every time is from
epochs after a warm-up; the methods take turns epoch by epoch, so a busy
neighbour on a shared machine slows them alike.

    python benchmarks/epoch.py            # the full run (about 10 minutes)
    python benchmarks/epoch.py --quick    # a small run to try it out

See benchmarks/README.md for what is measured and what each column means.
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import os
import platform
import subprocess
import sys
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np

# Benchmark the checkout this script belongs to, installed or not.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
import methods  # noqa: E402
import report  # noqa: E402

import bp4  # noqa: E402

OPENBLAS_VARIABLES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS")


def machine_facts() -> dict[str, Any]:
    """The CPU, the libraries and the BLAS settings (None: a variable is unset)."""
    facts: dict[str, Any] = {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "bp4": getattr(bp4, "__version__", None),
        "load_average_at_start": _load_average(),
        "environment": {name: os.environ.get(name) for name in OPENBLAS_VARIABLES},
        "blas": _blas(),  # before PyTorch loads libraries of its own
    }
    try:
        import torch
    except ImportError:
        facts["torch"] = None
    else:
        facts["torch"] = torch.__version__
        facts["torch_mkl"] = torch.backends.mkl.is_available()
    return facts


def _blas() -> list[dict[str, Any]] | str:
    """NumPy's BLAS as threadpoolctl finds it: library, version, kernel, threads."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "threadpoolctl not installed"
    keys = ("internal_api", "version", "architecture", "num_threads")
    return [
        {key: info.get(key) for key in keys} | {"library": Path(info["filepath"]).name}
        for info in threadpool_info()
        if info.get("user_api") == "blas"
    ]


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
    everything sgd allocates; ``rss_mb`` is how far the peak resident set rose
    above the resident set before sgd (Linux only).
    """
    X, y = methods.make_data(samples, np.dtype(dtype))
    net = bp4.Network(methods.SIZES, seed=methods.SEED, dtype=X.dtype)
    gc.collect()
    rss_before = _rss_kib("VmRSS")
    try:  # reset the peak (VmHWM) to the current resident set, Linux ≥ 4.0
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass
    tracemalloc.start()
    net.sgd(X, y, 2, batch_size, methods.ETA)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_peak = _rss_kib("VmHWM")
    mb = 1024**2
    rss = None if rss_before is None or rss_peak is None else rss_peak - rss_before
    print(
        json.dumps(
            {
                "data_mb": (X.nbytes + y.nbytes) / mb,
                "traced_mb": peak / mb,
                "rss_mb": None if rss is None else rss / 1024,
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


def measure(dtype: str, batch_size: int, args: argparse.Namespace) -> dict[str, Any]:
    """Every method's epochs at one dtype and batch size, taking turns."""
    X, y = methods.make_data(args.samples, np.dtype(dtype))
    bp = methods.Bp4Epochs(X, y, batch_size)
    floor = methods.FloorEpochs(X, y, batch_size)
    epochs: dict[str, Any] = {
        "bp4": bp,
        "reference": methods.ReferenceEpochs(X, y, batch_size, args.reference_samples),
        "floor": floor,
    }
    if args.torch:
        epochs["torch"] = methods.TorchEpochs(X, y, batch_size)
    threads = {}
    for key, epoch in epochs.items():
        trial = min(args.trial_samples, args.samples)
        # The floor runs on bp4's threads, so that bp4 ÷ floor compares the
        # same BLAS doing the same products, and measures all the rest.
        threads[key] = (
            threads["bp4"]
            if key == "floor"
            else (methods.fastest_threads(epoch, trial))
        )
        if key != "reference":  # a whole epoch to warm up; the trial did for it
            with epoch.threads(threads[key]):
                epoch()
    del bp.record_s[:], floor.gathers_s[:], floor.products_s[:]
    times: dict[str, list[float]] = {key: [] for key in epochs}
    for _ in range(args.epochs):
        for key, epoch in epochs.items():
            with epoch.threads(threads[key]):  # outside the timed epoch
                times[key].append(epoch())
    row: dict[str, Any] = {
        "dtype": dtype,
        "batch_size": batch_size,
        "threads": threads,
        "bp4": {"epochs_s": times["bp4"], "record_s": bp.record_s},
        "reference": {"epochs_s": times["reference"]},
        "torch": {"epochs_s": times["torch"]} if args.torch else None,
        "floor": {
            "epochs_s": times["floor"],
            "gathers_s": floor.gathers_s,
            "products_s": floor.products_s,
            "products": [
                {key: p[key] for key in ("name", "shape", "layout", "seconds")}
                for p in floor.products
            ],
        },
        "memory": measure_memory(dtype, batch_size, args.samples),
    }
    return row


def run(args: argparse.Namespace) -> dict[str, Any]:
    facts = machine_facts()
    args.torch = facts["torch"] is not None and not args.no_torch
    log = (
        (lambda *a, **k: None) if args.silent else functools.partial(print, flush=True)
    )
    log(f"machine: {facts}")
    rows = []
    for dtype in args.dtypes:
        for batch_size in args.batch_sizes:
            rows.append(measure(dtype, batch_size, args))
            log(report.row_summary(rows[-1]))
    oracle = None
    if "float64" in args.dtypes and args.oracle_samples > 0:
        X, y = methods.make_data(args.samples, np.dtype("float64"))
        seconds = methods.oracle_epoch_seconds(X, y, args.oracle_samples)
        oracle = {"samples": args.oracle_samples, "epoch_s": seconds}
    facts["load_average_at_end"] = _load_average()
    config = {
        "sizes": methods.SIZES,
        "eta": methods.ETA,
        "samples": args.samples,
        "epochs": args.epochs,
        "batch_sizes": args.batch_sizes,
        "dtypes": args.dtypes,
        "reference_samples": min(args.reference_samples, args.samples),
        "trial_samples": min(args.trial_samples, args.samples),
        "torch": args.torch,
    }
    return {"config": config, "machine": facts, "results": rows, "oracle": oracle}


def _int_list(text: str) -> list[int]:
    try:
        values = [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        values = []
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(
            f"expected positive integers separated by commas, got {text!r}"
        )
    return values


def _dtype_list(text: str) -> list[str]:
    values = [v.strip() for v in text.split(",") if v.strip()]
    if not values or any(v not in ("float64", "float32") for v in values):
        raise argparse.ArgumentTypeError(
            f"expected float64 and/or float32, got {text!r}"
        )
    return values


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="10,000 samples, 2 epochs")
    p.add_argument("--batch-sizes", type=_int_list, default=[10, 100, 1000])
    p.add_argument("--dtypes", type=_dtype_list, default=["float64", "float32"])
    p.add_argument("--epochs", type=int, help="timed epochs after the warm-up (5)")
    p.add_argument("--samples", type=int, help="training samples (50,000)")
    p.add_argument(
        "--reference-samples",
        type=int,
        help="samples the per-sample reference runs each epoch, its time scaled (all)",
    )
    p.add_argument(
        "--oracle-samples",
        type=int,
        default=20,
        help="samples to time the component-wise oracle on (0: skip)",
    )
    p.add_argument(
        "--trial-samples",
        type=int,
        default=2000,
        help="samples of the trial epochs that choose each method's threads",
    )
    p.add_argument("--no-torch", action="store_true", help="skip PyTorch")
    p.add_argument(
        "--out",
        type=Path,
        default=report.RESULTS,
        help="directory for epoch.json and epoch.md",
    )
    p.add_argument("--silent", action="store_true")
    p.add_argument("--memory-child", nargs=2, metavar=("DTYPE", "BATCH"),
                   help=argparse.SUPPRESS)  # fmt: skip
    args = p.parse_args(argv)
    args.epochs = args.epochs or (2 if args.quick else 5)
    args.samples = args.samples or (10_000 if args.quick else 50_000)
    args.reference_samples = args.reference_samples or (
        min(2_000, args.samples) if args.quick else args.samples
    )
    for name in ("epochs", "samples", "reference_samples", "trial_samples"):
        if getattr(args, name) < 1:
            p.error(f"--{name.replace('_', '-')} must be at least 1")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.memory_child:
        memory_child(args.memory_child[0], int(args.memory_child[1]), args.samples)
        return
    results = run(args)
    path = args.out / "epoch.json"
    report.write_atomically(path, json.dumps(results, indent=2) + "\n")
    markdown = report.write_report(path)
    if not args.silent:
        print(markdown)


if __name__ == "__main__":
    main()
