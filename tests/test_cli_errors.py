"""The command line on bad input and failed runs: one line on stderr, nothing
on stdout, no traceback, exit status 2 for bad arguments or input and 1 for a
run that failed; and train --dataset mnist, --save, evaluate."""

import os
import re
import subprocess
import sys
import zipfile

import numpy as np
import pytest
from mnist_helpers import NAMES, closed_port_url, fake_mnist, write_mnist

import bp4
from bp4 import cli
from bp4.cli import main
from bp4.data import mnist


@pytest.fixture(autouse=True)
def offline(monkeypatch, tmp_path):
    """No test reaches the real mirrors or the real cache folder."""
    monkeypatch.setattr(mnist, "MIRRORS", [closed_port_url()])
    monkeypatch.delenv("BP4_MNIST_MIRRORS", raising=False)  # the list's override
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
    """Run the CLI, expect ``status`` and nothing on stdout; its one-line message."""
    with pytest.raises(SystemExit) as info:
        main(argv)
    captured = capsys.readouterr()
    assert info.value.code == status, captured.err
    assert captured.out == ""
    assert "Traceback" not in captured.err
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    return lines[0]


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--epochs", "0"], r"argument --epochs: expected an integer >= 1, got '0'"),
        (
            ["--epochs", "1.5"],
            r"argument --epochs: expected an integer >= 1, got '1\.5'",
        ),
        (["--batch-size", "-5"], r"--batch-size: expected an integer >= 1, got '-5'"),
        (["--eta", "0"], r"--eta: expected a positive finite number, got '0'"),
        (["--eta", "nan"], r"--eta: expected a positive finite number, got 'nan'"),
        (["--eta", "inf"], r"--eta: expected a positive finite number, got 'inf'"),
        (["--eta", "1e400"], r"--eta: expected a positive finite number, got '1e400'"),
        (["--eta", "abc"], r"--eta: expected a positive finite number, got 'abc'"),
        (["--lmbda", "-1"], r"--lmbda: expected a finite number >= 0, got '-1'"),
        (["--patience", "0"], r"--patience: expected an integer >= 1, got '0'"),
        (["--seed", "-1"], r"--seed: expected an integer >= 0, got '-1'"),
        (["--sizes", "64", "0", "10"], r"--sizes: expected a layer width from 1 to "),
        (
            ["--sizes", "64", "99999999999999999999", "10"],
            r"--sizes: expected a layer width from 1 to 1,000,000,000, got "
            r"'99999999999999999999'",
        ),
        (
            ["--hidden", "0"],
            r"--hidden: expected a layer width from 1 to 1,000,000,000",
        ),
        (["--hidden", "5", "--sizes", "64", "10"], r"not allowed with argument"),
        (["--sizes", "64"], r"--sizes must start with 64 inputs and end with 10 .*64 "),
        (["--sizes", "784", "30", "10"], r"--sizes must start with 64 .* got 784 30"),
        (["--data-dir", "x"], r"--data-dir applies to --dataset mnist only"),
        (["--dataset", "cifar"], r"argument --dataset: invalid choice: 'cifar'"),
        (["--cost", "hinge"], r"argument --cost: invalid choice: 'hinge'"),
        (["--init", "xavier"], r"argument --init: invalid choice: 'xavier'"),
        (["--sizes"], r"argument --sizes: expected at least one argument"),
        (
            ["--output-activation", "relu", "--cost", "cross-entropy"],
            r"^bp4 train: error: the cross-entropy cost cannot be used with "
            r"--output-activation relu: .* Use --output-activation sigmoid, or "
            r"--cost quadratic$",
        ),
        (
            ["--cost", "log-likelihood"],
            r"log-likelihood cost cannot be used with --output-activation sigmoid",
        ),
    ],
)
def test_train_bad_arguments_exit_2_before_printing_anything(capsys, argv, message):
    line = fails(capsys, ["train", *argv], 2)
    assert re.search(message, line), line


@pytest.mark.parametrize(
    "argv, message",
    [
        (
            ["explain", "--sizes", "0", "2"],
            r"argument --sizes: expected a layer width from 1 to 1,000,000,000, got '0'",
        ),
        (
            ["explain", "--sizes", "2", "99999999999"],
            r"from 1 to 1,000,000,000, got '9999",
        ),
        (["explain", "--sizes", "2"], r"sizes must list at least two layers"),
        (
            ["explain", "--output-activation", "identity", "--cost", "log-likelihood"],
            r"log-likelihood cost cannot be used with --output-activation identity",
        ),
        (["gradcheck", "--batch-size", "0"], r"--batch-size: expected an integer >= 1"),
        (["gradcheck", "--cost", "hinge"], r"argument --cost: invalid choice: 'hinge'"),
        (["gradcheck", "--sizes", "4", "0"], r"--sizes: expected a layer width from"),
        (
            ["gradcheck", "--output-activation", "relu", "--cost", "cross-entropy"],
            r"^bp4 gradcheck: error: the cross-entropy cost cannot be used with "
            r"--output-activation relu",
        ),
    ],
)
def test_explain_and_gradcheck_bad_arguments_exit_2(capsys, argv, message):
    line = fails(capsys, argv, 2)
    assert re.search(message, line), line


def test_save_target_is_checked_before_training(capsys, tmp_path):
    target = tmp_path / "no" / "net.npz"
    line = fails(capsys, ["train", "--save", str(target)], 2)
    assert line == (
        f"bp4 train: error: --save {target}: the directory {target.parent} does not "
        f"exist"
    )
    line = fails(capsys, ["train", "--save", str(tmp_path)], 2)
    assert line.endswith("that is a directory, not a file name")
    fifo = tmp_path / "fifo.npz"
    os.mkfifo(fifo)
    line = fails(capsys, ["train", "--save", str(fifo)], 2)
    assert line.endswith("that is not a regular file (a FIFO, socket or device); "
                         "name a new file or an existing .npz")  # fmt: skip
    assert fifo.is_fifo()


def test_save_where_the_directory_refuses_a_file_fails_before_training(
    capsys, monkeypatch, tmp_path
):
    """As for a read-only file system, or a directory without write permission."""

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(cli.checks.tempfile, "TemporaryFile", refuse)
    line = fails(capsys, ["train", "--save", str(tmp_path / "net.npz")], 2)
    assert line == (
        f"bp4 train: error: --save {tmp_path / 'net.npz'}: cannot write in "
        f"{tmp_path} (Permission denied)"
    )


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="permissions do not stop root",
)
def test_save_into_a_directory_without_write_permission_fails_before_training(
    capsys, tmp_path
):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    line = fails(capsys, ["train", "--save", str(locked / "net.npz")], 2)
    assert f"cannot write in {locked} (Permission denied)" in line


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
    assert "epoch 1" not in captured.out and "nan" not in captured.out


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


def test_train_mnist_validates_on_the_validation_images(capsys, mnist_dir):
    argv = ["train", "--dataset", "mnist", "--data-dir", str(mnist_dir)]
    assert main([*argv, "--epochs", "2"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == (
        "Training Network([784, 30, 10], activation='sigmoid', "
        "output_activation='sigmoid', cost='quadratic', "
        "dtype=float64) on mnist (12 training, 10000 validation samples; the 20 "
        "test samples are used once, at the end): 2 epochs, batch size 10, eta 3"
    )
    assert re.search(r"^epoch 2: training cost .* validation accuracy \d+ / 10000 ",
                     out, re.M)  # fmt: skip
    assert re.search(r"that network's test accuracy: \d+ / 20 ", out)


def test_evaluate_reports_what_train_reported_for_the_saved_network(capsys, tmp_path):
    path = tmp_path / "best.npz"
    assert main(["train", "--epochs", "3", "--save", str(path)]) == 0
    reported = re.search(r"test accuracy: (\d+) / 450", capsys.readouterr().out)
    assert reported is not None
    for argv in [[], ["--dataset", "digits"]]:
        assert main(["evaluate", str(path), *argv]) == 0
        out = capsys.readouterr().out
        assert f"classifies {reported[1]} / 450 " in out and "digits test" in out


def test_evaluate_needs_only_the_test_files(capsys, tmp_path):
    paths = write_mnist(tmp_path / "m", fake_mnist(n_train=3, n_test=7), gz=True)
    for role in ("train_images", "train_labels"):
        paths[role].unlink()
    path = tmp_path / "net.npz"
    bp4.Network([784, 30, 10], seed=0).save(path)
    argv = ["evaluate", str(path), "--data-dir", str(tmp_path / "m")]
    assert main(argv) == 0
    assert re.search(r"classifies \d+ / 7 .* of the mnist test samples",
                     capsys.readouterr().out)  # fmt: skip
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == sorted(
        paths[role].name for role in ("test_images", "test_labels")
    )


def test_evaluate_without_the_test_files_says_where_it_looked(capsys, tmp_path):
    path = tmp_path / "net.npz"
    bp4.Network([784, 30, 10], seed=0).save(path)
    folder = tmp_path / "nowhere"
    line = fails(capsys, ["evaluate", str(path), "--data-dir", str(folder)], 1)
    assert line == (
        f"bp4 evaluate: error: the MNIST test files are not in {folder} (looked for "
        "t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, raw or .gz); 'bp4 "
        "train --dataset mnist' downloads them there, or pass --data-dir"
    )
    # Without --data-dir: the cache folder, $BP4_DATA here. Neither is created.
    line = fails(capsys, ["evaluate", str(path)], 1)
    assert f"not in {tmp_path / 'cache'} (looked for" in line
    assert not folder.exists() and not (tmp_path / "cache").exists()


def test_evaluate_picks_mnist_for_a_784_input_network(capsys, tmp_path, mnist_dir):
    path = tmp_path / "net.npz"
    bp4.Network([784, 30, 10], seed=0).save(path)
    assert main(["evaluate", str(path), "--data-dir", str(mnist_dir)]) == 0
    assert re.search(
        r"classifies \d+ / 20 .* of the mnist test samples", capsys.readouterr().out
    )


def test_evaluate_missing_file_exits_1(capsys, tmp_path):
    line = fails(capsys, ["evaluate", str(tmp_path / "missing.npz")], 1)
    assert line == (
        f"bp4 evaluate: error: {tmp_path / 'missing.npz'}: No such file or directory"
    )


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


def test_evaluate_a_zip_of_the_wrong_members_exits_2(capsys, tmp_path):
    path = tmp_path / "net.npz"
    bp4.Network([64, 30, 10], seed=0).save(path)
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["w2.npy"] = b"not an array"  # a member that is not .npy
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    line = fails(capsys, ["evaluate", str(path)], 2)
    assert line.startswith(f"bp4 evaluate: error: {path}")


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
