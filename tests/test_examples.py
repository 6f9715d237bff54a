"""Every script in examples/ runs, in its fast mode, and prints what it promises."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from mnist_helpers import fake_mnist, write_mnist

import bp4

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
DATA_MISSING = 3  # train_mnist.py's exit status when MNIST cannot be had
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
TESTED = {
    "chapter3.py",  # these three: tests/test_chapter_examples.py
    "combinations.py",
    "vanishing_gradient.py",
    "from_script.py",
    "learning_curves.py",
    "learning_slowdown.py",
    "matrix_vs_loop.py",
    "train_digits.py",
    "train_mnist.py",
    "xor.py",
}
# Runs a script with matplotlib made unimportable, as on an install without it.
WITHOUT_MATPLOTLIB = (
    "import runpy, sys; sys.modules['matplotlib'] = None; sys.argv = sys.argv[1:]; "
    "runpy.run_path(sys.argv[0], run_name='__main__')"
)


def run(script: str, *args: str, without_matplotlib: bool = False):
    command = [sys.executable, str(EXAMPLES / script), *args]
    if without_matplotlib:
        command[1:1] = ["-c", WITHOUT_MATPLOTLIB]
    env = {
        **os.environ,
        "BP4_FAST": "1",
        "MPLBACKEND": "Agg",
        "PYTHONIOENCODING": "utf-8",
    }
    return subprocess.run(
        command, capture_output=True, encoding="utf-8", env=env, timeout=300
    )


def ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def has_matplotlib() -> bool:
    """Whether the plots can be drawn; in CI the plot extra must be installed."""
    if os.environ.get("CI"):
        import matplotlib  # noqa: F401 (a missing plot extra must fail in CI)

        return True
    return importlib.util.find_spec("matplotlib") is not None


def check_plot(out: str, path: Path) -> None:
    if has_matplotlib():
        assert f"Saved the plot to {path}" in out
        assert path.read_bytes().startswith(PNG_MAGIC)
    else:
        assert 'pip install "bp4[plot]"' in out
        assert not path.exists()


def test_every_example_is_tested():
    assert {p.name for p in EXAMPLES.glob("*.py")} == TESTED


def test_from_script():
    out = ok(run("from_script.py"))
    assert re.search(r"after 2 epochs: test accuracy \d+\.\d%$", out, re.M)


def test_train_digits():
    out = ok(run("train_digits.py", "--hidden", "20"))
    assert "Network([64, 20, 10]" in out
    epochs = re.findall(r"^Epoch +(\d+): (\d+) / 450 ", out, re.M)
    assert [int(e[0]) for e in epochs] == [1, 2]
    assert "Final test accuracy" in out


def test_xor_learns_xor():
    out = ok(run("xor.py"))
    assert "Outputs rounded: 0 1 1 0" in out and "learned XOR" in out
    rows = re.findall(r"^ +([01]) +([01]) +([01]) +(\d\.\d+)$", out, re.M)
    assert len(rows) == 4
    for x1, x2, target, output in rows:
        assert int(target) == int(x1) ^ int(x2)
        assert abs(float(output) - int(target)) < 0.2


def test_matrix_and_loop_give_the_same_gradients():
    out = ok(run("matrix_vs_loop.py"))
    rows = re.findall(r"^ +(\d+) +\S+ ms +\S+ ms +\S+× +(\S+)$", out, re.M)
    assert [int(m) for m, _ in rows] == [10, 100]
    assert all(float(difference) < 1e-12 for _, difference in rows)
    component = re.search(
        r"from the matrix form (\S+), from the per-sample loop (\S+)$", out, re.M
    )
    assert component is not None
    assert max(float(d) for d in component.groups()) < 1e-12


def test_learning_slowdown(tmp_path):
    path = tmp_path / "slowdown.png"
    out = ok(run("learning_slowdown.py", "--save", str(path)))
    start = dict(
        re.findall(
            r"^   (w = .*?  \S+) +\S+ +\S+ +(\S+)$", out.split("Output a")[0], re.M
        )
    )
    # BP1: the saturated start has the smaller gradient under the quadratic cost…
    assert float(start["w = 2, b = 2      quadratic"]) < float(
        start["w = 0.6, b = 0.9  quadratic"]
    )
    # …and cross-entropy's ∂C/∂w = x (a − y) is largest where the output is worst.
    assert float(start["w = 2, b = 2      cross-entropy"]) > float(
        start["w = 0.6, b = 0.9  cross-entropy"]
    )
    # BP4: the two gradients differ by exactly the ratio of the activations.
    ratios = re.search(
        r"gradients (\S+) = ratio of the activations (\S+)\.$", out, re.M
    )
    assert ratios is not None and ratios.group(1) == ratios.group(2)
    assert float(ratios.group(1)) > 10
    check_plot(out, path)


def test_learning_curves(tmp_path):
    path = tmp_path / "curves.png"
    out = ok(run("learning_curves.py", "--save", str(path)))
    rows = re.findall(r"^ +(\d+) +(\d\.\d{4}) +(\d\.\d{4}) +\d+ / 450 ", out, re.M)
    assert [int(r[0]) for r in rows] == [1, 2, 3]
    check_plot(out, path)


@pytest.mark.parametrize("script", ["learning_slowdown.py", "learning_curves.py"])
def test_without_matplotlib_the_numbers_are_printed(tmp_path, script):
    path = tmp_path / "plot.png"
    out = ok(run(script, "--save", str(path), without_matplotlib=True))
    assert 'matplotlib is not installed: pip install "bp4[plot]"' in out
    assert re.search(r"\d\.\d{4}", out)
    assert not path.exists()


def test_train_mnist_without_data_says_where_to_put_it(tmp_path):
    result = run("train_mnist.py", "--data-dir", str(tmp_path), "--no-download")
    assert result.returncode == DATA_MISSING, result.stderr
    assert "Traceback" not in result.stderr
    assert str(tmp_path) in result.stderr
    assert "train-images-idx3-ubyte" in result.stderr


def test_train_mnist_end_to_end_on_small_idx_files(tmp_path):
    # Random images in the real format: enough for the 10,000-image validation
    # split, so the whole path (IDX files -> load_mnist -> sgd) runs offline.
    write_mnist(tmp_path, fake_mnist(n_train=10_200, n_test=50), gz=True)
    out = ok(run("train_mnist.py", "--data-dir", str(tmp_path), "--no-download"))
    assert "Network([784, 30, 10]" in out and "on 200 images" in out
    assert re.search(r"^Epoch  1: validation \d+ / 10000 ", out, re.M)
    assert re.search(r"^Test accuracy \d+ / 50 ", out, re.M)


def test_train_mnist_training_on_data_of_the_same_layout(capsys):
    spec = importlib.util.spec_from_file_location(
        "train_mnist", EXAMPLES / "train_mnist.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    digits = bp4.load_digits()
    data = SimpleNamespace(
        X_train=digits.X_train[:, :1000],
        y_train=digits.y_train[:1000],
        X_validation=digits.X_train[:, 1000:],
        y_validation=digits.y_train[1000:],
        X_test=digits.X_test,
        y_test=digits.y_test,
    )
    accuracy = module.train(data, epochs=2, batch_size=10, eta=3.0, seed=0)
    out = capsys.readouterr().out
    assert "Network([64, 30, 10]" in out and "on 1000 images" in out
    assert re.findall(r"^Epoch +(\d): validation \d+ / 347 ", out, re.M) == ["1", "2"]
    assert f"Test accuracy {round(accuracy * 450)} / 450" in out
    assert accuracy > 0.5
