"""The command line as a process: Ctrl-C, a closed stdout, memory that runs out.

Each ends in at most one line on stderr and a documented exit status, never
a traceback. Whatever could allocate a lot runs in a subprocess under a
memory limit (RLIMIT_AS), so a regression fails the test, not the machine.
"""

import io
import os
import re
import signal
import subprocess
import sys
import textwrap
import zipfile

import numpy as np
import pytest

import bp4
from bp4 import backprop, cli
from bp4.cli import main

pytestmark = pytest.mark.skipif(
    sys.platform == "win32", reason="POSIX signals, pipes and resource limits"
)

LIMIT = 1 << 30  # bytes of address space: bp4 with NumPy needs about 200 MB


def bp4_process(*argv, limit=False, estimate=True, **popen):
    """``python -m bp4 ARGV`` as a child process (not yet waited for).

    ``limit`` caps its address space at LIMIT; ``estimate=False`` turns off
    the memory estimate, so that NumPy's own MemoryError is what stops it.
    """
    setup = ""
    if limit:
        setup += f"import resource; resource.setrlimit(resource.RLIMIT_AS, ({LIMIT}, {LIMIT}))\n"
    setup += "import sys, bp4.cli as cli\n"
    if not estimate:
        setup += "cli.physical_memory = lambda: None\n"
    setup += "sys.exit(cli.main(sys.argv[1:]))\n"
    return subprocess.Popen([sys.executable, "-c", setup, *argv], text=True, **popen)


def run(*argv, **options):
    process = bp4_process(
        *argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **options
    )
    out, err = process.communicate(timeout=120)
    return process.returncode, out, err


# -- Ctrl-C ---------------------------------------------------------------------------


def interrupt_in_epoch(monkeypatch, epoch, batches_per_epoch=100):
    """Make Ctrl-C arrive during ``epoch``'s training, as KeyboardInterrupt.

    Training calls bp4.backprop.backward once per mini-batch, by module
    attribute; the default run has 1,000 training samples in batches of 10.
    """
    calls = []
    original = backprop.backward

    def backward(*args, **kwargs):
        calls.append(1)
        if len(calls) == (epoch - 1) * batches_per_epoch + 5:
            raise KeyboardInterrupt
        return original(*args, **kwargs)

    monkeypatch.setattr(backprop, "backward", backward)


def test_ctrl_c_says_at_which_epoch_and_where_the_best_network_is(
    capsys, monkeypatch, tmp_path
):
    path = tmp_path / "best.npz"
    interrupt_in_epoch(monkeypatch, 3)
    with pytest.raises(SystemExit) as info:
        main(["train", "--save", str(path)])
    assert info.value.code == 130
    captured = capsys.readouterr()
    epochs = re.findall(r"^epoch (\d+): .*validation accuracy (\d+) / 347 \((\S+)%\)",
                        captured.out, re.M)  # fmt: skip
    assert [e[0] for e in epochs] == ["1", "2"]
    best = max(epochs, key=lambda e: int(e[1]))
    assert captured.err == (
        f"bp4 train: interrupted at epoch 3; the best network so far (epoch "
        f"{best[0]}, validation accuracy {best[2]}%) is in {path}\n"
    )
    digits = bp4.load_digits()
    saved = bp4.Network.load(path)
    assert saved.evaluate(digits.X_train[:, 1000:], digits.y_train[1000:]) == int(
        best[1]
    )


def test_ctrl_c_without_save_or_before_the_first_save(capsys, monkeypatch, tmp_path):
    interrupt_in_epoch(monkeypatch, 2)
    with pytest.raises(SystemExit) as info:
        main(["train"])
    assert info.value.code == 130
    assert capsys.readouterr().err == (
        "bp4 train: interrupted at epoch 2; nothing was saved (--save FILE keeps "
        "the best epoch's network)\n"
    )

    path = tmp_path / "best.npz"
    interrupt_in_epoch(monkeypatch, 1)
    with pytest.raises(SystemExit) as info:
        main(["train", "--save", str(path)])
    assert info.value.code == 130
    assert capsys.readouterr().err == (
        f"bp4 train: interrupted at epoch 1; nothing was saved to {path} yet\n"
    )
    assert not path.exists()


def test_ctrl_c_before_training_is_one_line(capsys, monkeypatch):
    def load(data_dir):
        raise KeyboardInterrupt  # as while MNIST downloads

    monkeypatch.setitem(
        cli.DATASETS, "digits", cli.DATASETS["digits"]._replace(load=load)
    )
    with pytest.raises(SystemExit) as info:
        main(["train"])
    assert info.value.code == 130
    assert capsys.readouterr() == ("", "bp4 train: interrupted\n")


def test_sigint_to_a_running_process(tmp_path):
    path = tmp_path / "best.npz"
    with bp4_process(
        "train", "--epochs", "100000", "--save", str(path),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    ) as process:  # fmt: skip
        lines = []
        try:
            while not lines or not lines[-1].startswith("epoch 2:"):
                line = process.stdout.readline()
                assert line, process.stderr.read()
                lines.append(line)
            process.send_signal(signal.SIGINT)
            out, err = process.communicate(timeout=60)
        finally:
            process.kill()
    assert process.returncode == 130, err
    last = int(re.findall(r"^epoch (\d+):", "".join(lines) + out, re.M)[-1])
    match = re.fullmatch(
        r"bp4 train: interrupted at epoch (\d+); the best network so far \(epoch "
        r"(\d+), validation accuracy \S+%\) is in (.*)\n",
        err,
    )
    assert match is not None, err
    assert last <= int(match[1]) <= last + 1 and int(match[2]) <= last
    assert match[3] == str(path)
    assert bp4.Network.load(path).sizes == [64, 30, 10]


# -- a closed stdout ------------------------------------------------------------------


def test_stdout_closed_after_the_first_line_ends_quietly():
    """``bp4 train | head -1``."""
    with bp4_process(
        "train", "--epochs", "100000", stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as process:
        try:
            first = process.stdout.readline()
            process.stdout.close()
            err = process.stderr.read()
            process.wait(timeout=60)
        finally:
            process.kill()
    assert first.startswith("Training Network([64, 30, 10]")
    assert process.returncode == 141
    assert err == ""


@pytest.mark.parametrize(
    "argv", [["train", "--help"], ["train", "--epochs", "1"], ["gradcheck"]]
)
def test_stdout_closed_before_anything_is_written_ends_quietly(argv):
    read_end, write_end = os.pipe()
    os.close(read_end)  # every write to stdout fails with EPIPE
    try:
        process = bp4_process(*argv, stdout=write_end, stderr=subprocess.PIPE)
    finally:
        os.close(write_end)
    err = process.communicate(timeout=120)[1]
    # argparse ignores a failed write of --help, so that run ends with 0.
    expected = {0, 141} if "--help" in argv else {141}
    assert process.returncode in expected and err == ""


# -- memory ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv, too_big",
    [
        (["train", "--sizes", "64", "2000000", "10"], "(2000000, 64)"),
        (["gradcheck", "--batch-size", "1000000000000"], "(4, 1000000000000)"),
    ],
)
def test_running_out_of_memory_is_one_line_and_status_1(argv, too_big):
    status, out, err = run(*argv, limit=True, estimate=False)
    assert status == 1 and out == ""
    assert err.startswith(f"bp4 {argv[0]}: error: not enough memory: Unable to ")
    assert too_big in err and err.count("\n") == 1


@pytest.mark.parametrize(
    "argv, message",
    [
        (
            ["train", "--sizes", "64", "10000000", "10"],
            "training a network of sizes [64, 10000000, 10] (750,000,010 parameters) "
            "on 347 samples at once needs about 135 GB, and this machine has 8 GB",
        ),
        (
            ["gradcheck", "--batch-size", "1000000000000"],
            "checking a network of sizes [4, 5, 3] (43 parameters) on "
            "1,000,000,000,000 samples at once needs about 3.84e+05 GB, and this "
            "machine has 8 GB",
        ),
    ],
)
def test_a_network_too_big_for_memory_is_refused_before_allocating(
    capsys, monkeypatch, argv, message
):
    monkeypatch.setattr(cli, "physical_memory", lambda: 8 * 10**9)
    monkeypatch.setattr(bp4.Network, "__init__", None)  # must not be reached
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"bp4 {argv[0]}: error: not enough memory: {message}\n"


def test_the_memory_limit_itself_works():
    """The limit the tests above rely on stops a large allocation."""
    code = textwrap.dedent(f"""
        import resource, numpy as np
        resource.setrlimit(resource.RLIMIT_AS, ({LIMIT}, {LIMIT}))
        try:
            np.ones({LIMIT} // 8)
        except MemoryError:
            print("refused")
    """)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.stdout == "refused\n", result.stderr


def test_evaluate_a_file_that_declares_a_huge_array(tmp_path):
    """A 1 kB file whose w2 claims 500,000,000 × 600,000,000 float64s."""
    path = tmp_path / "net.npz"
    bp4.Network([64, 30, 10], seed=0).save(path)
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header,
        {"descr": "<f8", "fortran_order": False, "shape": (500_000_000, 600_000_000)},
    )
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["w2.npy"] = header.getvalue()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    status, out, err = run("evaluate", str(path), limit=True)
    # Not enough memory (1) until the reader checks shapes before reading,
    # a malformed file (2) after.
    assert status in (1, 2) and out == ""
    assert err.startswith("bp4 evaluate: error: ") and err.count("\n") == 1
    assert "Traceback" not in err
