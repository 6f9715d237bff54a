"""The command line: the default run and its messages."""

import re
import subprocess
import sys

import pytest

from bp4.cli import main


def test_default_train_run_reaches_97_percent(capsys):
    assert main(["train"]) == 0
    out = capsys.readouterr().out
    epochs = re.findall(
        r"^Epoch (\d+): (\d+) / 450 \((\d+\.\d)%\)  cost (\d\.\d{4})  \d+\.\d\d s$",
        out,
        re.M,
    )
    assert [int(e[0]) for e in epochs] == list(range(1, 31))
    final = re.search(r"final test accuracy (\d+) / 450", out)
    assert final is not None
    assert int(final.group(1)) / 450 >= 0.97
    assert int(epochs[-1][1]) == int(final.group(1))


def test_options_are_used(capsys):
    argv = [
        "train",
        "--sizes",
        "64",
        "12",
        "10",
        "--epochs",
        "2",
        "--batch-size",
        "50",
        "--eta",
        "0.5",
        "--activation",
        "tanh",
        "--cost",
        "quadratic",
        "--init",
        "scaled",
        "--seed",
        "3",
    ]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "Network([64, 12, 10], activation='tanh'" in out
    assert "2 epochs, batch size 50, eta 0.5" in out
    assert out.count("Epoch ") == 2


@pytest.mark.parametrize(
    "argv, message",
    [
        (["train", "--sizes", "10", "5", "10"], "--sizes must start with 64 inputs"),
        (["train", "--batch-size", "0"], "batch_size must be an integer >= 1"),
        (["train", "--eta", "-1"], "eta must be a positive finite number"),
        (["train", "--activation", "softsign"], "invalid choice: 'softsign'"),
        (["explain", "--sizes", "30", "2"], "at most 10 neurons a layer"),
        (["explain", "--sizes", "2"], "sizes must list at least two layers"),
        (["gradcheck", "--batch-size", "0"], "--batch-size must be at least 1, got 0"),
        (["gradcheck", "--cost", "hinge"], "invalid choice: 'hinge'"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(capsys, argv, message):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_python_dash_m_runs():
    result = subprocess.run(
        [sys.executable, "-m", "bp4", "train", "--epochs", "1"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1].startswith("Epoch 1: ")
