"""Read benchmarks/results/epoch.json and write benchmarks/results/epoch.md.

    python benchmarks/report.py                      # the committed results
    python benchmarks/report.py path/to/epoch.json   # epoch.md beside it

epoch.md has, in order: the table for students that docs/performance.md
includes (between the two marker comments), bp4 against the floor, the
targets with the ratios this run measured, and the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"
START = "<!-- docs/performance.md includes from here -->"
END = "<!-- docs/performance.md includes up to here -->"

# (dtype, batch size, method) of a median
Key = tuple[str, int, str]
NAMES = {"bp4": "bp4", "reference": "reference", "torch": "PyTorch", "floor": "floor"}


def medians(results: dict[str, Any]) -> dict[Key, float]:
    """The median epoch of each (dtype, batch size, method) measured."""
    found = {}
    for row in results["results"]:
        for method in ("bp4", "reference", "torch", "floor"):
            if row[method] is not None:
                key = (row["dtype"], row["batch_size"], method)
                found[key] = statistics.median(row[method]["epochs_s"])
    return found


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target of issue 9 as measured, required and met (None: not measured)."""
    t = medians(results)

    def ratio(num: Key, den: Key) -> float | None:
        return t[num] / t[den] if num in t and den in t else None

    f64, f32 = "float64", "float32"
    found = [
        ("batch 10, float64: per-sample reference ÷ bp4", ">=", 13.0,
         ratio((f64, 10, "reference"), (f64, 10, "bp4"))),
        ("batch 10: PyTorch float32 ÷ bp4 float64", ">=", 3.5,
         ratio((f32, 10, "torch"), (f64, 10, "bp4"))),
        ("batch 10, float32: PyTorch float32 ÷ bp4 float32", ">=", 4.0,
         ratio((f32, 10, "torch"), (f32, 10, "bp4"))),
        ("bp4 float64: epoch at batch 10 ÷ epoch at batch 100", ">=", 1.0,
         ratio((f64, 10, "bp4"), (f64, 100, "bp4"))),
        ("bp4 float32: epoch at batch 10 ÷ epoch at batch 100", ">=", 1.0,
         ratio((f32, 10, "bp4"), (f32, 100, "bp4"))),
        ("batch 1000, float64: bp4 ÷ floor", "<=", 1.3,
         ratio((f64, 1000, "bp4"), (f64, 1000, "floor"))),
        ("batch 1000, float32: bp4 ÷ floor", "<=", 1.3,
         ratio((f32, 1000, "bp4"), (f32, 1000, "floor"))),
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


def _ratio(a: float | None, b: float | None) -> str:
    return "—" if a is None or b is None else f"{a / b:.3g}"


def _blas(machine: dict[str, Any]) -> str:
    blas = machine["blas"]
    if isinstance(blas, str):
        return blas
    return "; ".join(
        f"{b['internal_api']} {b['version']} ({b['architecture']} kernels, "
        f"{b['num_threads']} threads, {b['library']})"
        for b in blas
    )


def students(results: dict[str, Any]) -> list[str]:
    """The table docs/performance.md includes: what the matrix form buys."""
    c, m, t = results["config"], results["machine"], medians(results)
    lines = [
        f"Seconds per training epoch of the text's `{c['sizes']}` network (sigmoid, "
        f"quadratic cost, η = {c['eta']}) on {c['samples']:,} MNIST-shaped samples, "
        f"the median of {c['epochs']} epoch{'s' if c['epochs'] > 1 else ''}:",
        "",
        "| dtype | batch size | per-sample loop | matrix form (bp4) | PyTorch "
        "| loop ÷ matrix form | PyTorch ÷ bp4 |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in results["results"]:
        dtype, size = row["dtype"], row["batch_size"]
        bp, ref = t[(dtype, size, "bp4")], t[(dtype, size, "reference")]
        pt = t.get((dtype, size, "torch"))
        lines.append(
            f"| {dtype} | {size} | {_s(ref)} | {_s(bp)} | {_s(pt)} "
            f"| {_ratio(ref, bp)} | {_ratio(pt, bp)} |"
        )
    blas = m["blas"][0] if isinstance(m["blas"], list) and m["blas"] else None
    with_blas = f" with OpenBLAS {blas['version']}" if blas else ""
    scaled = (
        f"; the per-sample loop ran {c['reference_samples']:,} samples of each "
        "epoch, its time scaled to the whole epoch"
        if c["reference_samples"] < c["samples"]
        else ""
    )
    torch = f", PyTorch {m['torch']}" if c["torch"] else " (PyTorch not installed)"
    lines += [
        "",
        f"Measured on {m['cores']} cores, NumPy {m['numpy']}{with_blas}{torch}, "
        f"each on 1 thread or on {m['cores']}, whichever was faster{scaled}.",
    ]
    return lines


def floor_section(results: dict[str, Any]) -> list[str]:
    """bp4's sgd call against the floor, and the products the floor is made of."""
    t = medians(results)
    lines = [
        "## bp4 against the floor",
        "",
        "bp4 is the whole `Network.sgd` call for one epoch; its record is the "
        "`seconds` the call reports for the epoch. The floor is the step's matrix "
        "products alone, each in its fastest memory layout, plus gathering the "
        "shuffled batches (benchmarks/README.md). Medians, in seconds.",
        "",
        "| dtype | batch | bp4 | bp4 record | floor | products | gathers "
        "| bp4 ÷ floor | extra memory (MB) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in results["results"]:
        dtype, size, floor = row["dtype"], row["batch_size"], row["floor"]
        bp, fl = t[(dtype, size, "bp4")], t[(dtype, size, "floor")]
        lines.append(
            f"| {dtype} | {size} | {_s(bp)} | "
            f"{_s(statistics.median(row['bp4']['record_s']))} | {_s(fl)} "
            f"| {_s(statistics.median(floor['products_s']))} "
            f"| {_s(statistics.median(floor['gathers_s']))} | {_ratio(bp, fl)} "
            f"| {_s(row['memory']['traced_mb'])} |"
        )
    lines += [
        "",
        "Threads each method ran on, 1 or every core, whichever ran its slower "
        f"trial epoch of {results['config']['trial_samples']:,} samples faster "
        "(the floor: bp4's):",
        "",
        "| dtype | batch | " + " | ".join(NAMES.values()) + " |",
        "|---|---:|" + "---:|" * len(NAMES),
    ]
    for row in results["results"]:
        threads = [str(row["threads"].get(key, "—")) for key in NAMES]
        lines.append(
            f"| {row['dtype']} | {row['batch_size']} | " + " | ".join(threads) + " |"
        )
    largest = max(results["config"]["batch_sizes"])
    lines += [
        "",
        f"The products at batch {largest}, one step, in the fastest layout "
        "(first factor, second factor, output; C: rows contiguous, F: columns):",
        "",
        "| dtype | product | shape | layout | µs | GFLOP/s |",
        "|---|---|---|:---:|---:|---:|",
    ]
    for row in results["results"]:
        if row["batch_size"] != largest:
            continue
        for p in row["floor"]["products"]:
            a, b, c = p["shape"]
            gflops = 2 * a * b * c / p["seconds"] / 1e9
            lines.append(
                f"| {row['dtype']} | {p['name']} | ({a}×{b})·({b}×{c}) "
                f"| {p['layout']} | {p['seconds'] * 1e6:.1f} | {gflops:.1f} |"
            )
    return lines


def markdown(results: dict[str, Any]) -> str:
    """epoch.md: no # title, so that docs/performance.md can include a part."""
    c, m = results["config"], results["machine"]
    lines = [START, "", *students(results), "", END, "", *floor_section(results), ""]
    if results["oracle"]:
        o = results["oracle"]
        lines += [
            "The component-wise oracle `bp4.teaching.reference.backprop` (Python loops over j "
            f"and k) would take about {o['epoch_s']:,.0f} s per float64 epoch, "
            f"timed on {o['samples']} samples and scaled.",
            "",
        ]
    lines += ["## Targets", "", "| target | measured | required | met |",
              "|---|---:|---:|:---:|"]  # fmt: skip
    for t in targets(results):
        met = {True: "yes", False: "**no**", None: "not measured"}[t["met"]]
        lines.append(
            f"| {t['target']} | {_s(t['measured'])} | {t['required']} | {met} |"
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
        f"| BLAS | {_blas(m)} |",
        *(
            f"| `{name}` | {'unset' if value is None else value} |"
            for name, value in m["environment"].items()
        ),
        f"| PyTorch | {m['torch'] or 'not installed'}"
        + (" (MKL)" if m.get("torch_mkl") else "")
        + (" (not run)" if m["torch"] and not c["torch"] else "")
        + " |",
        f"| load average, start → end | {m['load_average_at_start']} → "
        f"{m['load_average_at_end']} |",
        "",
    ]
    return "\n".join(lines)


def row_summary(row: dict[str, Any]) -> str:
    """One line for the log while the benchmark runs."""
    times = ", ".join(
        f"{method} {statistics.median(row[method]['epochs_s']):.3f} s"
        for method in ("bp4", "reference", "torch", "floor")
        if row[method] is not None
    )
    return f"{row['dtype']} batch {row['batch_size']}: {times}, memory {row['memory']}"


def write_atomically(path: Path, text: str) -> None:
    """Write a temporary file beside ``path`` and rename it: readers never see half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_report(path: Path) -> str:
    """Write epoch.md beside the results ``path``; return its text."""
    text = markdown(json.loads(path.read_text(encoding="utf-8")))
    write_atomically(path.with_name("epoch.md"), text)
    return text


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("results", nargs="?", type=Path, default=RESULTS / "epoch.json")
    args = p.parse_args(argv)
    if not args.results.is_file():
        p.error(f"results: no file {args.results}; run benchmarks/epoch.py first")
    write_report(args.results)


if __name__ == "__main__":
    main()
