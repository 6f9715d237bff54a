"""Frames as a self-contained HTML player: matplotlib's ``to_jshtml``, offline.

matplotlib's player embeds every frame as a PNG and its controls as plain
HTML and JavaScript, so it needs no server and no widget library; but its
buttons draw their icons from Font Awesome on a CDN. :func:`offline_jshtml`
drops that link and writes each icon as a character, so the same player
works without a network in a notebook, in the docs and on a projector.
:func:`html_page` wraps it in a page of its own, with ``#step=N`` in the
address opening frame N (counted from 1).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

from ..history_display import pyplot

# Font Awesome's icon class -> a character every font has (the buttons also
# carry a title and an aria-label that say what they do).
ICONS = {
    "fa-minus": "−",
    "fa-fast-backward": "⇤",
    "fa-step-backward": "‹",
    "fa-play fa-flip-horizontal": "◀",
    "fa-pause": "❙❙",
    "fa-play": "▶",
    "fa-step-forward": "›",
    "fa-fast-forward": "⇥",
    "fa-plus": "+",
}


FIT = (
    "<style>.animation { max-width: 100%; } "
    ".animation img { max-width: 100%; height: auto; } "
    "input[type=range].anim-slider { max-width: 100%; }</style>\n"
)


def play(fig: Any, draw: Callable[[int], Any], frames: int, interval: int) -> str:
    """``draw(i)`` for each frame i of ``fig``, as an offline player; closes ``fig``."""
    from matplotlib.animation import FuncAnimation

    player = FuncAnimation(fig, draw, frames=frames, interval=interval, repeat=False)
    try:
        return offline_jshtml(player)
    finally:
        pyplot().close(fig)


def offline_jshtml(animation: Any, default_mode: str = "once") -> str:
    """``animation.to_jshtml()`` without its one external URL (the icon font).

    Every frame is kept: matplotlib would drop the frames past its
    ``animation.embed_limit`` (20 MB) with only a log message.
    """
    import matplotlib as mpl

    limit = max(float(mpl.rcParams["animation.embed_limit"]), 200.0)
    with mpl.rc_context({"animation.embed_limit": limit}):
        text = animation.to_jshtml(default_mode=default_mode)
    text = re.sub(r"<link[^>]*font-awesome[^>]*>", "", text)
    for icon, glyph in ICONS.items():
        text = text.replace(f'<i class="fa {icon}"></i>', glyph)
    # The frames shrink to the width of a notebook cell or a docs page.
    text = FIT + text
    if "http://" in text or "https://" in text or 'class="fa ' in text:
        # A new matplotlib changed its player: say so rather than ship a page
        # that reaches for the network.
        raise RuntimeError("matplotlib's to_jshtml player links outside the page")
    return text


# Opens the frame named in the address (#step=3), and lets the arrow keys step.
_KEYS = """<script>
(function () {
  // matplotlib makes its player once the page has been parsed (setTimeout 0).
  function player() {
    for (var name in window) {
      if (/^anim[0-9a-f]+$/.test(name) && window[name] && window[name].set_frame) {
        return window[name];
      }
    }
    return null;
  }
  function start(tries) {
    var anim = player();
    if (!anim) {
      if (tries > 0) { setTimeout(function () { start(tries - 1); }, 20); }
      return;
    }
    var match = /step=(\\d+)/.exec(window.location.hash);
    if (match) {
      anim.set_frame(Math.max(0, Math.min(anim.frames.length, +match[1]) - 1));
    }
    document.addEventListener("keydown", function (event) {
      if (event.key === "ArrowRight" || event.key === " ") { anim.next_frame(); }
      if (event.key === "ArrowLeft") { anim.previous_frame(); }
    });
    document.body.dataset.ready = "yes";
  }
  start(100);
})();
</script>"""


def html_page(title: str, body: str) -> str:
    """One self-contained page: ``body`` (a player) under a heading, nothing fetched."""
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n"
        "<style>body { font-family: sans-serif; margin: 1em; text-align: center; }"
        " .animation img { max-width: 100%; height: auto; }"
        " .anim-buttons button { font-size: 1.1em; min-width: 2.5em; }</style>\n"
        "</head>\n<body>\n"
        f'<h1 style="font-size: 1.3em">{html.escape(title)}</h1>\n'
        f"{body}\n"
        '<p style="color: #555">← and → step through the frames.</p>\n'
        f"{_KEYS}\n</body>\n</html>\n"
    )
