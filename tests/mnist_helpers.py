"""Small MNIST-shaped IDX files written by the tests, and a local HTTP server.

No test touches the internet: downloads are served from 127.0.0.1.
"""

from __future__ import annotations

import gzip
import hashlib
import http.server
import socket
import struct
import threading
from pathlib import Path

import numpy as np

NAMES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}


def idx_images(images: np.ndarray, magic: int = 2051) -> bytes:
    """An IDX file of ``images``, uint8 of shape (n, rows, cols)."""
    n, rows, cols = images.shape
    return (
        struct.pack(">IIII", magic, n, rows, cols) + images.astype(np.uint8).tobytes()
    )


def idx_labels(labels: np.ndarray, magic: int = 2049) -> bytes:
    """An IDX file of ``labels``, shape (n,)."""
    return (
        struct.pack(">II", magic, len(labels)) + np.asarray(labels, np.uint8).tobytes()
    )


def fake_mnist(n_train: int = 12, n_test: int = 5, seed: int = 0) -> dict:
    """Random images and labels for the four files, by role."""
    rng = np.random.default_rng(seed)
    return {
        "train_images": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "train_labels": rng.integers(0, 10, n_train, dtype=np.uint8),
        "test_images": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "test_labels": rng.integers(0, 10, n_test, dtype=np.uint8),
    }


def file_bytes(arrays: dict) -> dict[str, bytes]:
    """The uncompressed IDX bytes of each standard file name."""
    return {
        NAMES[role]: (idx_images if "images" in role else idx_labels)(array)
        for role, array in arrays.items()
    }


def write_mnist(
    directory: Path, arrays: dict, gz: bool = False, dotted: bool = False
) -> dict[str, Path]:
    """Write the four files into ``directory``; returns their paths by role."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = {}
    for role, name in NAMES.items():
        data = file_bytes({role: arrays[role]})[name]
        if dotted:
            name = name.replace("-idx", ".idx")
        if gz:
            name, data = name + ".gz", gzip.compress(data, mtime=0)
        paths[role] = directory / name
        paths[role].write_bytes(data)
    return paths


def gz_files(arrays: dict) -> dict[str, bytes]:
    """``name.gz`` → gzip bytes, as a mirror serves them."""
    return {
        name + ".gz": gzip.compress(data, mtime=0)
        for name, data in file_bytes(arrays).items()
    }


def md5s(files: dict[str, bytes]) -> dict[str, str]:
    return {name: hashlib.md5(data).hexdigest() for name, data in files.items()}


class Mirror:
    """An HTTP server on 127.0.0.1 serving ``files``; ``faults[name]`` misbehaves:

    "truncated": promises the full length, sends half, closes the connection;
    "reset": sends half, then resets the connection (TCP RST);
    "hang": sends nothing until the test ends (for timeouts);
    "404": not found;
    "endless": no Content-Length, and 64 MiB of zeros (endless, for a client);
    "huge": announces a Content-Length of 10**12, then sends the file;
    "drip": one byte every 50 ms until the test ends;
    "redirect": redirects to itself, forever.
    Every request's path is recorded in ``requests``.
    """

    def __init__(self, files: dict[str, bytes], faults: dict[str, str] | None = None):
        self.files, self.faults = files, dict(faults or {})
        self.requests: list[str] = []
        self.release = threading.Event()
        mirror = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (the name http.server calls)
                name = self.path.rsplit("/", 1)[-1]
                mirror.requests.append(name)
                fault = mirror.faults.get(name)
                if fault == "hang":
                    mirror.release.wait(10)
                    return
                if name not in mirror.files or fault == "404":
                    self.send_error(404)
                    return
                if fault == "redirect":
                    self.send_response(302)
                    self.send_header("Location", self.path)
                    self.end_headers()
                    return
                body = mirror.files[name]
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                if fault == "huge":
                    self.send_header("Content-Length", str(10**12))
                elif fault != "endless":
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if fault == "endless":
                    for _ in range(1024):  # the client stops long before
                        self.wfile.write(bytes(1 << 16))
                    return
                if fault == "drip":
                    for i in range(len(body)):
                        self.wfile.write(body[i : i + 1])
                        self.wfile.flush()
                        if mirror.release.wait(0.05):
                            return
                    return
                if fault in ("truncated", "reset"):
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    if fault == "reset":
                        # Linger 0, then close: the kernel sends RST, not FIN.
                        self.connection.setsockopt(
                            socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                        )
                        self.wfile.close()
                        self.rfile.close()
                        self.connection.close()
                    self.close_connection = True
                    return
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        class Server(http.server.ThreadingHTTPServer):
            def handle_error(self, request, client_address):
                pass  # a client that gave up (timeout test) is expected

        self.server = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/mnist/"
        # A short poll interval: shutdown() waits for the next poll.
        self.thread = threading.Thread(
            target=self.server.serve_forever, args=(0.01,), daemon=True
        )
        self.thread.start()

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


def closed_port_url() -> str:
    """A URL on 127.0.0.1 where nothing listens: connections are refused at once."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/mnist/"
