"""The walk-through one algorithm step at a time: frames of the network and their equation.

:func:`frames` cuts a :class:`~bp4.teaching.walkthrough.Walkthrough` into the
steps of the text's algorithm: the input; the feedforward, layer by layer;
the cost and BP1; BP2, layer by layer; BP3 and BP4; and, if the walk-through
has an η, the update, layer by layer. Each :class:`Frame` names the quantities it shows on
the network (which neurons, coloured by which values; which connections) and
carries its equation with the numbers, the lines :mod:`bp4.teaching.layout`
prints for that step. :class:`Stepper` draws them with matplotlib and plays
them with matplotlib's own player (:mod:`bp4.teaching.animation`), offline.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..array import Array
from ..files.pages import write_page
from ..history_display import pyplot
from . import layout
from .animation import html_page, play

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from .walkthrough import Walkthrough


@dataclass(frozen=True)
class Frame:
    """One step of the algorithm, as the stepper shows it.

    ``neurons`` maps a layer l to the values its neurons are coloured by
    (named ``neuron_label``); ``edges`` is the layer l whose connections
    w^l_{jk} are highlighted, coloured by ``edge_values`` (named
    ``edge_label``). ``equation`` is the step's text with its numbers.
    """

    title: str
    equation: list[str]
    neurons: dict[int, Array]
    neuron_label: str
    edges: list[int]
    edge_values: dict[int, Array]
    edge_label: str


def frames(walk: Walkthrough) -> list[Frame]:
    """Every step of the algorithm on this walk-through, in the order it computes them."""
    L = walk.num_layers
    out = [
        Frame(
            "1. Input: a^1 = x",
            layout.input_step(walk),
            {1: walk.x[:, 0]},
            "a^1 = x",
            [],
            {},
            "",
        )
    ]
    for l in range(2, L + 1):
        out.append(
            Frame(
                f"2. Feedforward, l = {l}: z^{l} = w^{l} a^{l - 1} + b^{l}, "
                f"a^{l} = σ(z^{l})",
                layout.feedforward_layer(walk, l),
                {l - 1: walk.a(l - 1)[:, 0], l: walk.a(l)[:, 0]},
                f"a^{l - 1} and a^{l}",
                [l],
                {l: walk.w(l)},
                f"w^{l}",
            )
        )
    out.append(
        Frame(
            f"3–4. Cost C = {walk.C:.4g} and the output error (BP1), L = {L}",
            layout.cost_step(walk)[:2] + layout.output_error_step(walk),
            {L: walk.delta(L)[:, 0]},
            f"δ^{L}",
            [],
            {},
            "",
        )
    )
    for l in range(L - 1, 1, -1):
        out.append(
            Frame(
                f"5. Backpropagate the error (BP2), l = {l}: "
                f"δ^{l} = ((w^{l + 1})^T δ^{l + 1}) ⊙ σ'(z^{l})",
                layout.hidden_error_layer(walk, l),
                {l: walk.delta(l)[:, 0], l + 1: walk.delta(l + 1)[:, 0]},
                f"δ^{l + 1} and δ^{l}",
                [l + 1],
                {l + 1: walk.w(l + 1)},
                f"w^{l + 1}",
            )
        )
    every = list(range(2, L + 1))
    out.append(
        Frame(
            "6–7. Gradients (BP3 and BP4): ∂C/∂b^l = δ^l, ∂C/∂w^l = δ^l (a^{l-1})^T",
            layout.bias_gradient_step(walk) + layout.weight_gradient_step(walk),
            {l: walk.bias_gradient(l)[:, 0] for l in every},
            "∂C/∂b^l = δ^l",
            every,
            {l: walk.weight_gradient(l) for l in every},
            "∂C/∂w^l",
        )
    )
    if walk.eta is not None and walk.C_after is not None:
        for l in every:
            equation = layout.update_layer(walk, l)
            if l == L:
                equation.append(layout.cost_after_line(walk))
            out.append(
                Frame(
                    f"8. Update, l = {l}, η = {walk.eta:g}: w^{l} → w^{l} − η ∂C/∂w^{l}, "
                    f"b^{l} → b^{l} − η ∂C/∂b^{l}; C = {walk.C:.4g} → {walk.C_after:.4g}",
                    equation,
                    {l: walk.updated_b(l)[:, 0] - walk.b(l)[:, 0]},
                    f"change of b^{l}",
                    [l],
                    {l: walk.updated_w(l) - walk.w(l)},
                    f"change of w^{l}, −η ∂C/∂w^{l}",
                )
            )
    return out


class Stepper:
    """The frames of one walk-through, to step through in a notebook or on a page.

    A notebook shows it as matplotlib's player (first, previous, play, next,
    last, and a slider), with every frame embedded as an image, so it works
    offline. ``save_html(path)`` writes the same player as a page of its own.
    ``figure(i)`` draws frame i (from 0) as a matplotlib figure.
    """

    def __init__(self, walk: Walkthrough, interval: int = 2000, dpi: int = 100) -> None:
        self.walk = walk
        self.frames = frames(walk)
        self.interval = interval
        self.dpi = dpi

    def __len__(self) -> int:
        return len(self.frames)

    def __iter__(self) -> Iterator[Frame]:
        return iter(self.frames)

    def __repr__(self) -> str:
        return (
            f"<Stepper: {len(self)} steps of the walk-through, "
            f"{layout.describe_network(self.walk)}>"
        )

    def figure(self, i: int = 0) -> Figure:
        """Frame i (from 0) drawn: the network above, the equation with its numbers below."""
        fig, axes = self._figure()
        draw_frame(self.walk, self.frames[i], *axes)
        return fig

    def to_jshtml(self) -> str:
        """matplotlib's player of every frame, HTML with nothing fetched from outside."""
        fig, (diagram, equation) = self._figure()
        draw = lambda i: draw_frame(self.walk, self.frames[i], diagram, equation)  # noqa: E731
        return play(fig, draw, len(self.frames), self.interval)

    def _repr_html_(self) -> str:
        return self.to_jshtml()

    def save_html(self, path: str | os.PathLike) -> Path:
        """The player as one self-contained HTML page (no external URL), for a projector."""
        path = Path(path)
        title = f"Backpropagation step by step: {layout.describe_network(self.walk)}"
        return write_page(path, html_page(title, self.to_jshtml()))

    def _figure(self) -> tuple[Figure, tuple[Any, Any]]:
        plt = pyplot()
        fig, axes = plt.subplots(
            2,
            1,
            figsize=(12, 9.5),
            dpi=self.dpi,
            gridspec_kw={"height_ratios": [1.0, 1.25]},
        )
        fig.subplots_adjust(left=0.02, right=0.98, top=0.93, bottom=0.01, hspace=0.05)
        return fig, (axes[0], axes[1])


# matplotlib's own monospace font, so every machine draws the same; it has no
# ⋮ or ⋱, which the shortened matrices use, so the figure draws its nearest
# marks (a fallback font's wider ⋮ would break the columns' alignment).
MONOSPACE = "DejaVu Sans Mono"
GAPS = str.maketrans({"⋮": "┆", "⋱": "⋯"})


def positions(sizes: list[int]) -> list[np.ndarray]:
    """(x, y) of each neuron: layer l at x = l, j = 1 on top, a layer 12 high at most."""
    return [
        np.column_stack([np.full(n, l + 1.0), ((n - 1) / 2 - np.arange(n)) * gap])
        for l, (n, gap) in enumerate(zip(sizes, spacings(sizes)))
    ]


def spacings(sizes: list[int]) -> list[float]:
    """The distance between two neurons of each layer: 1, or less in a layer taller than 12."""
    return [1.0 if n <= 12 else 11.0 / (n - 1) for n in sizes]


def draw_frame(walk: Walkthrough, frame: Frame, diagram: Any, equation: Any) -> None:
    """Frame ``frame`` into the two axes: the network with its quantities, and the equation."""
    from matplotlib.collections import LineCollection
    from matplotlib.colors import CenteredNorm

    diagram.clear()
    equation.clear()
    at = positions(walk.sizes)
    tallest = max(walk.sizes)
    # Each neuron's disc as large as its layer's spacing allows.
    sizes = [max(10.0, 700.0 * gap**2) for gap in spacings(walk.sizes)]

    # Every connection faint; the frame's own coloured by their values.
    faint = [
        [at[i][k], at[i + 1][j]]
        for i, w in enumerate(walk.weights)
        for j, k in np.ndindex(w.shape)
        if i + 2 not in frame.edges
    ]
    diagram.add_collection(
        LineCollection(faint, colors="0.85", linewidths=0.5, zorder=1)
    )
    if frame.edges:
        segments, values = [], []
        for l in frame.edges:
            for j, k in np.ndindex(frame.edge_values[l].shape):
                segments.append([at[l - 2][k], at[l - 1][j]])
                values.append(frame.edge_values[l][j, k])
        v = np.asarray(values, dtype=float)
        scale = float(np.abs(v).max()) or 1.0
        diagram.add_collection(
            LineCollection(
                segments,
                array=v,
                cmap="PuOr_r",
                norm=CenteredNorm(0.0, scale),
                linewidths=0.6 + (3.0 if tallest <= 10 else 1.2) * np.abs(v) / scale,
                zorder=2,
            )
        )

    shown = np.concatenate(
        [frame.neurons[l] for l in sorted(frame.neurons)] or [np.zeros(1)]
    )
    scale = float(np.abs(shown).max()) or 1.0
    for l, xy in enumerate(at, start=1):
        if l in frame.neurons:
            coloured = np.asarray(frame.neurons[l], dtype=float)
            diagram.scatter(
                xy[:, 0], xy[:, 1], c=coloured, cmap="RdBu_r",
                norm=CenteredNorm(0.0, scale), s=sizes[l - 1], edgecolors="black",
                linewidths=1.5, zorder=3,
            )  # fmt: skip
            if len(coloured) <= 12:  # room for a label in each neuron
                for (x, y), value in zip(xy, coloured):
                    pale = abs(value) < 0.6 * scale
                    diagram.annotate(
                        f"{value:.2g}", (x, y), ha="center", va="center",
                        fontsize=8, color="black" if pale else "white", zorder=4,
                    )  # fmt: skip
        else:
            diagram.scatter(
                xy[:, 0], xy[:, 1], c="white", s=sizes[l - 1], edgecolors="0.6",
                linewidths=0.8, zorder=3,
            )  # fmt: skip

    L = walk.num_layers
    diagram.set_xticks(
        range(1, L + 1), [f"l = {l} ({n})" for l, n in enumerate(walk.sizes, 1)]
    )
    diagram.set_yticks([])
    for side in ("left", "right", "top"):
        diagram.spines[side].set_visible(False)
    top = max(abs(float(xy[:, 1].max())) for xy in at) + 0.8
    diagram.set(xlim=(0.5, L + 0.5), ylim=(-top, top))
    colours = f"neurons: {frame.neuron_label} (red +, blue −)"
    if frame.edges:
        colours += f";  connections: {frame.edge_label} (orange +, purple −)"
    diagram.set_title(f"{frame.title}\n{colours}", fontsize=11, loc="left")

    equation.axis("off")
    lines = [line.translate(GAPS) for line in frame.equation]
    width = max(len(line) for line in lines)
    # As large as fits: 10.8 inches of monospace across (0.6 em a character),
    # 4.6 inches down.
    fontsize = min(13.0, 10.8 * 72 / (0.61 * width), 4.6 * 72 / (1.3 * len(lines)))
    equation.text(
        0.0, 1.0, "\n".join(lines), family=MONOSPACE, fontsize=fontsize,
        va="top", ha="left", transform=equation.transAxes,
    )  # fmt: skip
