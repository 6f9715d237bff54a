"""Saving beside other processes and users: concurrent saves, permissions, odd names."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
import textwrap

import numpy as np
import pytest

import bp4

ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")


def test_concurrent_saves_of_one_path_all_succeed_and_the_last_wins(tmp_path):
    # Before: 15 of 1,200 saves failed with FileNotFoundError, one save's
    # clean-up having removed another's fresh temporary file.
    target = tmp_path / "net.npz"
    script = textwrap.dedent(
        """
        import sys, bp4
        worker, target = int(sys.argv[1]), sys.argv[2]
        net = bp4.Network([3, 4, 2], seed=worker)
        failures = 0
        for _ in range(300):
            try:
                net.save(target)
            except OSError as error:
                failures += 1
                print(error, file=sys.stderr)
        print(failures)
        """
    )
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(k), str(target)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for k in range(4)
    ]
    results = [w.communicate(timeout=300) for w in workers]
    assert [out.strip() for out, _ in results] == ["0"] * 4, results
    assert all(w.returncode == 0 for w in workers)
    loaded = bp4.Network.load(target)
    assert any(
        np.array_equal(loaded.weights[0], bp4.Network([3, 4, 2], seed=k).weights[0])
        for k in range(4)
    )
    assert sorted(os.listdir(tmp_path)) == ["net.npz"]  # no temporary file left


@posix_only
def test_a_new_file_respects_the_umask(tmp_path):
    mask = os.umask(0o077)
    try:
        bp4.Network([2, 2], seed=0).save(tmp_path / "private.npz")
        np.save(tmp_path / "numpy.npy", np.zeros(1))
    finally:
        os.umask(mask)
    assert stat.S_IMODE(os.stat(tmp_path / "private.npz").st_mode) == 0o600
    assert stat.S_IMODE(os.stat(tmp_path / "numpy.npy").st_mode) == 0o600
    mask = os.umask(0o002)
    try:
        bp4.Network([2, 2], seed=0).save(tmp_path / "shared.npz")
    finally:
        os.umask(mask)
    assert stat.S_IMODE(os.stat(tmp_path / "shared.npz").st_mode) == 0o664


@posix_only
def test_a_replaced_file_keeps_its_mode(tmp_path):
    path = tmp_path / "net.npz"
    bp4.Network([2, 2], seed=0).save(path)
    os.chmod(path, 0o604)
    mask = os.umask(0o077)
    try:
        bp4.Network([2, 2], seed=1).save(path)
    finally:
        os.umask(mask)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o604


@pytest.fixture
def shared_dir():
    """A folder every user may reach (pytest's own are its owner's only)."""
    directory = tempfile.mkdtemp(prefix="bp4-test-")
    os.chmod(directory, 0o777)
    yield directory
    shutil.rmtree(directory)


def _as_nobody(script: str, directory) -> subprocess.CompletedProcess:
    """Run ``script`` as an unprivileged user: root may write any file."""
    # bp4 and what it uses are imported first, by a save and a load as root
    # (NumPy imports some modules only when first used): nobody may not be
    # able to read them, as when the checkout is in a folder only root reads.
    prelude = (
        "import os, bp4, bp4.files.saving, tempfile, numpy.ma\n"
        "nets = [bp4.Network([2, 2], seed=k) for k in range(2)]\n"
        "warm = os.path.join(tempfile.mkdtemp(), 'warm.npz')\n"
        "nets[0].save(warm); bp4.Network.load(warm); os.remove(warm)\n"
        "if os.geteuid() == 0:\n    os.setgid(65534)\n    os.setuid(65534)\n"
    )
    return subprocess.run(
        [sys.executable, "-c", prelude + textwrap.dedent(script)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=directory,
    )


@posix_only
def test_a_write_protected_file_is_not_replaced(shared_dir):
    # Before: a file the user made read-only was replaced without complaint.
    script = """
        import os, bp4
        nets[0].save("net.npz")
        os.chmod("net.npz", 0o444)
        before = open("net.npz", "rb").read()
        try:
            nets[1].save("net.npz")
        except PermissionError as error:
            print("refused:", error)
        assert open("net.npz", "rb").read() == before
        print(sorted(os.listdir(".")))
        """
    run = _as_nobody(script, shared_dir)
    assert run.returncode == 0, run.stderr
    first, listing = run.stdout.splitlines()
    assert first.startswith("refused: [Errno 13] cannot save the network to net.npz:")
    assert "write-protected (mode -r--r--r--)" in first and "chmod u+w" in first
    assert listing == "['net.npz']"


@posix_only
def test_a_permission_error_names_the_target_not_the_temporary_file(shared_dir):
    script = """
        import os, bp4
        os.mkdir("locked", 0o555)
        try:
            nets[0].save("locked/net.npz")
        except PermissionError as error:
            print(error)
        """
    run = _as_nobody(script, shared_dir)
    assert run.returncode == 0, run.stderr
    message = run.stdout.strip()
    assert ".bp4-" not in message and ".tmp" not in message
    assert "save the network to locked/net.npz" in message
    assert "cannot create a file in " in message


def test_a_name_ending_in_a_slash_is_refused(tmp_path):
    # Before: save("x.npz/") created x.npz.
    with pytest.raises(ValueError, match=r"x\.npz/: a file name cannot end in '/'"):
        bp4.Network([2, 2], seed=0).save(f"{tmp_path}/x.npz/")
    assert os.listdir(tmp_path) == []


@posix_only
def test_a_loop_of_symbolic_links_is_reported_as_one(tmp_path):
    # Before: "the directory ... does not exist".
    os.symlink(tmp_path / "loop", tmp_path / "loop")
    with pytest.raises(OSError, match="loop of symbolic links") as error:
        bp4.Network([2, 2], seed=0).save(tmp_path / "loop" / "net.npz")
    assert "does not exist" not in str(error.value)
