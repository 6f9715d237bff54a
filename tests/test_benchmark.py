"""The benchmark script runs from a checkout and writes well-formed reports.

Nothing here is timed: the configuration is tiny and only the shape of the
output is checked (speed is measured by benchmarks/epoch.py itself).
"""

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "epoch.py"


def test_epoch_benchmark_writes_json_and_markdown(tmp_path):
    subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--samples", "300", "--epochs", "1"]
        + ["--batch-sizes", "10,100", "--dtypes", "float64,float32"]
        + ["--reference-samples", "20", "--oracle-samples", "2", "--gemm-size", "64"]
        + ["--no-torch", "--silent", "--out", str(tmp_path)],
        check=True,
        timeout=120,
    )
    results = json.loads((tmp_path / "epoch.json").read_text())
    rows = results["results"]
    assert [(r["dtype"], r["batch_size"]) for r in rows] == [
        ("float64", 10), ("float64", 100), ("float32", 10), ("float32", 100)
    ]  # fmt: skip
    for row in rows:
        assert row["bp4"]["median_s"] > 0 and len(row["bp4"]["epochs_s"]) == 1
        assert row["reference"]["median_s"] > 0 and row["torch"] is None
        assert row["limit_s"] > 0 and row["memory"]["traced_mb"] > 0
    assert results["oracle"]["samples"] == 2 and results["oracle"]["epoch_s"] > 0
    assert all(v > 0 for v in results["gemm_gflops"].values())
    targets = {t["target"]: t for t in results["targets"]}
    assert len(targets) == 10
    assert targets["batch 10: per-sample reference / bp4 float64"]["met"] in (
        True, False
    )  # fmt: skip
    # Without PyTorch, batch 1000 or 50,000 samples there is nothing to compare.
    assert targets["batch 10: PyTorch float32 / bp4 float64"]["met"] is None
    assert not list(tmp_path.glob("*.tmp"))  # written atomically: no leftovers

    md = (tmp_path / "epoch.md").read_text()
    lines = md.splitlines()
    # Included in the docs with MyST {include} under the page's title: no title
    # of its own, and sections one level below it (a jump would fail the build).
    assert not any(line.startswith("# ") for line in lines)
    assert not any(line.startswith("### ") for line in lines)
    table = [line for line in lines if line.startswith(("| float64 |", "| float32 |"))]
    assert len(table) == 4
    header = next(line for line in lines if line.startswith("| dtype"))
    assert all(row.count("|") == header.count("|") for row in table)
    assert "## Targets" in lines and "## Machine" in lines
    assert "| `OPENBLAS_CORETYPE` |" in md
