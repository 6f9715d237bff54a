"""How the teaching tools' results show themselves: HTML tables and figures.

The classes own the methods (``Walkthrough.plot``, ``GradientCheck._repr_html_``);
this module holds what they draw with. matplotlib (the ``plot`` extra) is
imported only when a figure is asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..history_display import html_table, new_figure

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from .gradcheck import GradientCheck
    from .walkthrough import Walkthrough


# -- gradient check ------------------------------------------------------------


def gradient_check_html(check: GradientCheck) -> str:
    """One row per layer: the relative errors of ∂C/∂w^l and ∂C/∂b^l, and their reading.

    An empty check is an empty table that says so.
    """
    rows = [
        [str(e.layer), f"{e.weights:.2e}", f"{e.biases:.2e}", e.reading] for e in check
    ]
    caption = "Gradient check: " + check.summary(",")
    if check.too_small:
        caption += "; " + check.too_small_note()
    header = ["layer l", "∂C/∂w<sup>l</sup>", "∂C/∂b<sup>l</sup>", "reading"]
    return html_table(header, rows, caption)


# -- the walk-through as a picture ---------------------------------------------


def neuron_positions(sizes: Sequence[int]) -> list[np.ndarray]:
    """(x, y) of each neuron: layer l at x = l, its neurons centred on y = 0, j = 1 on top."""
    return [
        np.column_stack([np.full(n, l + 1.0), (n - 1) / 2 - np.arange(n)])
        for l, n in enumerate(sizes)
    ]


def plot_walkthrough(walk: Walkthrough, ax: Axes | None = None) -> Figure:
    """The network: neurons coloured by δ^l_j, connections by ∂C/∂w^l_{jk}.

    Into ``ax`` if given, else into a new Figure that pyplot does not hold
    (:func:`bp4.history_display.new_figure`), so that a notebook cell ending
    in ``walk.plot()`` shows it once. Both colour scales are diverging and centred on 0, so a neuron or a
    connection that would not move is white. The input layer has no δ and is
    drawn grey. Each neuron is labelled with its δ^l_j.
    """
    from matplotlib.collections import LineCollection
    from matplotlib.colors import CenteredNorm

    fig: Any  # ours, or the Figure (or SubFigure) holding the caller's ax
    if ax is None:
        height = max(3.0, 0.9 * max(walk.sizes) + 1.2)
        width = max(6.0, 2.2 * len(walk.sizes) + 2.5)
        fig = new_figure(figsize=(width, height), layout="constrained")
        ax = fig.subplots()
    else:
        fig = ax.figure
    at = neuron_positions(walk.sizes)

    # Connection w^l_{jk} joins neuron k of layer l−1 to neuron j of layer l.
    segments, gradients = [], []
    for i, nabla in enumerate(walk.nabla_w):
        for j, k in np.ndindex(nabla.shape):
            segments.append([at[i][k], at[i + 1][j]])
            gradients.append(nabla[j, k])
    grad = np.asarray(gradients)
    edges = LineCollection(
        segments,
        array=grad,
        cmap="PuOr_r",
        norm=CenteredNorm(0.0, float(np.abs(grad).max()) or 1.0),
        linewidths=1.0 + 4.0 * np.abs(grad) / (np.abs(grad).max() or 1.0),
        zorder=1,
    )
    ax.add_collection(edges)

    delta = np.concatenate([d[:, 0] for d in walk.deltas])
    hidden_and_output = np.concatenate(at[1:])
    neurons = ax.scatter(
        hidden_and_output[:, 0],
        hidden_and_output[:, 1],
        c=delta,
        cmap="RdBu_r",
        norm=CenteredNorm(0.0, float(np.abs(delta).max()) or 1.0),
        s=900,
        edgecolors="black",
        zorder=2,
    )
    ax.scatter(
        at[0][:, 0], at[0][:, 1], c="lightgrey", s=900, edgecolors="black", zorder=2
    )
    # Dark text on pale neurons, white on the deeply coloured ones.
    pale = np.abs(delta) < 0.6 * (np.abs(delta).max() or 1.0)
    for (x, y), value, is_pale in zip(hidden_and_output, delta, pale):
        ax.annotate(
            f"{value:.2g}",
            (x, y),
            ha="center",
            va="center",
            fontsize=7,
            color="black" if is_pale else "white",
            zorder=3,
        )
    for (x, y), value in zip(at[0], walk.x[:, 0]):
        ax.annotate(
            f"x={value:.2g}", (x, y), ha="center", va="center", fontsize=7, zorder=3
        )

    L = walk.num_layers
    ax.set_xticks(range(1, L + 1), [f"$l = {l}$" for l in range(1, L + 1)])
    ax.set_yticks([])
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    top = (max(walk.sizes) - 1) / 2 + 0.7
    ax.set(xlim=(0.5, L + 0.5), ylim=(-top, top))
    ax.set_title(
        f"Backpropagation on one sample: C = {walk.C:.4g}\n"
        f"sizes {walk.sizes}, {walk.activation.name}, {walk.cost.name} cost, "
        f"seed {walk.seed}",
        fontsize=10,
    )
    fig.colorbar(neurons, ax=ax, label=r"neuron: $\delta^l_j$", shrink=0.8)
    fig.colorbar(
        edges, ax=ax, label=r"connection: $\partial C/\partial w^l_{jk}$", shrink=0.8
    )
    return fig
