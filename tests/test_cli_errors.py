"""The command line on bad input and failed runs: one line on stderr, no
traceback, exit status 2 for bad arguments or input and 1 for a run that
failed; and train --dataset mnist, --save, evaluate."""

import re
import subprocess
import sys

import numpy as np
import pytest
from mnist_helpers import NAMES, closed_port_url, fake_mnist, write_mnist

import bp4
from bp4 import mnist
from bp4.cli import main


@pytest.fixture(autouse=True)
def offline(monkeypatch, tmp_path):
    """No test reaches the real mirrors or the real cache folder."""
    monkeypatch.setattr(mnist, "MIRRORS", [closed_port_url()])
    monkeypatch.setenv("BP4_DATA", str(tmp_path / "cache"))
    monkeypatch.setenv("no_proxy", "*")  # 127.0.0.1 directly, whatever the proxy


@pytest.fixture(scope="module")
def mnist_dir(tmp_path_factory):
    """Small MNIST files: 10,012 training images, so the default validation of
    10,000 leaves 12 to train on, and 20 test images."""
    directory = tmp_path_factory.mktemp("mnist")
    write_mnist(directory, fake_mnist(n_train=10_012, n_test=20), gz=True)
    return directory


def fails(capsys, argv, status):
    """Run the CLI, expect ``status``, return its one-line message."""
    with pytest.raises(SystemExit) as info:
        main(argv)
    captured = capsys.readouterr()
    assert info.value.code == status, captured.err
    assert "Traceback" not in captured.err
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    return lines[0]


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--epochs", "-1"], r"epochs must be an integer >= 0, got -1"),
        (["--batch-size", "-5"], r"batch_size must be an integer >= 1, got -5"),
        (["--eta", "0"], r"eta must be a positive finite number, got 0\.0"),
        (["--eta", "nan"], r"eta must be a positive finite number, got nan"),
        (["--eta", "inf"], r"eta must be a positive finite number, got inf"),
        (["--sizes", "64", "0", "10"], r"sizes must list at least two layers .*0"),
        (["--sizes", "64"], r"--sizes must start with 64 inputs and end with 10 .*64"),
        (["--sizes", "784", "30", "10"], r"--sizes must start with 64 .* got 784 30"),
        (["--seed", "-1"], r"seed must be None or a non-negative integer, got -1"),
        (["--data-dir", "x"], r"--data-dir applies to --dataset mnist only"),
        (["--eta", "abc"], r"argument --eta: invalid float value: 'abc'"),
        (["--epochs", "1.5"], r"argument --epochs: invalid int value: '1\.5'"),
        (["--dataset", "cifar"], r"argument --dataset: invalid choice: 'cifar'"),
        (["--cost", "hinge"], r"argument --cost: invalid choice: 'hinge'"),
        (["--init", "xavier"], r"argument --init: invalid choice: 'xavier'"),
        (["--sizes"], r"argument --sizes: expected at least one argument"),
    ],
)
def test_train_bad_arguments_exit_2(capsys, argv, message):
    assert re.search(message, fails(capsys, ["train", *argv], 2))


def test_train_save_into_a_missing_directory_fails_before_training(capsys, tmp_path):
    target = tmp_path / "no" / "net.npz"
    line = fails(capsys, ["train", "--save", str(target)], 2)
    assert line == (
        f"bp4 train: error: --save {target}: the directory {target.parent} does not "
        f"exist"
    )
    line = fails(capsys, ["train", "--save", str(tmp_path)], 2)
    assert "that is a directory, not a file name" in line


def test_train_that_diverges_exits_1(capsys):
    argv = ["train", "--activation", "tanh", "--output-activation", "identity"]
    with pytest.raises(SystemExit) as info:
        main([*argv, "--eta", "1000", "--epochs", "5"])
    captured = capsys.readouterr()
    assert info.value.code == 1
    assert captured.err == (
        "bp4 train: error: training diverged at epoch 1: the cost C became nan with "
        "eta = 1000; try a smaller learning rate, such as eta = 100\n"
    )
    assert "Epoch 1" not in captured.out and "nan" not in captured.out


def test_mnist_unavailable_exits_1_saying_where_to_put_the_files(capsys, tmp_path):
    folder = tmp_path / "empty"
    line = fails(capsys, ["train", "--dataset", "mnist", "--data-dir", str(folder)], 1)
    assert line.startswith(f"bp4 train: error: MNIST is not in {folder} ")
    assert "refused" in line.lower()
    for name in NAMES.values():
        assert f"{name}.gz" in line
    # Without --data-dir: the cache folder, $BP4_DATA here.
    line = fails(capsys, ["train", "--dataset", "mnist"], 1)
    assert f"MNIST is not in {tmp_path / 'cache'} " in line


def test_damaged_mnist_file_exits_2_naming_it(capsys, tmp_path):
    paths = write_mnist(tmp_path, fake_mnist(n_train=10_002, n_test=3))
    paths["test_labels"].write_bytes(paths["test_labels"].read_bytes()[:-1])
    line = fails(
        capsys, ["train", "--dataset", "mnist", "--data-dir", str(tmp_path)], 2
    )
    assert f"{paths['test_labels']} is 10 bytes long" in line
    assert line.endswith("it is truncated")


def test_train_mnist_with_the_classic_settings(capsys, mnist_dir):
    argv = ["train", "--dataset", "mnist", "--data-dir", str(mnist_dir)]
    assert main([*argv, "--epochs", "2"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == (
        "Training Network([784, 30, 10], activation='sigmoid', "
        "output_activation='sigmoid', cost='quadratic', "
        "dtype=float64) on mnist (12 training, 20 test samples): 2 epochs, "
        "batch size 10, eta 3"
    )
    assert re.search(r"^Epoch 2: \d+ / 20 ", out, re.M)


def test_save_keeps_the_best_epoch_and_evaluate_reports_it(capsys, tmp_path):
    path = tmp_path / "best.npz"
    assert main(["train", "--epochs", "3", "--save", str(path)]) == 0
    out = capsys.readouterr().out
    correct = [int(c) for c in re.findall(r"^Epoch \d+: (\d+) / 450", out, re.M)]
    best = int(np.argmax(correct))  # the first epoch with the most correct
    # The run must have got worse after its best epoch, or this proves nothing.
    assert best < len(correct) - 1 and correct[-1] < correct[best]
    assert f"Saved the network of epoch {best + 1} " in out

    assert main(["evaluate", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"classifies {correct[best]} / 450 " in out and "digits test" in out
    net = bp4.Network.load(path)
    data = bp4.load_digits()
    assert net.evaluate(data.X_test, data.y_test) == correct[best]


def test_evaluate_picks_mnist_for_a_784_input_network(capsys, tmp_path, mnist_dir):
    path = tmp_path / "net.npz"
    bp4.Network([784, 30, 10], seed=0).save(path)
    assert main(["evaluate", str(path), "--data-dir", str(mnist_dir)]) == 0
    assert re.search(
        r"classifies \d+ / 20 .* of the mnist test samples", capsys.readouterr().out
    )


def test_evaluate_missing_file_exits_1(capsys, tmp_path):
    line = fails(capsys, ["evaluate", str(tmp_path / "missing.npz")], 1)
    assert line.startswith("bp4 evaluate: error: [Errno 2] No such file or directory")
    assert "missing.npz" in line


def test_evaluate_a_file_that_is_not_a_network_exits_2(capsys, tmp_path):
    path = tmp_path / "notes.npz"
    path.write_text("not a network\n")
    line = fails(capsys, ["evaluate", str(path)], 2)
    assert line == (
        f"bp4 evaluate: error: {path} is not a network saved by bp4: it is not an "
        f".npz (zip) archive"
    )


def test_evaluate_a_damaged_network_exits_2(capsys, tmp_path):
    path = tmp_path / "net.npz"
    bp4.Network([64, 30, 10], seed=0).save(path)
    with np.load(path) as data:
        arrays = dict(data)
    arrays["w3"] = arrays["w3"][:, :29]
    np.savez(path, **arrays)
    line = fails(capsys, ["evaluate", str(path)], 2)
    assert line.endswith(f"{path}: w3 has shape (10, 29); expected (10, 30)")


@pytest.mark.parametrize(
    "sizes, argv, message",
    [
        ([10, 5, 3], [], r"network with 10 inputs; no data set has samples of that"),
        ([64, 30, 3], [], r"sizes \[64, 30, 3\]; digits needs 64 inputs and 10 out"),
        ([64, 30, 10], ["--dataset", "mnist", "--data-dir", "M"], r"mnist needs 784"),
        ([64, 30, 10], ["--data-dir", "x"], r"--data-dir applies to --dataset mnist"),
        ([64, 30, 10], ["--dataset", "cifar"], r"argument --dataset: invalid choice"),
    ],
)
def test_evaluate_a_network_that_does_not_fit_the_data_exits_2(
    capsys, tmp_path, mnist_dir, sizes, argv, message
):
    path = tmp_path / "net.npz"
    bp4.Network(sizes, seed=0).save(path)
    argv = [str(mnist_dir) if a == "M" else a for a in argv]
    assert re.search(message, fails(capsys, ["evaluate", str(path), *argv], 2))


def test_evaluate_needs_a_file(capsys):
    assert "the following arguments are required: FILE" in fails(
        capsys, ["evaluate"], 2
    )


def test_python_dash_m_error_is_one_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "bp4", "evaluate", str(tmp_path / "missing.npz")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "missing.npz" in result.stderr
