"""Text from outside bp4, made safe to show: on a terminal, in HTML, in Markdown.

Names of custom activations and costs, file names, what a server sends:
bp4 did not write them, so it shows them through these functions and never
raw. :func:`printable` is for the terminal and error messages, the others
for notebooks' rich displays.
"""

from __future__ import annotations

import codecs
import contextlib
import html
import re
from typing import Any

# The longest piece of outside text a message quotes, in characters.
MAX_QUOTED = 200

# C0 and C1 control characters and DEL (ESC starts the sequences that clear
# a screen or retitle a terminal), and the bidirectional overrides that
# reorder what a reader sees.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: Any, limit: int = MAX_QUOTED) -> str:
    r"""``text`` with every control character escaped (``\x1b``) and at most
    ``limit`` characters, longer text cut with ``…``.

    Undecodable bytes of a file name (``surrogateescape``) are escaped too.
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8", "backslashreplace")
    text = _without_surrogates(str(text))
    text = _UNPRINTABLE.sub(lambda m: repr(m[0])[1:-1], text)
    if len(text) > limit:
        text = text[: max(limit - 1, 0)] + "…"
    return text


def _without_surrogates(text: str) -> str:
    """Undecodable bytes of a file name, which Python holds as lone
    surrogates that no terminal can encode, as ``\\xe9``."""
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that is not an undecodable byte
        raw = text.encode("utf-8", "backslashreplace")
    return raw.decode("utf-8", "backslashreplace")


def name_of(obj: Any) -> str:
    """An activation's or cost's ``name``, or its class's name if it has none."""
    name = getattr(obj, "name", None)
    return str(name) if isinstance(name, str) and name else type(obj).__name__


def escape_html(text: Any) -> str:
    """``text`` as HTML text: ``<``, ``>``, ``&`` and quotes as entities, and
    printable (:func:`printable`, without a length limit)."""
    return html.escape(printable(text, limit=10**6), quote=True)


# Characters that mean something in Markdown (CommonMark's ASCII punctuation
# that a backslash may escape), escaped so a name shows as written.
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$&:\"'=])")


def escape_markdown(text: Any) -> str:
    """``text`` as literal Markdown text: its punctuation backslash-escaped,
    and HTML in it shown, not rendered."""
    return _MARKDOWN.sub(r"\\\1", printable(text, limit=10**6))


# -- a terminal that cannot show everything ----------------------------------

# What the text's symbols read as in ASCII, for a terminal whose encoding
# lacks them (latin-1, ASCII): readable, never an error. Operators that sit
# between aligned columns stay one character wide.
ASCII_FALLBACK = {
    "δ": "delta", "σ": "sigma", "′": "'", "∇": "nabla", "∂": "d", "⊙": "*",
    "·": ".", "×": "x", "−": "-", "–": "-", "—": "-", "…": "...", "ε": "eps",
    "θ": "theta", "η": "eta", "λ": "lambda", "Σ": "sum", "²": "^2", "‖": "||",
    "≈": "~", "½": "1/2", "→": "->", "≤": "<=", "≥": ">=", "√": "sqrt",
    "“": '"', "”": '"', "‘": "'", "’": "'",
}  # fmt: skip
ERRORS = "bp4-readable"


def _readable(error: UnicodeError) -> tuple[str, int]:
    """The codec error handler :data:`ERRORS`: ASCII for the text's symbols,
    ``\\xe9`` for an undecodable byte of a file name, ``?`` for the rest."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    out = []
    for c in error.object[error.start : error.end]:
        if "\udc80" <= c <= "\udcff":
            out.append(f"\\x{ord(c) - 0xDC00:02x}")
        else:
            out.append(ASCII_FALLBACK.get(c, "?"))
    return "".join(out), error.end


codecs.register_error(ERRORS, _readable)


def readable_streams(*streams: Any) -> None:
    """Make each text stream replace what its encoding cannot show (:data:`ERRORS`)."""
    for stream in streams:
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors=ERRORS)
