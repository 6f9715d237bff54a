"""The chapter 3 and chapter 5 examples run, in their quick modes, and say what they should.

The real experiments (MNIST, minutes of CPU) stay out of the suite; here the
scripts run on the shipped digits or on a few random MNIST-format images
written to a temporary folder, which exercises the MNIST code path without
the data.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from mnist_helpers import fake_mnist, write_mnist

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
DATA_MISSING = 3
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SCRIPTS = ["chapter3.py", "vanishing_gradient.py", "combinations.py"]


def run(script: str, *args: str, cwd: Path | None = None):
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, str(EXAMPLES / script), *args],
        capture_output=True,
        encoding="utf-8",
        env=env,
        cwd=cwd,
        timeout=300,
    )


def ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def has_matplotlib() -> bool:
    if os.environ.get("CI"):
        import matplotlib  # noqa: F401 (a missing plot extra must fail in CI)

        return True
    return importlib.util.find_spec("matplotlib") is not None


@pytest.mark.parametrize("script", SCRIPTS)
def test_help(script: str) -> None:
    out = ok(run(script, "--help"))
    assert out.startswith("usage: ") and "--quick" in out


# -- chapter 3 -------------------------------------------------------------------

SUMMARY_ROW = re.compile(
    r"^([a-z0-9-]+) +(\d+) +(\d+\.\d\d)% +(\d+\.\d\d)% +\d+\.\d\d%  (.*)$",
    re.M,
)


def test_chapter3_quick_trains_all_three_runs() -> None:
    out = ok(run("chapter3.py", "--quick"))
    assert "Network([64, 100, 10]" in out  # the regularised run's wider layer
    assert "λ = 5.0" in out
    assert "output_activation='softmax', cost='log-likelihood'" in out
    epochs = re.findall(r"^epoch (\d+): training cost", out, re.M)
    assert epochs == ["1", "2", "3"] * 3
    rows = SUMMARY_ROW.findall(out)
    assert [r[0] for r in rows] == ["cross-entropy", "regularised", "softmax"]
    for name, best_epoch, validation, test, text in rows:
        assert 1 <= int(best_epoch) <= 3
        # Three epochs on the digits are far above chance (10%) for every run.
        assert float(validation) > 70 and float(test) > 70, name
        assert text == "(not MNIST)"  # the text's figures are for MNIST only


def test_chapter3_runs_on_mnist_files(tmp_path: Path) -> None:
    write_mnist(tmp_path, fake_mnist(n_train=60, n_test=15))
    out = ok(
        run(
            "chapter3.py", "--data-dir", str(tmp_path), "--no-download",
            "--validation-size", "20", "--epochs", "2", "--run", "cross-entropy",
        )
    )  # fmt: skip
    assert "Network([784, 30, 10]" in out
    assert "2 epochs on 40 samples" in out
    assert re.search(r"validation accuracy \d+ / 20 ", out)
    assert re.search(r"that network's test accuracy \d+ / 15 ", out)
    rows = SUMMARY_ROW.findall(out)
    assert [(r[0], r[4]) for r in rows] == [("cross-entropy", "95.49%")]


def test_chapter3_quick_runs_the_other_techniques() -> None:
    names = ["overfitting", "overfitting-l2", "l1", "momentum", "schedule",
             "dropout", "expanded"]  # fmt: skip
    out = ok(run("chapter3.py", "--quick", *(f"--run={n}" for n in names)))
    for option in ("l1 = 5.0", "μ = 0.9", "dropout p = 0.5", "halve η after = 10"):
        assert option in out
    assert "3 epochs on 5000 samples" in out  # expanded: 1,000 digits × 5
    rows = SUMMARY_ROW.findall(out)
    assert [r[0] for r in rows] == names
    for name, _, validation, test, _ in rows:
        assert float(validation) > 70 and float(test) > 70, name


def test_chapter3_without_mnist_exits_3(tmp_path: Path) -> None:
    result = run("chapter3.py", "--data-dir", str(tmp_path), "--no-download")
    assert result.returncode == DATA_MISSING
    assert "MNIST is not available" in result.stderr
    assert result.stdout == ""


# -- chapter 5 -------------------------------------------------------------------


def speeds(out: str) -> dict[str, dict[int, list[float]]]:
    """{sizes: {epoch: [speed of hidden layer 1, 2, …]}} from the printed lines."""
    found: dict[str, dict[int, list[float]]] = {}
    for block in re.split(r"\n(?=\[\d)", out)[1:]:
        sizes = block.split(":", 1)[0]
        rows = re.findall(r"^  epoch +(\d+): (.*)$", block, re.M)
        found[sizes] = {int(e): [float(s) for s in line.split()] for e, line in rows}
    return found


def test_vanishing_gradient_quick(tmp_path: Path) -> None:
    path = tmp_path / "speeds.png"
    out = ok(run("vanishing_gradient.py", "--quick", "--save", str(path)))
    found = speeds(out)
    assert list(found) == ["[64, 30, 30, 10]", "[64, 30, 30, 30, 10]",
                           "[64, 30, 30, 30, 30, 10]"]  # fmt: skip
    for sizes, rows in found.items():
        assert sorted(rows) == [0, 10]
        hidden = sizes.count("30")
        for row in rows.values():
            assert len(row) == hidden and all(s > 0 for s in row)
        # BP2's product of σ' ≤ 1/4 and weights: at initialisation each earlier
        # hidden layer learns more slowly than the one after it.
        assert rows[0] == sorted(rows[0]) and rows[0][-1] > 4 * rows[0][0], rows[0]
    assert "Nielsen's chapter 5 reports" not in out  # its figures are for MNIST
    if has_matplotlib():
        assert f"Saved the plot to {path}" in out
        assert path.read_bytes().startswith(PNG_MAGIC)
    else:
        assert 'pip install "bp4[plot]"' in out and not path.exists()


def test_vanishing_gradient_on_mnist_files(tmp_path: Path) -> None:
    write_mnist(tmp_path / "mnist", fake_mnist(n_train=40, n_test=5))
    out = ok(
        run(
            "vanishing_gradient.py", "--data-dir", str(tmp_path / "mnist"),
            "--no-download", "--epochs", "2", "--save", str(tmp_path / "v.png"),
        )
    )  # fmt: skip
    assert out.startswith("40 MNIST training images")
    assert "[784, 30, 30, 30, 30, 10]" in out
    assert (
        "Nielsen's chapter 5 reports, at initialisation: 0.003, 0.017, 0.070, 0.285"
        in out
    )


def test_vanishing_gradient_compare() -> None:
    out = ok(run("vanishing_gradient.py", "--dataset", "digits", "--compare",
                 "--epochs", "3"))  # fmt: skip
    rows = re.findall(
        r"^  (sigmoid|tanh|relu) +(standard|scaled) +(init|epoch 3) +(.*?) +last/first",
        out,
        re.M,
    )
    assert len([r for r in rows if r[2] == "init"]) == 6
    at_init = {(a, i): [float(s) for s in v.split()] for a, i, when, v in rows
               if when == "init"}  # fmt: skip
    assert all(len(v) == 4 for v in at_init.values())
    # The sigmoid's σ' ≤ 1/4 shrinks δ layer after layer; tanh's σ'(0) = 1 less so.
    sigmoid, tanh = at_init["sigmoid", "scaled"], at_init["tanh", "scaled"]
    assert sigmoid[-1] / sigmoid[0] > tanh[-1] / tanh[0]


def test_vanishing_gradient_without_mnist_exits_3(tmp_path: Path) -> None:
    result = run("vanishing_gradient.py", "--data-dir", str(tmp_path), "--no-download")
    assert result.returncode == DATA_MISSING
    assert "MNIST is not available" in result.stderr


# -- every combination ------------------------------------------------------------


def test_combinations_quick() -> None:
    out = ok(run("combinations.py", "--quick"))
    assert "1000 training, 347 validation, 450 test samples; batch 10, seed 0" in out
    rows = re.findall(
        r"^(sigmoid|tanh|relu) +(\S+) +(\S+) +(standard|scaled) +(\S+) +(\d+) +(\d+) "
        r"+(\d+\.\d)% +(\d+\.\d)%$",
        out,
        re.M,
    )
    pairs = {(h, o, c) for h, o, c, *_ in rows}
    assert len(rows) == len(pairs) == 24  # 3 hidden × (5 sigmoid/softmax + 3 more)
    for *_, epochs, best, validation, test in rows:
        assert epochs == "2" and 1 <= int(best) <= 2
        assert 0 <= float(validation) <= 100 and 0 <= float(test) <= 100
    # Two epochs already lift a softmax output with the log-likelihood cost
    # far above chance (10%), whatever the hidden layers.
    for hidden, _, cost, *_, test in rows:
        if cost == "log-likelihood":
            assert float(test) > 50, hidden
    assert re.search(r"^\d+ of 24 combinations reach 95% test accuracy$", out, re.M)


def test_combinations_markdown_is_the_docs_table(monkeypatch) -> None:
    """The table in the docs is the one the script prints (rows and settings)."""
    monkeypatch.syspath_prepend(str(EXAMPLES))  # as Python runs the script
    docs = (EXAMPLES.parent / "docs" / "output_layers.md").read_text(encoding="utf-8")
    spec = importlib.util.spec_from_file_location(
        "combinations", EXAMPLES / "combinations.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for s in module.SETTINGS:
        row = f"| {s.hidden} | {s.output} | {s.cost} | {s.init} | {s.eta:g} | {s.epochs} |"
        assert row in docs, row
