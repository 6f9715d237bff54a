"""The benchmark runs from a checkout and its report has what the docs need.

Nothing here is timed: the configuration is tiny and only the content of the
output is checked (speed is measured by benchmarks/epoch.py itself).
"""

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = ROOT / "benchmarks"


def load(name: str):
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


report = load("report")


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """A tiny run without PyTorch: (its output directory, the JSON)."""
    out = tmp_path_factory.mktemp("bench")
    subprocess.run(
        [sys.executable, str(BENCHMARKS / "epoch.py"), "--samples", "300"]
        + ["--epochs", "2", "--batch-sizes", "10,100", "--dtypes", "float64,float32"]
        + [
            "--reference-samples",
            "20",
            "--oracle-samples",
            "2",
            "--trial-samples",
            "40",
        ]
        + ["--no-torch", "--silent", "--out", str(out)],
        check=True,
        timeout=300,
    )
    return out, json.loads((out / "epoch.json").read_text(encoding="utf-8"))


def test_measuring_writes_every_epoch_and_the_machine(run):
    out, results = run
    rows = results["results"]
    assert [(r["dtype"], r["batch_size"]) for r in rows] == [
        ("float64", 10), ("float64", 100), ("float32", 10), ("float32", 100)
    ]  # fmt: skip
    for row in rows:
        for method in ("bp4", "reference", "floor"):
            assert len(row[method]["epochs_s"]) == 2, method
            assert all(t > 0 for t in row[method]["epochs_s"]), method
        assert row["torch"] is None
        # Each method's threads: 1 or every core, as its trial chose.
        assert set(row["threads"]) == {"bp4", "reference", "floor"}
        assert set(row["threads"].values()) <= {1, results["machine"]["cores"]}
        assert len(row["bp4"]["record_s"]) == 2
        floor = row["floor"]
        # The floor is its gathers plus its products, epoch by epoch.
        for total, g, p in zip(
            floor["epochs_s"], floor["gathers_s"], floor["products_s"]
        ):
            assert total == pytest.approx(g + p) and g > 0 and p > 0
        # Forward for each of the 2 layers, BP2 for the hidden one, BP4 for both.
        names = [p["name"] for p in floor["products"]]
        assert len(names) == 5 and sum(n.startswith("BP2") for n in names) == 1
        assert all(re.fullmatch("[CF]{3}", p["layout"]) for p in floor["products"])
        assert [30, 784, row["batch_size"]] in [p["shape"] for p in floor["products"]]
        assert row["memory"]["traced_mb"] > 0 and row["memory"]["data_mb"] > 0
    machine = results["machine"]
    assert set(machine["environment"]) >= {"OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"}
    assert machine["blas"]  # threadpoolctl's findings, or why there are none
    assert machine["cores"] >= 1 and len(machine["load_average_at_end"]) == 3
    assert results["oracle"]["samples"] == 2 and results["oracle"]["epoch_s"] > 0
    assert not list(out.glob("*.tmp"))  # written atomically: no leftovers


def test_report_is_rendered_from_the_json_alone(run, tmp_path):
    out, _ = run
    copy = tmp_path / "epoch.json"
    copy.write_bytes((out / "epoch.json").read_bytes())
    subprocess.run(
        [sys.executable, str(BENCHMARKS / "report.py"), str(copy)], check=True
    )
    assert (tmp_path / "epoch.md").read_text() == (out / "epoch.md").read_text()


def test_markdown_has_the_students_table_the_floor_targets_and_machine(run):
    out, _ = run
    md = (out / "epoch.md").read_text(encoding="utf-8")
    lines = md.splitlines()
    # Included in the docs under a page's title: no title of its own, and
    # sections one level below it (a jump would fail the strict build).
    assert not any(line.startswith(("# ", "### ")) for line in lines)
    students = md.split(report.START, 1)[1].split(report.END, 1)[0]
    assert "## " not in students and "Targets" not in students
    table = [r for r in students.splitlines() if r.startswith("| float")]
    assert len(table) == 4
    header = next(r for r in students.splitlines() if r.startswith("| dtype"))
    assert all(r.count("|") == header.count("|") for r in table)
    assert "Measured on" in students and "NumPy" in students
    for section in ("## bp4 against the floor", "## Targets", "## Machine"):
        assert section in lines
    section = md.split("## Targets", 1)[1].split("## ", 1)[0]
    targets = [r for r in section.splitlines() if r.startswith("| ")][1:]
    assert len(targets) == 8
    # Without PyTorch, batch 1000 or 50,000 samples, those targets are not measured.
    assert sum("not measured" in r for r in targets) == 5
    assert "| `OPENBLAS_CORETYPE` |" in md and "| `OPENBLAS_L2_SIZE` |" in md


def test_the_performance_page_includes_the_students_part_only():
    page = (ROOT / "docs" / "performance.md").read_text(encoding="utf-8")
    include = re.search(r"```\{include\} ../benchmarks/results/epoch.md\n(.*?)```", page, re.S)  # fmt: skip
    assert include, "docs/performance.md does not include results/epoch.md"
    options = dict(re.findall(r"^:([\w-]+): (.*)$", include[1], re.M))
    assert options == {"start-after": report.START, "end-before": report.END}
    committed = (BENCHMARKS / "results" / "epoch.md").read_text(encoding="utf-8")
    assert report.START in committed and report.END in committed


def test_targets_are_met_at_the_threshold_and_missed_beyond_it():
    def row(dtype, batch, bp4, reference, torch, floor):
        return {
            "dtype": dtype,
            "batch_size": batch,
            "bp4": {"epochs_s": [bp4]},
            "reference": {"epochs_s": [reference]},
            "torch": {"epochs_s": [torch]},
            "floor": {"epochs_s": [floor]},
            "memory": {"traced_mb": 50.0 if dtype == "float64" else 99.0},
        }

    results = {
        "config": {"samples": 50_000},
        "results": [
            row("float64", 10, 1.0, 13.0, 9.9, 0.1),
            row("float64", 100, 1.0, 9.0, 9.0, 0.1),
            row("float64", 1000, 1.3, 9.0, 9.0, 1.0),
            row("float32", 10, 1.0, 9.0, 3.5, 0.1),
            row("float32", 100, 1.01, 9.0, 9.0, 0.1),
            row("float32", 1000, 1.31, 9.0, 9.0, 1.0),
        ],
    }
    met = {t["target"]: t["met"] for t in report.targets(results)}
    assert met == {
        "batch 10, float64: per-sample reference ÷ bp4": True,  # 13 ≥ 13
        "batch 10: PyTorch float32 ÷ bp4 float64": True,  # 3.5 ≥ 3.5
        "batch 10, float32: PyTorch float32 ÷ bp4 float32": False,  # 3.5 < 4
        "bp4 float64: epoch at batch 10 ÷ epoch at batch 100": True,  # 1 ≥ 1
        "bp4 float32: epoch at batch 10 ÷ epoch at batch 100": False,  # 0.99 < 1
        "batch 1000, float64: bp4 ÷ floor": True,  # 1.3 ≤ 1.3
        "batch 1000, float32: bp4 ÷ floor": False,  # 1.31 > 1.3
        "float64, 50,000 samples: extra memory in MB (largest)": True,  # 50 ≤ 50
    }
