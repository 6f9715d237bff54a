"""How bp4's results show themselves: HTML tables for notebooks, and figures.

The classes own the methods (``History._repr_html_``, ``Walkthrough.plot``
and so on); this module holds what they draw with, so that the core never
imports matplotlib. matplotlib (the ``plot`` extra) is imported only when a
figure is asked for.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from .gradcheck import GradientCheck
    from .training import EpochRecord
    from .walkthrough import Walkthrough


def pyplot() -> Any:
    """``matplotlib.pyplot``, or an ImportError that says how to install it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as error:
        raise ImportError(
            'plotting needs matplotlib: pip install "bp4[plot]"'
        ) from error
    return plt


def html_table(header: Sequence[str], rows: Sequence[Sequence[str]], title: str) -> str:
    """A title line above a plain HTML table; ``header`` is HTML, the cells are text."""
    th = 'style="text-align:right; padding:0.2em 0.8em"'
    cell = 'style="text-align:right; padding:0.2em 0.8em; white-space:nowrap"'
    head = "".join(f"<th {th}>{h}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td {cell}>{html.escape(c)}</td>" for c in row) + "</tr>"
        for row in rows
    )
    return (
        f"<div><p>{html.escape(title)}</p><table>"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


# -- training history --------------------------------------------------------


def _percent(part: int | None, whole: int | None) -> str:
    return "" if part is None or not whole else f"{100 * part / whole:.1f}%"


# Each column: its heading, the record's count of samples (for the heading),
# and the cell's text.
HISTORY_COLUMNS: list[tuple[str, Any, Any]] = [
    ("training cost", None, lambda r: f"{r.cost:.4f}"),
    (
        "training accuracy",
        lambda r: r.training_total,
        lambda r: _percent(r.training_correct, r.training_total),
    ),
    (
        "validation cost",
        None,
        lambda r: "" if r.validation_cost is None else f"{r.validation_cost:.4f}",
    ),
    (
        "validation accuracy",
        lambda r: r.validation_total,
        lambda r: _percent(r.validation_correct, r.validation_total),
    ),
    ("test accuracy", lambda r: r.total, lambda r: _percent(r.correct, r.total)),
]


def history_html(records: Sequence[EpochRecord], title: str) -> str:
    """One row per epoch: the training cost, each accuracy measured, the seconds.

    An accuracy's heading says how many samples it counts.
    """
    header, cells = ["epoch"], []
    for name, total, cell in HISTORY_COLUMNS:
        if any(cell(r) for r in records):
            count = total(records[-1]) if total else None
            header.append(name if count is None else f"{name}<br>(of {count})")
            cells.append(cell)
    rows = [
        [str(r.epoch), *(cell(r) for cell in cells), f"{r.seconds:.2f}"]
        for r in records
    ]
    return html_table([*header, "seconds"], rows, title)


def plot_history(records: Sequence[EpochRecord]) -> Figure:
    """The costs on the left, the accuracies (if any were measured) on the right."""
    if not records:
        raise ValueError("history is empty: there are no epochs to plot")
    plt = pyplot()
    from matplotlib.ticker import MaxNLocator

    epochs = [r.epoch for r in records]
    accuracies = {
        label: [getattr(r, attribute) for r in records]
        for label, attribute in (
            ("training", "training_accuracy"),
            ("validation", "validation_accuracy"),
            ("test", "accuracy"),
        )
        if any(getattr(r, attribute) is not None for r in records)
    }
    fig, axes = plt.subplots(
        1,
        1 + bool(accuracies),
        figsize=(10 if accuracies else 5, 3.6),
        layout="constrained",
        squeeze=False,
    )
    cost_ax = axes[0, 0]
    cost_ax.plot(epochs, [r.cost for r in records], marker=".", label="training")
    if any(r.validation_cost is not None for r in records):
        validation = [r.validation_cost for r in records]
        cost_ax.plot(epochs, validation, marker=".", label="validation")
    cost_ax.set(xlabel="epoch", ylabel="cost C", title="Cost")
    for ax in axes[0]:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    cost_ax.legend()
    if accuracies:
        accuracy_ax = axes[0, 1]
        for label, values in accuracies.items():
            percent = [np.nan if v is None else 100 * v for v in values]
            accuracy_ax.plot(epochs, percent, marker=".", label=label)
        accuracy_ax.set(xlabel="epoch", ylabel="accuracy (%)", title="Accuracy")
        accuracy_ax.legend()
    return fig


# -- gradient check ------------------------------------------------------------


def gradient_check_html(check: GradientCheck, reading: Any) -> str:
    """One row per layer: the relative errors of ∂C/∂w^l and ∂C/∂b^l, and their reading."""
    rows = [
        [
            str(e.layer),
            f"{e.weights:.2e}",
            f"{e.biases:.2e}",
            reading(max(e.weights, e.biases)),
        ]
        for e in check
    ]
    caption = (
        f"Gradient check: largest relative error {check.max_error:.2e}, "
        f"{reading(check.max_error)} (below 1e-7 good, above 1e-2 wrong)"
    )
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

    Both colour scales are diverging and centred on 0, so a neuron or a
    connection that would not move is white. The input layer has no δ and is
    drawn grey. Each neuron is labelled with its δ^l_j.
    """
    plt = pyplot()
    from matplotlib.collections import LineCollection
    from matplotlib.colors import CenteredNorm

    if ax is None:
        height = max(3.0, 0.9 * max(walk.sizes) + 1.2)
        width = max(6.0, 2.2 * len(walk.sizes) + 2.5)
        fig, ax = plt.subplots(figsize=(width, height), layout="constrained")
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
