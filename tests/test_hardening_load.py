"""Network.save and Network.load against hostile files and unusual targets.

Files that would make a careless reader allocate gigabytes are loaded in a
subprocess under a memory limit (RLIMIT_AS), so that a regression fails the
test instead of exhausting the machine.
"""

from __future__ import annotations

import ast
import io
import json
import os
import random
import signal
import stat
import struct
import subprocess
import sys
import textwrap
import threading
import zipfile
import zlib

import numpy as np
import pytest

import bp4
from bp4.files import npz_reader, saving

LIMIT = 512 << 20  # bytes of address space for a subprocess loading a bomb
needs_rlimit = pytest.mark.skipif(
    sys.platform != "linux", reason="RLIMIT_AS is enforced on Linux"
)


@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "net.npz"
    bp4.Network([4, 5, 3], seed=1).save(path)
    return path


def members(path) -> dict[str, bytes]:
    """Each entry of a saved file: name → the .npy bytes."""
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def npy_header(shape: tuple[int, ...], descr: str = "<f8") -> bytes:
    """The header of a .npy file declaring ``shape``, with no data after it."""
    buffer = io.BytesIO()
    header = {"descr": descr, "fortran_order": False, "shape": shape}
    np.lib.format.write_array_header_1_0(buffer, header)
    return buffer.getvalue()


def deflated_zeros(prefix: bytes, n_mib: int) -> bytes:
    """A raw deflate stream of ``prefix`` then ``n_mib`` MiB of zeros, made in
    milliseconds: after a full flush the compressor starts afresh, so every
    MiB of zeros compresses to the same bytes, which are repeated."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = c.compress(prefix) + c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(bytes(1 << 20)) + c.flush(zlib.Z_FULL_FLUSH)
    return head + block * n_mib + c.flush()


def zip_archive(entries: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """A zip file written by hand: (name, data as stored, method, size, CRC-32)
    per entry, so that an entry can claim what zipfile would never write."""
    out, central = bytearray(), bytearray()
    for name, data, method, size, crc in entries:
        encoded = name.encode()
        offset = len(out)
        out += struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21, crc, len(data), size,
            len(encoded), 0,
        ) + encoded + data  # fmt: skip
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, 0, 0x21, crc,
            len(data), size, len(encoded), 0, 0, 0, 0, 0, offset,
        ) + encoded  # fmt: skip
    n = len(entries)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, n, n, len(central), len(out), 0)
    return bytes(out + central + end)


def stored(contents: dict[str, bytes]) -> list[tuple[str, bytes, int, int, int]]:
    return [
        (name, data, zipfile.ZIP_STORED, len(data), zlib.crc32(data))
        for name, data in contents.items()
    ]


def load_in_subprocess(path, limit: int = LIMIT) -> str:
    """``Network.load(path)`` under a memory limit: the error's type and message."""
    code = textwrap.dedent(
        f"""
        import resource
        resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
        import bp4
        try:
            bp4.Network.load({str(path)!r})
            print("loaded")
        except BaseException as error:
            print(type(error).__name__ + ": " + str(error))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    return result.stdout.strip() or result.stderr.strip()


# -- 1. every header is checked before any data is read --------------------------------


@needs_rlimit
def test_a_zip_bomb_member_is_refused_before_it_is_inflated(tmp_path, saved):
    # 2 MB on disk; inflated, the 'junk' array would take 2 GiB.
    bomb = deflated_zeros(npy_header((16384, 16384)), 2048)
    entries = stored(members(saved))
    entries.append(("junk.npy", bomb, zipfile.ZIP_DEFLATED, 128 + (2 << 30), 0))
    path = tmp_path / "bomb.npz"
    path.write_bytes(zip_archive(entries))
    assert path.stat().st_size < 3_000_000
    assert load_in_subprocess(path) == (
        f"ValueError: {path} is not a network saved by bp4: it holds 'junk.npy', "
        f"which a saved network never has"
    )


@needs_rlimit
def test_a_header_declaring_a_huge_array_is_refused_before_allocating_it(
    tmp_path, saved
):
    # sizes and the header of w2 agree on (5e8, 6e8), 2.4 EB; the file has none of it.
    contents = members(saved)
    contents["sizes.npy"] = npy(np.array([600_000_000, 500_000_000]))
    contents["w2.npy"] = npy_header((500_000_000, 600_000_000))
    contents["b2.npy"] = npy_header((500_000_000, 1))
    del contents["w3.npy"], contents["b3.npy"]
    path = tmp_path / "huge.npz"
    path.write_bytes(zip_archive(stored(contents)))
    assert load_in_subprocess(path) == (
        f"ValueError: {path} is not a network saved by bp4: 'w2' has 0 bytes of "
        f"data; its header says 2400000000000000000"
    )


def test_entries_claiming_more_bytes_than_the_file_has_are_refused(tmp_path, saved):
    entries = stored(members(saved))
    name, data, method, size, crc = entries[-1]
    entries[-1] = (name, data, method, size + 10**9, crc)
    path = tmp_path / "liar.npz"
    path.write_bytes(zip_archive(entries))
    with pytest.raises(ValueError) as info:
        bp4.Network.load(path)
    assert str(info.value) == (
        f"{path} is not a network saved by bp4: {name!r} claims to hold "
        f"{size + 10**9} bytes in {size}"
    )
    # Two entries each claiming 60% of the file: each could be, not both.
    archive = bytearray(zip_archive(stored(members(saved))))
    share = len(archive) * 6 // 10
    entry = struct.unpack("<I", archive[-6:-2])[0]  # the central directory
    for _ in range(2):
        archive[entry + 20 : entry + 28] = struct.pack("<II", share, share)
        entry += 46 + struct.unpack("<H", archive[entry + 28 : entry + 30])[0]
    path.write_bytes(archive)
    claimed = 2 * share + sum(len(data) for data in members(saved).values())
    claimed -= sum(len(data) for data in list(members(saved).values())[:2])
    with pytest.raises(ValueError) as info:
        bp4.Network.load(path)
    assert str(info.value) == (
        f"{path} is not a network saved by bp4: its zip entries claim {claimed} "
        f"bytes, more than the file's {len(archive)}"
    )


def test_a_wrong_header_is_named_before_any_data_is_read(saved, monkeypatch):
    contents = members(saved)
    contents["w3.npy"] = npy(np.zeros((3, 6)))
    saved.write_bytes(zip_archive(stored(contents)))
    reads = []
    real_read = saving._Reader.read
    monkeypatch.setattr(
        saving._Reader,
        "read",
        lambda self, key: reads.append(key) or real_read(self, key),
    )
    with pytest.raises(ValueError, match=r"w3 has shape \(3, 6\); expected \(3, 5\)"):
        bp4.Network.load(saved)
    assert not {"w2", "b2", "w3", "b3"} & set(reads)  # only the small metadata


def test_compressed_entries_are_refused_unread(tmp_path, saved):
    with np.load(saved) as data:
        arrays = dict(data)
    path = tmp_path / "compressed.npz"
    np.savez_compressed(path, **arrays)
    with pytest.raises(
        ValueError,
        match=r"is not a network saved by bp4: '\w+\.npy' is compressed or encrypted",
    ):
        bp4.Network.load(path)


# -- 2. every damaged file: one ValueError naming the file ----------------------------


def test_mutated_files_load_or_raise_one_value_error_naming_the_file(tmp_path, saved):
    good = saved.read_bytes()
    rng = random.Random(20261130)
    path = tmp_path / "mutant.npz"
    outcomes = {"loaded": 0, "refused": 0}
    for _ in range(300):
        data = bytearray(good)
        for _ in range(rng.choice([1, 1, 2, 4, 8])):
            data[rng.randrange(len(data))] = rng.randrange(256)
        if rng.random() < 0.1:
            data = data[: rng.randrange(len(data))]
        path.write_bytes(data)
        try:
            bp4.Network.load(path)
            outcomes["loaded"] += 1
        except ValueError as error:
            message = str(error)
            assert message.startswith(str(path)) and "\n" not in message, message
            outcomes["refused"] += 1
    assert outcomes["refused"] > 200  # most mutations are caught, by CRC at least


def rewrite(path, **changes):
    with np.load(path, allow_pickle=False) as data:
        arrays = {key: data[key] for key in data.files}
    arrays.update(changes)
    with open(path, "wb") as f:
        np.savez(f, **arrays)


@pytest.mark.parametrize(
    "rng_state, message",
    [
        (
            "[" * 100_000 + "]" * 100_000,
            r"'rng_state' must be a string of at most 4096",
        ),
        ("[" * 2000 + "]" * 2000, r"'rng_state' is not a generator state: maximum rec"),
        ("not json", r"'rng_state' is not a generator state: Expecting value"),
    ],
)
def test_rng_state_that_is_not_json_of_a_state(saved, rng_state, message):
    rewrite(saved, rng_state=np.array(rng_state))
    with pytest.raises(ValueError, match=message):
        bp4.Network.load(saved)


@pytest.mark.parametrize(
    "change, message",
    [
        (
            {"state": {"state": 2**1000, "inc": 1}},
            r"state\['state'\] must be an integer in \[0, 2\*\*128\)",
        ),
        ({"state": {"state": 1, "inc": 2}}, r"state\['inc'\] must be odd"),
        ({"bit_generator": "MT19937"}, r"bit_generator is 'MT19937'; expected 'PCG64'"),
        ({"has_uint32": 7}, r"has_uint32 must be 0 or 1"),
        ({"uinteger": -1}, r"uinteger must be an integer in \[0, 2\*\*32\)"),
        ({"extra": 1}, r"expected a dict with the keys"),
    ],
)
def test_rng_state_out_of_range(saved, change, message):
    state = bp4.Network([2, 2], seed=0).rng.bit_generator.state | change
    rewrite(saved, rng_state=np.array(json.dumps(state)))
    with pytest.raises(
        ValueError, match=rf"'rng_state' is not a generator state: {message}"
    ):
        bp4.Network.load(saved)


@pytest.mark.parametrize("name", ["notes.txt", "cost"])
def test_an_entry_that_is_not_npy(tmp_path, saved, name):
    contents = members(saved)
    contents[name] = b"quadratic"
    if name == "cost":
        del contents["cost.npy"]
    path = tmp_path / "odd.npz"
    path.write_bytes(zip_archive(stored(contents)))
    with pytest.raises(ValueError) as info:
        bp4.Network.load(path)
    assert str(info.value) == (
        f"{path} is not a network saved by bp4: it holds {name!r}, which a saved "
        f"network never has"
    )


def test_an_entry_with_an_unknown_compression_method(tmp_path, saved):
    entries = stored(members(saved))
    name, data, _, size, crc = entries[0]
    entries[0] = (name, data, 99, size, crc)
    path = tmp_path / "method99.npz"
    path.write_bytes(zip_archive(entries))
    with pytest.raises(ValueError, match=rf"{name}' is compressed or encrypted"):
        bp4.Network.load(path)


def test_a_central_directory_pointing_before_the_file(tmp_path, saved):
    # The end record's directory offset made 1 GiB larger: zipfile places
    # every entry before byte 0 and seeks there, an OSError (EINVAL) naming
    # no file.
    data = bytearray(saved.read_bytes())
    end = data.rindex(b"PK\x05\x06")
    (offset,) = struct.unpack("<I", data[end + 16 : end + 20])
    data[end + 16 : end + 20] = struct.pack("<I", offset + 2**30)
    path = tmp_path / "seek.npz"
    path.write_bytes(data)
    with pytest.raises(ValueError) as info:
        bp4.Network.load(path)
    assert str(info.value) == (
        f"{path} is not a network saved by bp4: [Errno 22] Invalid argument"
    )


def test_a_duplicated_entry(tmp_path, saved):
    entries = stored(members(saved))
    path = tmp_path / "twice.npz"
    path.write_bytes(zip_archive(entries + entries[-1:]))
    with pytest.raises(ValueError, match=r"holds '\w+\.npy' twice"):
        bp4.Network.load(path)


def test_names_saved_as_empty_strings_are_refused(saved):
    rewrite(saved, cost=np.array(""))
    with pytest.raises(ValueError, match=r"'cost' is empty; expected a name"):
        bp4.Network.load(saved)


# -- 3. only regular files are written and read ---------------------------------------


needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")


@needs_fifo
def test_save_onto_a_fifo_is_refused(tmp_path):
    fifo = tmp_path / "pipe.npz"
    os.mkfifo(fifo)
    with pytest.raises(ValueError) as info:
        bp4.Network([2, 2], seed=0).save(fifo)
    assert str(info.value) == (
        f"cannot save the network to {fifo}: it is a FIFO (named pipe), not a "
        f"regular file"
    )
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert sorted(os.listdir(tmp_path)) == ["pipe.npz"]


def test_save_onto_a_directory_is_refused(tmp_path):
    with pytest.raises(ValueError, match=r"it is a directory, not a regular file"):
        bp4.Network([2, 2], seed=0).save(tmp_path)
    assert os.listdir(tmp_path) == []


def test_save_onto_a_device_is_refused(tmp_path):
    device = tmp_path / "null"
    try:
        os.mknod(device, 0o666 | stat.S_IFCHR, os.stat("/dev/null").st_rdev)
    except (OSError, AttributeError):
        pytest.skip("cannot make a device node here")
    with pytest.raises(ValueError, match=r"it is a character device, not a regular"):
        bp4.Network([2, 2], seed=0).save(device)
    assert stat.S_ISCHR(os.stat(device).st_mode)


def test_save_through_a_symbolic_link_replaces_the_file_it_points_to(tmp_path):
    (tmp_path / "runs").mkdir()
    target = tmp_path / "runs" / "run1.npz"
    link = tmp_path / "latest.npz"
    bp4.Network([2, 2], seed=0).save(target)
    os.chmod(target, 0o600)
    link.symlink_to(target)
    bp4.Network([3, 4, 2], seed=0).save(link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert bp4.Network.load(target).sizes == [3, 4, 2]
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert sorted(os.listdir(tmp_path / "runs")) == ["run1.npz"]


def test_save_through_a_dangling_link_creates_its_target(tmp_path):
    link = tmp_path / "latest.npz"
    link.symlink_to(tmp_path / "new.npz")
    bp4.Network([2, 2], seed=0).save(link)
    assert link.is_symlink() and bp4.Network.load(tmp_path / "new.npz").sizes == [2, 2]


@needs_fifo
def test_save_through_a_link_to_a_fifo_is_refused(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "link.npz").symlink_to(tmp_path / "pipe")
    with pytest.raises(
        ValueError, match=r"link\.npz \(a symbolic link to .*pipe\): it is a FIFO"
    ):
        bp4.Network([2, 2], seed=0).save(tmp_path / "link.npz")


@needs_fifo
def test_load_of_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.npz"
    os.mkfifo(fifo)
    # In a subprocess with a timeout: a regression would block forever.
    code = f"import bp4\ntry:\n    bp4.Network.load({str(fifo)!r})\nexcept ValueError as e:\n    print(e)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == (
        f"{fifo} is not a network saved by bp4: it is a FIFO (named pipe), not a "
        f"regular file"
    )


@needs_fifo
def test_a_fifo_swapped_in_after_the_check_does_not_block(tmp_path, monkeypatch):
    fifo = tmp_path / "pipe.npz"
    os.mkfifo(fifo)
    checks = []
    real_check = npz_reader._check_regular

    def first_check_misses_it(name, mode):  # as if it were swapped in after
        checks.append(mode)
        if len(checks) > 1:
            real_check(name, mode)

    monkeypatch.setattr(npz_reader, "_check_regular", first_check_misses_it)
    done = []
    worker = threading.Thread(
        target=lambda: done.append(pytest.raises(ValueError, bp4.Network.load, fifo)),
        daemon=True,
    )
    worker.start()
    worker.join(30)  # a regression blocks in open(): the thread never ends
    assert done and "it is a FIFO (named pipe)" in str(done[0].value)
    assert len(checks) == 2


def test_load_of_a_directory_is_refused(tmp_path):
    with pytest.raises(ValueError, match=r"it is a directory, not a regular file"):
        bp4.Network.load(tmp_path)


def test_a_missing_file_is_still_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        bp4.Network.load(tmp_path / "missing.npz")


# -- 4. byte order --------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [">f8", ">f4", "<f8"])
def test_a_network_of_either_byte_order_saves_a_file_it_loads(tmp_path, dtype):
    net = bp4.Network([3, 4, 2], seed=3, dtype=dtype)
    net.save(tmp_path / "net.npz")
    loaded = bp4.Network.load(tmp_path / "net.npz")
    native = np.dtype(dtype).newbyteorder("=")
    assert loaded.dtype == native
    for mine, theirs in zip(net.weights + net.biases, loaded.weights + loaded.biases):
        assert theirs.dtype == native
        np.testing.assert_array_equal(mine, theirs)


def test_a_big_endian_file_loads_in_native_order(saved):
    with np.load(saved) as data:
        arrays = dict(data)
    big = {
        k: v.astype(">f8") if k[0] in "wb" and k[1:].isdigit() else v
        for k, v in arrays.items()
    }
    with open(saved, "wb") as f:
        np.savez(f, **big)
    loaded = bp4.Network.load(saved)
    assert loaded.weights[0].dtype == np.dtype("=f8")
    np.testing.assert_array_equal(loaded.weights[0], arrays["w2"])


# -- 5. temporary files ---------------------------------------------------------------


def test_a_target_name_of_255_bytes_can_be_saved(tmp_path):
    path = tmp_path / ("n" * 251 + ".npz")
    bp4.Network([2, 2], seed=0).save(path)
    assert os.listdir(tmp_path) == [path.name]
    assert bp4.Network.load(path).sizes == [2, 2]


KILLED_SAVE = """
import sys, time
import numpy as np
import bp4

def savez_that_stops(file, **arrays):
    file.write(b"PK\\x03\\x04" + bytes(1000))
    file.flush()
    print("writing", flush=True)
    time.sleep(600)

np.savez = savez_that_stops
bp4.Network([2, 2], seed=0).save(sys.argv[1])
"""


def killed_mid_save(path) -> None:
    """Run a save of ``path`` in a process and SIGKILL it while it writes."""
    process = subprocess.Popen(
        [sys.executable, "-c", KILLED_SAVE, str(path)], stdout=subprocess.PIPE
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline() == b"writing\n"
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(30)
        if process.stdout is not None:
            process.stdout.close()


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="no SIGKILL here")
def test_the_next_save_removes_what_killed_saves_left(tmp_path):
    path = tmp_path / "net.npz"
    bp4.Network([2, 2], seed=0).save(path)
    other = tmp_path / "other.npz"
    killed_mid_save(path)
    killed_mid_save(path)  # its save removed what the first left
    killed_mid_save(other)
    leftovers = sorted(set(os.listdir(tmp_path)) - {"net.npz"})
    assert len(leftovers) == 2 and all(name.endswith(".tmp") for name in leftovers)
    assert all(len(name) < 40 for name in leftovers)
    assert bp4.Network.load(path).sizes == [2, 2]  # the target stayed whole
    bp4.Network([3, 3], seed=0).save(path)
    # net.npz's is gone; other.npz's stays until other.npz is saved.
    assert len(set(os.listdir(tmp_path)) - {"net.npz"}) == 1
    bp4.Network([2, 2], seed=0).save(other)
    assert sorted(os.listdir(tmp_path)) == ["net.npz", "other.npz"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file locks")
def test_a_temporary_file_in_use_is_left_alone(tmp_path):
    import fcntl

    path = tmp_path / "net.npz"
    busy = tmp_path / (saving._temp_prefix(str(path)) + "busy.tmp")
    with open(busy, "wb") as f:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX)  # as a save in progress holds it
        bp4.Network([2, 2], seed=0).save(path)
        assert busy.exists()
    bp4.Network([2, 2], seed=0).save(path)
    assert not busy.exists()


# -- 10. paths are str or os.PathLike, for save and load alike -----------------------


@pytest.mark.parametrize("method", ["save", "load"])
def test_bytes_paths_are_refused_by_save_and_load_alike(tmp_path, method):
    path = os.fsencode(tmp_path / "net.npz")
    bp4.Network([2, 2], seed=0).save(os.fsdecode(path))
    call = {
        "save": lambda: bp4.Network([2, 2], seed=0).save(path),
        "load": lambda: bp4.Network.load(path),
    }[method]
    with pytest.raises(TypeError) as info:
        call()
    assert str(info.value) == (
        f"path must be a file name (str or os.PathLike, such as pathlib.Path), got "
        f"{path!r}"
    )


# -- the plain-state interface --------------------------------------------------------


def test_saving_never_imports_network():
    with open(saving.__file__, encoding="utf-8") as f:
        tree = ast.parse(f.read())
    imported = [
        node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
    ] + [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    ]
    assert imported and not [name for name in imported if "network" in name]


def test_state_round_trip_without_a_network(tmp_path):
    rng = np.random.default_rng(0)
    state = saving.NetworkState(
        sizes=[3, 2],
        activation="tanh",
        output_activation="softmax",
        cost="log-likelihood",
        init="scaled",
        dtype=np.dtype(np.float32),
        weights=[rng.standard_normal((2, 3)).astype(np.float32)],
        biases=[np.zeros((2, 1), np.float32)],
        rng_state=rng.bit_generator.state,
    )
    saving.save_state(state, tmp_path / "s.npz")
    loaded = saving.load_state(tmp_path / "s.npz")
    assert (loaded.activation, loaded.output_activation) == ("tanh", "softmax")
    assert (loaded.cost, loaded.init, loaded.dtype) == (
        "log-likelihood",
        "scaled",
        np.float32,
    )
    np.testing.assert_array_equal(loaded.weights[0], state.weights[0])
    assert loaded.rng_state == state.rng_state
    expected = np.random.Generator(np.random.PCG64())
    expected.bit_generator.state = state.rng_state
    assert saving.generator_from_state(loaded.rng_state).random() == expected.random()


def test_version_1_files_load_with_one_activation_for_every_layer(saved):
    with np.load(saved) as data:
        arrays = dict(data)
    del arrays["output_activation"]
    arrays["format_version"] = np.array(1)
    arrays["activation"] = np.array("tanh")
    with open(saved, "wb") as f:
        np.savez(f, **arrays)
    state = saving.load_state(saved)
    assert state.activation == state.output_activation == "tanh"
    assert bp4.Network.load(saved).activation.name == "tanh"


@pytest.mark.parametrize(
    "change, message",
    [
        ({"activation": ""}, r"activation must be a name \(a non-empty string\)"),
        ({"cost": print}, r"cost must be a name .*got <built-in function print>"),
        ({"sizes": [2, True]}, r"sizes must list at least two positive integer"),
        ({"rng_state": {"bit_generator": "PCG64"}}, r"rng_state is not a PCG64"),
        ({"weights": []}, r"need 1 weight matrices and bias columns, got 0 and 1"),
    ],
)
def test_save_state_checks_what_it_writes(tmp_path, change, message):
    rng = np.random.default_rng(0)
    fields = dict(
        sizes=[3, 2], activation="sigmoid", output_activation="sigmoid",
        cost="quadratic", init="standard", dtype=np.dtype(np.float64),
        weights=[np.zeros((2, 3))], biases=[np.zeros((2, 1))],
        rng_state=rng.bit_generator.state,
    ) | change  # fmt: skip
    with pytest.raises(ValueError, match=message):
        saving.save_state(saving.NetworkState(**fields), tmp_path / "s.npz")
    assert os.listdir(tmp_path) == []


def test_generator_from_state_refuses_what_is_not_a_state():
    with pytest.raises(ValueError, match=r"'rng_state' is not a PCG64 generator state"):
        saving.generator_from_state({"bit_generator": "PCG64"})


def test_the_loaded_generator_continues_where_the_saved_one_stopped(tmp_path):
    net = bp4.Network([2, 2], seed=7)
    net.rng.random(5)
    net.save(tmp_path / "n.npz")
    expected = net.rng.random(3)
    loaded = bp4.Network.load(tmp_path / "n.npz")
    np.testing.assert_array_equal(loaded.rng.random(3), expected)
