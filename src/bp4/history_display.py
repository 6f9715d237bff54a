"""How a training :class:`~bp4.training.History` shows itself: an HTML table and plots.

The core's own objects draw with what is here, so that they never import a
teaching module; matplotlib (the ``plot`` extra) is imported only when a
figure is asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .text import escape_html

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from .training import EpochRecord


def pyplot() -> Any:
    """``matplotlib.pyplot``, or an ImportError that says how to install it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as error:
        raise ImportError(
            'plotting needs matplotlib: pip install "bp4[plot]"'
        ) from error
    return plt


def new_figure(**kwargs: Any) -> Figure:
    """A new matplotlib Figure, shown once in a notebook and by ``plt.show()`` in a script.

    A notebook's inline backend shows every figure pyplot still holds when
    the cell ends, and then the Figure the cell returned: the same figure
    twice. There the figure is made by pyplot (so that the notebook knows how
    to show it) and let go of at once, so it is shown once, as the cell's
    result. Elsewhere pyplot keeps it, so that ``plt.show()`` shows it in a
    window; ``fig.savefig`` writes it either way. To draw into a figure of
    your own, pass ``ax=``.
    """
    plt = pyplot()
    fig = plt.figure(**kwargs)
    if "inline" in plt.get_backend():
        plt.close(fig)
    return fig


def html_table(header: Sequence[str], rows: Sequence[Sequence[str]], title: str) -> str:
    """A title line above a plain HTML table; ``header`` is HTML, the cells are text.

    The title and cells are escaped (:func:`bp4.text.escape_html`): they may
    hold names bp4 did not write.
    """
    th = 'style="text-align:right; padding:0.2em 0.8em"'
    cell = 'style="text-align:right; padding:0.2em 0.8em; white-space:nowrap"'
    head = "".join(f"<th {th}>{h}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td {cell}>{escape_html(c)}</td>" for c in row) + "</tr>"
        for row in rows
    )
    return (
        f"<div><p>{escape_html(title)}</p><table>"
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
    (
        "test cost",
        None,
        lambda r: "" if r.test_cost is None else f"{r.test_cost:.4f}",
    ),
    ("test accuracy", lambda r: r.total, lambda r: _percent(r.correct, r.total)),
]


def history_html(records: Sequence[EpochRecord], title: str) -> str:
    """One row per epoch: the training cost, each cost and accuracy measured, the seconds.

    Only the columns that were measured are shown: a regression run, with no
    classes, has no accuracy column. An accuracy's heading says how many
    samples it counts.
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
    fig = new_figure(figsize=(10 if accuracies else 5, 3.6), layout="constrained")
    axes = fig.subplots(1, 1 + bool(accuracies), squeeze=False)
    cost_ax = axes[0, 0]
    cost_ax.plot(epochs, [r.cost for r in records], marker=".", label="training")
    for label, attribute in (("validation", "validation_cost"), ("test", "test_cost")):
        if any(getattr(r, attribute) is not None for r in records):
            values = [getattr(r, attribute) for r in records]
            costs = [np.nan if v is None else v for v in values]
            cost_ax.plot(epochs, costs, marker=".", label=label)
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
