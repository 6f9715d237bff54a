"""Downloads against servers that send what they like, and mirrors that are not files.

Every server is on 127.0.0.1, started by the test, and every wait is bounded.
"""

from __future__ import annotations

import fcntl
import os
import socket
import subprocess
import sys
import textwrap
import threading

import pytest
from mnist_helpers import Mirror, closed_port_url, fake_mnist, gz_files, md5s

from bp4.data import mnist
from bp4.data.digits import MnistUnavailableError, load_mnist

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX")


@pytest.fixture(autouse=True)
def offline(monkeypatch, tmp_path):
    monkeypatch.setattr(mnist, "MIRRORS", [closed_port_url()])
    monkeypatch.delenv("BP4_MNIST_MIRRORS", raising=False)
    monkeypatch.setenv("BP4_DATA", str(tmp_path / "cache"))
    monkeypatch.setenv("no_proxy", "*")


@pytest.fixture
def files(monkeypatch):
    files = gz_files(fake_mnist(n_train=12, n_test=5))
    monkeypatch.setattr(mnist, "MD5", md5s(files))
    monkeypatch.setattr(mnist, "SIZES", {n: len(d) for n, d in files.items()})
    return files


class RawServer:
    """A TCP server on 127.0.0.1 that answers every connection with ``reply``,
    one byte every ``drip`` seconds if given; counts the bytes it sent."""

    def __init__(self, reply: bytes, drip: float | None = None) -> None:
        self.reply, self.drip, self.sent = reply, drip, 0
        self.stop = threading.Event()
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.05)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/mnist/"
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                try:
                    conn.recv(65536)
                    if self.drip is None:
                        conn.sendall(self.reply)
                        self.sent += len(self.reply)
                        continue
                    for i in range(len(self.reply)):
                        if self.stop.wait(self.drip):
                            break
                        conn.sendall(self.reply[i : i + 1])
                        self.sent += 1
                except OSError:
                    pass

    def close(self) -> None:
        self.stop.set()
        self.thread.join(10)
        self.sock.close()


@pytest.fixture
def raw_server():
    servers = []

    def start(reply, drip=None):
        servers.append(RawServer(reply, drip))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def download_error(tmp_path, url) -> str:
    with pytest.raises(MnistUnavailableError) as info:
        load_mnist(tmp_path / "data", validation=2)
    message = str(info.value)
    assert "\n" not in message
    prefix = f"{url}train-images-idx3-ubyte.gz: "
    assert prefix in message, message
    return message[message.index(prefix) + len(prefix) :].split("); put the four")[0]


def test_a_server_dripping_its_headers_is_stopped_at_the_deadline(
    tmp_path, files, raw_server, monkeypatch
):
    # Before: the deadline was checked only between body chunks, so a server
    # sending a header byte every 0.4 s was waited on for as long as it liked.
    headers = b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"a" * 200 + b"\r\n\r\n"
    server = raw_server(headers, drip=0.4)
    monkeypatch.setattr(mnist, "MIRRORS", [server.url])
    monkeypatch.setattr(mnist, "DEADLINE", 1.5)
    reason = download_error(tmp_path, server.url)
    assert reason.startswith("gave up after 1.5 seconds")
    assert server.sent < len(headers)  # stopped long before the headers ended
    assert not (tmp_path / "data").exists() or os.listdir(tmp_path / "data") == []


@pytest.mark.parametrize(
    "reply, shown",
    [
        (
            b"HTTP/1.1 404 Not\x1b]0;owned\x07\x1b[2J Found\r\nContent-Length: 0\r\n\r\n",
            r"Not\x1b]0;owned\x07\x1b[2J Found",
        ),
        (b"\x1b[2J\x1b]0;owned\x07 HELLO\r\n\r\n", r"\x1b[2J\x1b]0;owned\x07"),
    ],
)
def test_what_a_server_sends_reaches_the_terminal_escaped(
    tmp_path, files, raw_server, monkeypatch, reply, shown
):
    # Before: the reason phrase or status line went raw into the message.
    server = raw_server(reply)
    monkeypatch.setattr(mnist, "MIRRORS", [server.url])
    reason = download_error(tmp_path, server.url)
    assert "\x1b" not in reason and "\x07" not in reason
    assert shown in reason


def test_a_long_reason_phrase_is_cut(tmp_path, files, raw_server, monkeypatch):
    server = raw_server(b"HTTP/1.1 500 " + b"x" * 5000 + b"\r\n\r\n")
    monkeypatch.setattr(mnist, "MIRRORS", [server.url])
    reason = download_error(tmp_path, server.url)
    assert len(reason) < 400 and "…" in reason


@posix_only
def test_a_local_mirror_whose_file_is_a_fifo_is_refused(tmp_path, files):
    # Before: open() of the FIFO waited for a writer for ever; run where a
    # hang is bounded.
    folder = tmp_path / "copy"
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    os.unlink(folder / "train-images-idx3-ubyte.gz")
    os.mkfifo(folder / "train-images-idx3-ubyte.gz")
    code = textwrap.dedent(
        f"""
        import bp4
        from bp4.data import mnist
        mnist.MD5, mnist.SIZES = {md5s(files)!r}, { ({n: len(d) for n, d in files.items()})!r}
        try:
            bp4.load_mnist({str(tmp_path / "data")!r}, validation=2)
        except OSError as error:
            print(error)
        """
    )
    env = {**os.environ, "BP4_MNIST_MIRRORS": folder.as_uri() + "/"}
    run = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert "train-images-idx3-ubyte.gz is not a regular file (a FIFO" in run.stdout, (
        run.stdout + run.stderr
    )


@posix_only
def test_a_part_file_a_killed_download_left_is_removed_by_the_next(
    tmp_path, files, monkeypatch
):
    # Before: SIGTERM during a download left .part files no later run removed.
    data = tmp_path / "data"
    data.mkdir()
    hung = Mirror(files, {"train-images-idx3-ubyte.gz": "hang"})
    try:
        code = textwrap.dedent(
            f"""
            import bp4
            from bp4.data import mnist
            mnist.MD5, mnist.SIZES = {md5s(files)!r}, { ({n: len(d) for n, d in files.items()})!r}
            bp4.load_mnist({str(data)!r}, validation=2)
            """
        )
        env = {**os.environ, "BP4_MNIST_MIRRORS": hung.url, "no_proxy": "*"}
        killed = subprocess.Popen([sys.executable, "-c", code], env=env)
        try:
            for _ in range(600):  # until its .part file exists (at most 60 s)
                if any(n.endswith(".part") for n in os.listdir(data)):
                    break
                hung.release.wait(0.1)
            killed.terminate()
        finally:
            killed.wait(60)
    finally:
        hung.close()
    left = [n for n in os.listdir(data) if n.endswith(".part")]
    assert len(left) == 1  # what SIGTERM leaves
    # A download of the same file by another process, still running: its
    # .part file is locked and must stay.
    busy = data / ".train-images-idx3-ubyte.gz.busy.part"
    holder = open(busy, "wb")  # noqa: SIM115
    fcntl.flock(holder, fcntl.LOCK_EX)
    good = Mirror(files)
    try:
        monkeypatch.setattr(mnist, "MIRRORS", [good.url])
        load_mnist(data, validation=2)
    finally:
        good.close()
        holder.close()
    assert sorted(n for n in os.listdir(data) if n.endswith(".part")) == [busy.name]
