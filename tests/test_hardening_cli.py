"""The command line where the environment is odd: no home, no stdout, odd encodings."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def bp4_run(args, env=None, timeout=120, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bp4", *args],
        capture_output=True,
        timeout=timeout,
        env=env,
        **kwargs,
    )


def _clean_env(**changes) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("BP4_DATA",)}
    env.update(changes)
    return {k: v for k, v in env.items() if v is not None}


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX users")
def test_no_home_gives_one_line_saying_where_bp4_looked():
    # Before: RuntimeError: Could not determine home directory, as a traceback.
    env = _clean_env(HOME=None, XDG_CACHE_HOME=None)
    # The user id is changed once Python runs (root's Python may be in root's
    # home, which another user cannot reach): one with no passwd entry.
    script = (
        "import os, sys, pwd, pathlib, secrets, numpy.random, bp4.cli\n"
        "if os.geteuid() == 0:\n    os.setgid(54321)\n    os.setuid(54321)\n"
        "sys.exit(bp4.cli.main(['train', '--dataset', 'mnist', '--epochs', '1']))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, timeout=120, env=env
    )
    err = run.stderr.decode()
    assert run.returncode == 1, err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("bp4 train: error: no folder for the MNIST files: ")
    assert "$BP4_DATA" in err and "--data-dir" in err and "$HOME is not set" in err
    if ROOT:
        assert "user id 54321 has no entry in the password database" in err


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX shell closes the stream")
def test_train_with_stdout_closed_still_trains_and_saves(tmp_path):
    # Before: AttributeError on sys.stdout.flush(), nothing trained or saved.
    target = tmp_path / "net.npz"
    command = f'exec "{sys.executable}" -m bp4 train --epochs 1 --save "{target}" >&-'
    run = subprocess.run(["sh", "-c", command], capture_output=True, timeout=120)
    assert run.returncode == 0, run.stderr.decode()
    assert run.stderr == b""
    assert target.is_file()
    # A failure is still reported, on stderr, and by the exit status.
    argv = "train --epochs 2 --eta 1000 --activation tanh --output-activation identity"
    run = subprocess.run(
        ["sh", "-c", f'exec "{sys.executable}" -m bp4 {argv} >&-'],
        capture_output=True,
        timeout=120,
    )
    assert run.returncode == 1
    assert run.stderr.decode().startswith("bp4 train: error: training diverged")
    run = subprocess.run(
        ["sh", "-c", f'exec "{sys.executable}" -m bp4 {argv} >&- 2>&-'],
        capture_output=True,
        timeout=120,
    )
    assert run.returncode == 1


@pytest.mark.parametrize("encoding", ["latin-1", "ascii"])
def test_explain_on_a_terminal_without_greek_letters(encoding):
    # Before: UnicodeEncodeError for σ, reported as bad arguments (exit 2).
    run = bp4_run(["explain"], env=_clean_env(PYTHONIOENCODING=encoding))
    assert run.returncode == 0, run.stderr
    out = run.stdout.decode(encoding)
    assert "delta^L = nabla_a C * sigma'(z^L)" in out
    assert "BP4" in out and "?" not in out.replace("? ", "")


@pytest.mark.skipif(sys.platform != "linux", reason="bytes file names")
def test_file_names_that_are_not_utf8_are_shown_escaped(tmp_path):
    # Before: evaluate exited 2 on printing the name; train, after training
    # and saving, the same.
    env = _clean_env(PYTHONIOENCODING="utf-8")
    odd = os.fsencode(tmp_path) + b"/caf\xe9.npz"
    run = bp4_run([b"train", b"--epochs", b"1", b"--save", odd], env=env)
    assert run.returncode == 0, run.stderr
    assert run.stdout.decode().splitlines()[-1].endswith("caf\\xe9.npz")
    run = bp4_run([b"evaluate", odd], env=env)
    assert run.returncode == 0, run.stderr
    assert "caf\\xe9.npz: Network(" in run.stdout.decode()
    # A real input problem is still exit 2, its name escaped too.
    with open(os.fsencode(tmp_path) + b"/bad\xff\x1b[2J.npz", "wb") as f:
        f.write(b"not a network")
    run = bp4_run(
        [b"evaluate", os.fsencode(tmp_path) + b"/bad\xff\x1b[2J.npz"], env=env
    )
    assert run.returncode == 2
    err = run.stderr.decode()
    assert "bad\\xff\\x1b[2J.npz is not a network saved by bp4" in err
    assert "\x1b" not in err and err.count("\n") == 1


@pytest.mark.parametrize("value", ["-inf", "-1e3", "-Infinity", "-nan"])
def test_a_negative_eta_is_named_by_its_check_not_taken_for_an_option(capsys, value):
    # Before: "argument --eta: expected one argument".
    from bp4.cli import main

    with pytest.raises(SystemExit) as exit:
        main(["train", "--eta", value])
    assert exit.value.code == 2
    assert capsys.readouterr().err == (
        f"bp4 train: error: argument --eta: expected a positive finite number, got "
        f"'{value}' (see bp4 train -h)\n"
    )
