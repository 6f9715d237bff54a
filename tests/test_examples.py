"""Every script in examples/ runs as a student runs it and prints what it promises.

The scripts run in a subprocess, through their own command-line options, in a
temporary folder (so a figure written to its default name lands there), with
no display: DISPLAY and WAYLAND_DISPLAY unset, MPLBACKEND=Agg unless a test
says otherwise.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import re
import runpy
import signal
import subprocess
import sys
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest
from mnist_helpers import fake_mnist, write_mnist

import bp4
from bp4.activations import ACTIVATIONS, OUTPUT_ACTIVATIONS
from bp4.cost import COSTS
from bp4.network import INITS

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
    "playground.py",
    "train_digits.py",
    "train_mnist.py",
    "sklearn_compare.py",
    "xor.py",
}
# The scripts that draw a figure, with options for a quick run.
PLOTTING = {
    "learning_curves.py": ["--epochs", "2"],
    "learning_slowdown.py": [],
    "playground.py": ["--epochs", "2"],
}
# Runs a script with matplotlib made unimportable, as on an install without it.
WITHOUT_MATPLOTLIB = (
    "import os, runpy, sys; sys.modules['matplotlib'] = None; "
    "sys.argv = sys.argv[1:]; sys.path.insert(0, os.path.dirname(sys.argv[0])); "
    "runpy.run_path(sys.argv[0], run_name='__main__')"
)


def run(
    script: str,
    *args: str,
    cwd: Path,
    without_matplotlib: bool = False,
    backend: str | None = "Agg",
    display: str | None = None,
) -> subprocess.CompletedProcess:
    command = [sys.executable, str(EXAMPLES / script), *args]
    if without_matplotlib:
        command[1:1] = ["-c", WITHOUT_MATPLOTLIB]
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "MPLBACKEND"):
        env.pop(name, None)
    if backend is not None:
        env["MPLBACKEND"] = backend
    if display is not None:
        env["DISPLAY"] = display
    return subprocess.run(
        command, capture_output=True, encoding="utf-8", env=env, cwd=cwd, timeout=300
    )


def ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stderr
    # No warning either (an InputScaleWarning, a stalled run, NaN outputs).
    assert "Warning: " not in result.stderr, result.stderr
    return result.stdout


def load(script: str, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """Import an example as a module (its folder on sys.path, as when run)."""
    monkeypatch.syspath_prepend(str(EXAMPLES))
    spec = importlib.util.spec_from_file_location(script[:-3], EXAMPLES / script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def has_matplotlib() -> bool:
    """Whether the plots can be drawn; in CI the plot extra must be installed."""
    if os.environ.get("CI"):
        import matplotlib  # noqa: F401 (a missing plot extra must fail in CI)

        return True
    return importlib.util.find_spec("matplotlib") is not None


def check_default_figure(out: str, path: Path) -> None:
    """The figure went to its default file, or the script said how to get it."""
    check_figure(out, path)
    if has_matplotlib():
        assert (
            "(matplotlib has no window to show it in; --save PATH chooses the file)"
            in out
        )


def check_figure(out: str, path: Path) -> None:
    if has_matplotlib():
        assert f"Saved the figure to {path}\n" in out
        data = path.read_bytes()
        assert data.startswith(PNG_MAGIC) and len(data) > 10_000
    else:
        assert 'pip install "bp4[plot]"' in out
        assert not path.exists()


def test_every_example_is_tested():
    assert {p.name for p in EXAMPLES.glob("[!_]*.py")} == TESTED


# -- --help and bad options -------------------------------------------------------


def options(help_text: str) -> dict[str, str]:
    """Each option of an argparse --help, mapped to its help text."""
    section = help_text.split("\noptions:\n")[1]
    found: dict[str, str] = {}
    name = ""
    for line in section.splitlines():
        entry = re.match(r"^  (-\S.*?)(?: {2,}(\S.*))?$", line)
        if entry:
            name = entry.group(1)
            found[name] = entry.group(2) or ""
        elif line.startswith(" " * 4) and name:
            found[name] += " " + line.strip()
    return found


def sgd_keywords(script: Path) -> list[set[str]]:
    """The keyword arguments of every ``….sgd(…)`` call in a script."""
    tree = ast.parse(script.read_text(encoding="utf-8"))
    return [
        {k.arg for k in node.keywords if k.arg is not None}
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "sgd"
    ]


@pytest.mark.parametrize("script", sorted(TESTED))
def test_no_example_watches_the_test_set_while_training(script):
    # test= records the test accuracy every epoch, as if to choose by it:
    # examples choose on validation data and use the test set once, at the end.
    for keywords in sgd_keywords(EXAMPLES / script):
        assert "test" not in keywords, f"{script} passes test= to sgd"


@pytest.mark.parametrize("script", sorted(TESTED))
def test_help_describes_the_script_and_every_option(tmp_path, script):
    result = run(script, "--help", cwd=tmp_path)
    out = ok(result)
    docstring = ast.get_docstring(ast.parse((EXAMPLES / script).read_text("utf-8")))
    assert docstring is not None
    assert out.startswith(f"usage: {script}")
    assert docstring.splitlines()[0] in out
    described = options(out)
    assert len(described) >= 2  # -h and at least one option of the script's own
    for option, text in described.items():
        assert text.strip(), f"{script}: {option} has no help text"
    assert not re.search(r"^Epoch|Saved the figure", out, re.M)  # nothing ran
    assert list(tmp_path.iterdir()) == []


BAD_OPTIONS = [
    ("chapter3.py", ["--epochs", "-1"], "--epochs"),
    ("chapter3.py", ["--run", "quadratic"], "--run"),
    ("combinations.py", ["--rows", "3"], "--rows"),
    ("vanishing_gradient.py", ["--dataset", "cifar"], "--dataset"),
    ("vanishing_gradient.py", ["--seed", "-2"], "--seed"),
    ("from_script.py", ["--epochs", "-1"], "--epochs"),
    ("from_script.py", ["--fast"], "--fast"),
    ("train_digits.py", ["--cost", "foo"], "--cost"),
    ("train_digits.py", ["--epochs", "-3"], "--epochs"),
    ("train_digits.py", ["--activation", "softplus"], "--activation"),
    ("train_digits.py", ["--hidden", "0"], "--hidden"),
    ("train_digits.py", ["--eta", "nan"], "--eta"),
    ("xor.py", ["--seed", "-1"], "--seed"),
    ("xor.py", ["--eta", "-4"], "--eta"),
    ("matrix_vs_loop.py", ["--batch-sizes", "10", "2000"], "--batch-sizes"),
    ("matrix_vs_loop.py", ["--seconds", "0"], "--seconds"),
    ("learning_curves.py", ["--save", "no-such-folder/curves.png"], "--save"),
    ("learning_curves.py", ["--batch-size", "0"], "--batch-size"),
    ("learning_slowdown.py", ["--steps", "0"], "--steps"),
    ("learning_slowdown.py", ["--eta", "fast"], "--eta"),
    ("playground.py", ["--data", "swissroll"], "--data"),
    ("playground.py", ["--lmbda", "-1"], "--lmbda"),
    ("playground.py", ["--html", "page.png"], "--html"),
    ("train_mnist.py", ["--train-size", "0"], "--train-size"),
    ("train_mnist.py", ["--epochs", "1.5"], "--epochs"),
    ("sklearn_compare.py", ["--folds", "1"], "--folds"),
]


@pytest.mark.parametrize(("script", "args", "named"), BAD_OPTIONS)
def test_a_bad_option_is_one_line_and_exit_status_2(
    monkeypatch, capsys, tmp_path, script, args, named
):
    # In this process, to keep the suite quick: the script runs as
    # `python examples/SCRIPT ARGS` runs it, minus starting Python.
    monkeypatch.syspath_prepend(str(EXAMPLES))
    monkeypatch.setattr(sys, "argv", [str(EXAMPLES / script), *args])
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exit:
        runpy.run_path(str(EXAMPLES / script), run_name="__main__")
    out, err = capsys.readouterr()
    assert exit.value.code == 2, err
    assert out == ""  # reported before anything else is printed
    assert err.count("\n") == 1 and err.endswith("\n")
    assert err.startswith(f"{script}: error: ")
    assert named in err


def test_a_bad_option_from_the_shell(tmp_path):
    result = run("train_digits.py", "--cost", "foo", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    # argparse words the list of choices differently from version to version.
    assert re.fullmatch(
        r"train_digits.py: error: argument --cost: invalid choice: 'foo' "
        r"\(choose from .*quadratic.*\) \(see train_digits.py --help\)\n",
        result.stderr,
    )


def test_every_example_has_a_bad_option_case():
    assert {script for script, _, _ in BAD_OPTIONS} == TESTED


def test_train_digits_offers_exactly_bp4s_choices(tmp_path):
    out = ok(run("train_digits.py", "--help", cwd=tmp_path))
    offered = {
        option: set(choices.split(","))
        for option, choices in re.findall(r"^  (--\S+) \{(.*?)\}$", out, re.M)
    }
    assert offered == {
        "--activation": set(ACTIVATIONS),
        "--output-activation": set(OUTPUT_ACTIVATIONS),
        "--cost": set(COSTS),
        "--init": set(INITS),
    }


def start(script: str, *args: str, cwd: Path) -> subprocess.Popen:
    """A script running unbuffered, its stdout and stderr read by the test."""
    command = [sys.executable, "-u", str(EXAMPLES / script), *args]
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        encoding="utf-8",
        env=env,
        cwd=cwd,
    )


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT is POSIX's")
def test_ctrl_c_is_one_line_and_exit_status_130(tmp_path):
    process = start("train_digits.py", "--epochs", "100000", cwd=tmp_path)
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.readline().startswith("Training Network(")
    assert process.stdout.readline().startswith("Epoch  1: ")  # training, surely
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=60) == 130
    assert process.stderr.read() == "train_digits.py: interrupted\n"
    process.stdout.close()
    process.stderr.close()


def test_a_closed_stdout_ends_quietly(tmp_path):
    # As `train_digits.py | head -2`: the reader leaves after two lines.
    process = start("train_digits.py", "--epochs", "100000", cwd=tmp_path)
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.readline().startswith("Training Network(")
    assert process.stdout.readline().startswith("Epoch  1: ")
    process.stdout.close()
    assert process.wait(timeout=60) == 1
    assert process.stderr.read() == ""
    process.stderr.close()


# -- each example's output ----------------------------------------------------------


def test_from_script(tmp_path):
    out = ok(run("from_script.py", "--epochs", "2", cwd=tmp_path))
    found = re.search(r"after 2 epochs: test accuracy (\d+\.\d)%$", out, re.M)
    assert found is not None, out
    assert float(found.group(1)) > 50  # ten classes: chance is 10%


def test_train_digits(tmp_path):
    args = ["--hidden", "20", "--epochs", "2", "--cost", "cross-entropy", "--seed", "1"]
    out = ok(run("train_digits.py", *args, cwd=tmp_path))
    assert (
        "Network([64, 20, 10], activation='sigmoid', output_activation='sigmoid', "
        "cost='cross-entropy'" in out
    )
    assert "2 epochs, batch size 10, η 3.0, init standard, seed 1" in out
    epochs = re.findall(r"^Epoch +(\d+): validation (\d+) / 347 ", out, re.M)
    assert [int(e[0]) for e in epochs] == [1, 2]
    # The best epoch is chosen on validation only; the test set is used once.
    best = 1 + max(range(2), key=lambda i: int(epochs[i][1]))
    final = re.search(
        rf"^Best validation accuracy \d+\.\d% at epoch {best}; that network's test "
        r"accuracy: (\d+) / 450 \((\d+\.\d)%\)",
        out,
        re.M,
    )
    assert final is not None and float(final.group(2)) > 50
    assert out.count("450") == 1


def test_xor_learns_xor(tmp_path):
    out = ok(run("xor.py", "--epochs", "1000", cwd=tmp_path))
    assert "Outputs rounded: 0 1 1 0" in out and "learned XOR" in out
    assert re.search(r"^epoch  1000: cost 0\.00\d+$", out, re.M)
    rows = re.findall(r"^ +([01]) +([01]) +([01]) +(\d\.\d+)$", out, re.M)
    assert len(rows) == 4
    for x1, x2, target, output in rows:
        assert int(target) == int(x1) ^ int(x2)
        assert abs(float(output) - int(target)) < 0.2


@pytest.mark.parametrize(
    "args, least",
    [
        ([], 0.97),  # moons, the defaults
        (
            [
                "--data",
                "spiral",
                "--hidden",
                "16",
                "16",
                "--eta",
                "0.1",
                "--epochs",
                "600",
            ],
            0.90,
        ),
    ],
    ids=["moons", "spiral"],
)
def test_the_playground_reaches_what_it_documents(tmp_path, args, least):
    out = ok(run("playground.py", *args, "--every", "100", cwd=tmp_path))
    accuracy = float(re.search(r"^Final held-out accuracy (\S+)%", out, re.M)[1]) / 100
    assert accuracy >= least
    # the docstring quotes what this run prints
    doc = (EXAMPLES / "playground.py").read_text("utf-8")
    assert f"{accuracy:.1%}" in doc
    page = (tmp_path / "playground.html").read_text("utf-8")
    assert "data:image/png" in page and "https://" not in page
    assert (tmp_path / "playground.png").read_bytes().startswith(PNG_MAGIC)


def test_the_playground_fits_the_curve(tmp_path):
    out = ok(
        run(
            "playground.py",
            "--data",
            "curve",
            "--epochs",
            "30",
            "--every",
            "10",
            cwd=tmp_path,
        )
    )
    assert "Training Network([1, 8, 1]" in out and "sigmoid" in out
    assert re.search(r"^Final held-out cost 0\.\d{5}$", out, re.M)


def test_matrix_and_loop_give_the_same_gradients(tmp_path):
    args = ["--batch-sizes", "10", "100", "--seconds", "0.01"]
    out = ok(run("matrix_vs_loop.py", *args, cwd=tmp_path))
    rows = re.findall(r"^ +(\d+) +\S+ ms +\S+ ms +\S+× +(\S+)$", out, re.M)
    assert [int(m) for m, _ in rows] == [10, 100]
    assert all(float(difference) < 1e-12 for _, difference in rows)
    component = re.search(
        r"from the matrix form (\S+), from the per-sample loop (\S+)$", out, re.M
    )
    assert component is not None
    assert max(float(d) for d in component.groups()) < 1e-12


def test_learning_slowdown(tmp_path):
    # No --save, MPLBACKEND=Agg and no display: the figure goes to a file.
    out = ok(run("learning_slowdown.py", cwd=tmp_path))
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
    assert re.search(r"^ +start +cost +0 +60 +120 +180 +240 +300$", out, re.M)
    assert "After 300 steps of η = 0.15," in out
    check_default_figure(out, tmp_path / "learning_slowdown.png")


def test_learning_curves(tmp_path):
    # No --save and no display; on Linux no MPLBACKEND either, so that the
    # missing DISPLAY and WAYLAND_DISPLAY alone send the figure to a file.
    backend = None if sys.platform.startswith("linux") else "Agg"
    args = ["--epochs", "3", "--seed", "2"]
    out = ok(run("learning_curves.py", *args, cwd=tmp_path, backend=backend))
    assert (
        "[64, 30, 10] sigmoid network, quadratic cost, η = 3.0, batches of 10, "
        "3 epochs, seed 2" in out
    )
    rows = re.findall(r"^ +(\d+) +(\d\.\d{4}) +(\d\.\d{4}) +(\d+) / 347 ", out, re.M)
    assert [int(r[0]) for r in rows] == [1, 2, 3]
    # Chosen on validation only; the test set is used once, for that network.
    best = 1 + max(range(3), key=lambda i: int(rows[i][3]))
    assert out.count("450") == 1
    assert re.search(
        rf"^Best validation accuracy at epoch {best}; that network's test "
        r"accuracy: \d+ / 450 \(\d+\.\d%\)$",
        out,
        re.M,
    )
    check_default_figure(out, tmp_path / "learning_curves.png")


# -- figures ------------------------------------------------------------------------


def test_with_a_display_but_a_file_only_backend_the_figure_goes_to_a_file(tmp_path):
    # No X server answers at :99; with Agg chosen, none is ever contacted.
    out = ok(run("learning_slowdown.py", "--steps", "20", cwd=tmp_path, display=":99"))
    check_default_figure(out, tmp_path / "learning_slowdown.png")


def draw(
    script: str, args: list[str], monkeypatch, tmp_path, capsys
) -> tuple[str, str]:
    """What ``script`` prints with ``args`` and ``--save``, and its figure's title."""
    if not has_matplotlib():
        pytest.skip("matplotlib is not installed")
    import matplotlib.pyplot as plt

    module = load(script, monkeypatch)
    path = tmp_path / "figure.png"
    plt.close("all")
    try:
        assert module.main([*args, "--save", str(path)]) == 0
        out = capsys.readouterr().out
        check_figure(out, path)
        (number,) = plt.get_fignums()
        return out, plt.figure(number).get_suptitle()
    finally:
        plt.close("all")


def test_the_learning_curves_say_what_produced_them(monkeypatch, tmp_path, capsys):
    args = ["--hidden", "12", "--epochs", "2", "--batch-size", "20", "--eta", "2.5"]
    args += ["--seed", "4"]
    _, title = draw("learning_curves.py", args, monkeypatch, tmp_path, capsys)
    assert title == (
        "Digits 8×8: [64, 12, 10] sigmoid network, quadratic cost, η = 2.5, "
        "batches of 20, 2 epochs, seed 4"
    )


def test_the_slowdown_follows_its_options_and_says_so(monkeypatch, tmp_path, capsys):
    args = ["--steps", "40", "--eta", "0.3"]
    out, title = draw("learning_slowdown.py", args, monkeypatch, tmp_path, capsys)
    assert "η = 0.3 for 40 steps" in title
    assert "[1, 1] network" in title and "[1, 2, 1] network" in title
    assert "One sigmoid neuron, x = 1, target y = 0, η = 0.3." in out
    assert re.search(r"^ +start +cost +0 +8 +16 +24 +32 +40$", out, re.M)
    assert "After 40 steps of η = 0.3," in out


@pytest.mark.parametrize("script", sorted(PLOTTING))
def test_without_matplotlib_the_numbers_are_printed(tmp_path, script):
    path = tmp_path / "plot.png"
    args = PLOTTING[script]
    result = run(
        script, *args, "--save", str(path), cwd=tmp_path, without_matplotlib=True
    )
    out = ok(result)
    assert 'matplotlib is not installed: pip install "bp4[plot]"' in out
    assert re.search(r"\d\.\d{4}", out)
    assert list(tmp_path.iterdir()) == []


# -- train_mnist.py ----------------------------------------------------------------


def test_train_mnist_without_data_says_where_to_put_it(tmp_path):
    folder = tmp_path / "mnist"
    result = run(
        "train_mnist.py", "--data-dir", str(folder), "--no-download", cwd=tmp_path
    )
    assert result.returncode == DATA_MISSING, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("MNIST is not available: ")
    assert str(folder) in result.stderr
    assert "train-images-idx3-ubyte" in result.stderr


def test_train_mnist_end_to_end_on_small_idx_files(tmp_path):
    # Random images in the real format: enough for the 10,000-image validation
    # split, so the whole path (IDX files -> load_mnist -> sgd) runs offline.
    write_mnist(tmp_path, fake_mnist(n_train=10_200, n_test=50), gz=True)
    args = ["--data-dir", str(tmp_path), "--no-download", "--epochs", "2"]
    out = ok(run("train_mnist.py", *args, "--train-size", "150", cwd=tmp_path))
    assert "Network([784, 30, 10]" in out and "on 150 images: 2 epochs" in out
    epochs = re.findall(r"^Epoch +(\d): validation \d+ / 10000 ", out, re.M)
    assert epochs == ["1", "2"]
    assert re.search(r"^Test accuracy \d+ / 50 ", out, re.M)


def test_train_mnist_trains_on_data_of_the_same_layout(monkeypatch, capsys):
    module = load("train_mnist.py", monkeypatch)
    digits = bp4.load_digits()
    data = SimpleNamespace(
        X_train=digits.X_train[:, :1100],
        y_train=digits.y_train[:1100],
        X_validation=digits.X_train[:, 1100:],
        y_validation=digits.y_train[1100:],
        X_test=digits.X_test,
        y_test=digits.y_test,
    )
    accuracy = module.train(
        data, epochs=2, batch_size=10, eta=3.0, seed=0, train_size=1000
    )
    out = capsys.readouterr().out
    assert "Network([64, 30, 10]" in out and "on 1000 images" in out
    assert re.findall(r"^Epoch +(\d): validation \d+ / 247 ", out, re.M) == ["1", "2"]
    assert f"Test accuracy {round(accuracy * 450)} / 450" in out
    assert accuracy > 0.5


def test_sklearn_compare_scores_every_data_set_for_every_model(tmp_path):
    pytest.importorskip("sklearn")
    out = ok(run("sklearn_compare.py", "--epochs", "3", "--folds", "2", cwd=tmp_path))
    assert "3 epochs, hidden layer (100,), 2-fold cross-validation, seed 0" in out
    rows = {line.split("  ")[0]: line for line in out.splitlines()[3:]}
    assert set(rows) == {"digits", "moons", "breast cancer", "diabetes"}
    for line in rows.values():
        # bp4, MLP-SGD, MLP-Adam: a score and seconds per epoch each.
        assert len(re.findall(r"\d\.\d{4} s", line)) == 3, line
        scores = re.findall(r"(R² )?(-?\d+\.\d+)%? ± ", line)
        assert len(scores) == 3, line
    digits = [
        float(s) for _, s in re.findall(r"(R² )?(-?\d+\.\d+)%? ± ", rows["digits"])
    ]
    # Three epochs of bp4's defaults already classify most digits.
    assert digits[0] > 80, rows["digits"]
    assert "R² " in rows["diabetes"]
