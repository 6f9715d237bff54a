"""Reading a saved network's ``.npz`` archive without trusting it.

:func:`bp4.files.saving.load_state` reads through :class:`_NpzReader`, which never
runs code and never allocates arrays larger than the file: it checks the
archive's member names first; then it reads each array's ``.npy`` header
before its data, and reads the data only when the zip entry holding it is
stored uncompressed inside the file and holds exactly the bytes its header
declares (a compressed "zip bomb" is refused unread). It opens only regular
files: a FIFO or a device is refused, never read. Which names, shapes and
dtypes a saved network has is :mod:`bp4.files.saving`'s to say.
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import stat
import struct
import zipfile
import zlib
from collections.abc import Iterator
from typing import IO, Any, cast

import numpy as np

MAX_TEXT = 4096  # characters in a stored name or the JSON generator state
CHUNK = 1 << 20  # bytes read at a time


class _NpzReader:
    """Reads one archive's arrays, each header checked before its data is read.

    A subclass says which entry names its archives may hold (:meth:`is_member_name`).
    """

    def __init__(
        self,
        archive: zipfile.ZipFile,
        path: str,
        file_size: int,
        open_files: contextlib.ExitStack,
    ) -> None:
        self.archive, self.path, self.open_files = archive, path, open_files
        self.members = self._members(file_size)
        # Entries whose header has been read: (file, shape, fortran order, dtype).
        self.opened: dict[
            str, tuple[io.BufferedIOBase, tuple[int, ...], bool, np.dtype]
        ] = {}

    def is_member_name(self, key: str) -> bool:
        """Whether an archive may hold an array named ``key``."""
        raise NotImplementedError

    def _members(self, file_size: int) -> dict[str, zipfile.ZipInfo]:
        """The archive's entries by array name, once each is a plain stored ``.npy``."""
        members: dict[str, zipfile.ZipInfo] = {}
        for info in self.archive.infolist():
            key = info.filename.removesuffix(".npy")
            if key == info.filename or not self.is_member_name(key):
                raise _RefusedError(
                    f"{self.path} is not a network saved by bp4: it holds "
                    f"{_short(info.filename)}, which a saved network never has"
                )
            if key in members:
                raise _RefusedError(
                    f"{self.path} is not a network saved by bp4: it holds "
                    f"{info.filename!r} twice"
                )
            if info.compress_type != zipfile.ZIP_STORED or info.flag_bits & 0x1:
                raise _RefusedError(
                    f"{self.path} is not a network saved by bp4: {info.filename!r} is "
                    f"compressed or encrypted (bp4 stores arrays as they are)"
                )
            members[key] = info
            if info.compress_size != info.file_size:  # stored: the same bytes
                raise _RefusedError(
                    f"{self.path} is not a network saved by bp4: {info.filename!r} "
                    f"claims to hold {info.file_size} bytes in {info.compress_size}"
                )
        # Stored entries hold their bytes inside the file, side by side: more
        # than the file's size means entries that overlap or lie about it.
        declared = sum(info.compress_size for info in members.values())
        if declared > file_size:
            raise _RefusedError(
                f"{self.path} is not a network saved by bp4: its zip entries claim "
                f"{declared} bytes, more than the file's {file_size}"
            )
        return members

    # -- one array at a time --------------------------------------------------

    def header(self, key: str) -> tuple[tuple[int, ...], np.dtype]:
        """The shape and dtype array ``key``'s header declares; its data is not read.

        The entry stays open just past its header, for :meth:`read`.
        """
        if key not in self.members:
            raise _RefusedError(
                f"{self.path} has no {key!r} array, which a network saved by bp4 "
                f"has (it has {sorted(self.members)})"
            )
        member = self.archive.open(self.members[key])  # a ZipExtFile
        f = self.open_files.enter_context(cast(io.BufferedIOBase, member))
        version = np.lib.format.read_magic(f)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(f)
        elif version == (2, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(f)
        else:
            raise _RefusedError(
                f"{self.path} is not a network saved by bp4: {key!r} has .npy "
                f"format version {version}"
            )
        self.opened[key] = (f, shape, fortran, dtype)
        return shape, dtype

    def check_header(self, key: str, shape: tuple[int, ...], dtype: np.dtype) -> None:
        found, found_dtype = self.header(key)
        if found != shape:
            raise _RefusedError(
                f"{self.path}: {key} has shape {found}; expected {shape}"
            )
        if found_dtype.newbyteorder("=") != dtype:
            raise _RefusedError(
                f"{self.path}: {key} has dtype {found_dtype}; expected {dtype}"
            )

    def read(self, key: str) -> np.ndarray:
        """The data of array ``key``, whose header :meth:`header` read and a caller checked.

        The zip entry must hold exactly the bytes the header declares, and is
        stored within the file (see :meth:`_members`): so the array allocated
        here is never larger than the file.
        """
        f, shape, fortran, dtype = self.opened.pop(key)
        size = math.prod(shape) * dtype.itemsize
        if f.tell() + size != self.members[key].file_size:
            raise _RefusedError(
                f"{self.path} is not a network saved by bp4: {key!r} has "
                f"{self.members[key].file_size - f.tell()} bytes of data; its header "
                f"says {size}"
            )
        array = np.empty(shape, dtype, order="F" if fortran else "C")
        data = array.reshape(-1, order="A").view(np.uint8).data  # its bytes, in place
        for start in range(0, size, CHUNK):
            chunk = data[start : start + CHUNK]
            if f.readinto(chunk) != len(chunk):
                raise EOFError(f"{key!r} is cut short")
        f.read(1)  # at the end: the zip reader checks the CRC-32 here
        return array

    def text(self, key: str) -> str:
        shape, dtype = self.header(key)
        if dtype.hasobject:
            raise _RefusedError(
                f"{self.path} is not a network saved by bp4: {key!r} holds Python "
                f"objects (a pickle), which bp4 never loads"
            )
        if shape != () or dtype.kind != "U" or dtype.itemsize > 4 * MAX_TEXT:
            raise _RefusedError(
                f"{self.path}: {key!r} must be a string of at most {MAX_TEXT} "
                f"characters, got an array of dtype {dtype} and shape {shape}"
            )
        value = str(self.read(key))
        if not value:
            raise _RefusedError(f"{self.path}: {key!r} is empty; expected a name")
        return value

    def integers(self, key: str, shape: tuple[int, ...] | None) -> np.ndarray:
        """An integer array of ``shape`` (None: any 1-D shape no longer than the file)."""
        found, dtype = self.header(key)
        one_d = shape is None and len(found) == 1 and found[0] <= len(self.members)
        if not (found == shape or one_d) or dtype.kind not in "iu":
            expected = "a 1-D array of integers" if shape is None else "an integer"
            raise _RefusedError(
                f"{self.path}: {key!r} must be {expected}, got dtype {dtype} and "
                f"shape {found}"
            )
        return self.read(key).astype(np.int64)


# -- files and errors ----------------------------------------------------------------------------


@contextlib.contextmanager
def _open_regular_file(name: str) -> Iterator[IO[bytes]]:
    """``name`` opened for reading, once it is known to be a regular file.

    Checked before opening, so a FIFO or a device is never opened, and again
    after (it may have been swapped), on a descriptor opened non-blocking so
    that even then a FIFO cannot block.
    """
    _check_regular(name, os.stat(name).st_mode)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(name, flags)
    try:
        _check_regular(name, os.fstat(fd).st_mode)
        f = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    with f:
        yield f


def _check_regular(name: str, mode: int) -> None:
    if not stat.S_ISREG(mode):
        raise ValueError(
            f"{name} is not a network saved by bp4: it is {_kind(mode)}, not a "
            f"regular file"
        )


def _kind(mode: int) -> str:
    kinds = [
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ]
    return next((kind for test, kind in kinds if test(mode)), "not a regular file")


# What zipfile and numpy.lib.format raise on a damaged archive, turned by
# load_state into one ValueError naming the file: zlib.error,
# EOFError, OSError (EINVAL, a seek before the start), NotImplementedError (an
# unknown compression), RuntimeError (encryption), OverflowError, struct's
# errors and ValueError (bad headers) among them.
_DAMAGE = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    NotImplementedError,
    RuntimeError,
    OverflowError,
    SyntaxError,
    struct.error,
)


class _RefusedError(ValueError):
    """A check of :func:`load_state` failed; the message names the file."""


def _short(value: Any, limit: int = 120) -> str:
    """One line of at most ``limit`` characters: an exception's message or a repr."""
    if isinstance(value, BaseException):
        text = str(value) or type(value).__name__
    else:
        text = repr(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
