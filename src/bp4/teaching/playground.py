"""Watch a small network learn 2-D data: per epoch, its decision boundary, each hidden neuron, the cost.

:func:`playground` trains a :class:`bp4.Network` through :meth:`~bp4.Network.sgd`
(so every option of the network and of sgd applies, and a BP1–BP4 function
replaced in :mod:`bp4.backprop` trains here as everywhere) and, through
sgd's ``callback``, records after each epoch what the network computes over
a grid covering the data: the output a^L (its decision boundary, or for one
input the fitted curve), the activation of every hidden neuron, and the cost
and held-out accuracy. The :class:`PlaygroundRun` it returns plays the epochs
as matplotlib's player, offline (:mod:`bp4.teaching.animation`), and draws
the last one as a figure.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..array import Array
from ..data.digits import Dataset
from ..files.pages import write_page
from ..history_display import pyplot
from ..network import Network
from ..training import EpochRecord, History
from ..validation import check_count
from .animation import html_page, play

if TYPE_CHECKING:
    from matplotlib.figure import Figure


@dataclass(frozen=True)
class Snapshot:
    """What the network computed over the grid after one epoch (epoch 0: before training).

    ``output`` is a^L over the grid, shape (n_L, G); ``hidden[i]`` the
    activations of hidden layer l = i + 2, shape (n_l, G).
    """

    epoch: int
    cost: float  # the training cost of the epoch (at epoch 0, of the initial network)
    test_score: float  # held-out accuracy for classes, held-out cost for regression
    output: Array
    hidden: list[Array]


@dataclass
class PlaygroundRun:
    """A training run recorded epoch by epoch over a grid of the input plane (or line)."""

    data: Dataset
    net: Network
    grid: Array  # (n_1, G): the points the network was evaluated at
    shape: tuple[int, ...]  # the grid's shape, (rows, columns) in 2-D, (G,) in 1-D
    settings: str
    snapshots: list[Snapshot] = field(default_factory=list)
    history: History = field(default_factory=History)
    dpi: int = 64  # of the player's frames and of plot()

    @property
    def regression(self) -> bool:
        """Whether the targets are real values (a curve to fit), not classes."""
        return self.data.y_train.ndim == 2

    @property
    def test_accuracy(self) -> float | None:
        """The held-out accuracy after the last epoch, for classes."""
        return None if self.regression else self.snapshots[-1].test_score

    def __repr__(self) -> str:
        last = self.snapshots[-1]
        score = (
            f"held-out cost {last.test_score:.4g}"
            if self.regression
            else f"held-out accuracy {last.test_score:.1%}"
        )
        return (
            f"<PlaygroundRun: {self.settings}; epoch {last.epoch}: cost "
            f"{last.cost:.4g}, {score}>"
        )

    def plot(self, i: int = -1) -> Figure:
        """Snapshot i (the last by default) as a figure: the boundary, the hidden neurons, the cost."""
        fig, axes = self._figure()
        draw_snapshot(self, self.snapshots[i], axes)
        return fig

    def to_jshtml(self) -> str:
        """Every recorded epoch in matplotlib's player, HTML with nothing fetched from outside."""
        fig, axes = self._figure()
        draw = lambda i: draw_snapshot(self, self.snapshots[i], axes)  # noqa: E731
        return play(fig, draw, len(self.snapshots), interval=300)

    def _repr_html_(self) -> str:
        return self.to_jshtml()

    def save_html(self, path: str | os.PathLike) -> Path:
        """The player as one self-contained HTML page; returns the path."""
        path = Path(path)
        title = f"Playground: {self.settings}"
        return write_page(path, html_page(title, self.to_jshtml()))

    def _figure(self) -> tuple[Figure, dict[str, Any]]:
        plt = pyplot()
        hidden = sum(self.net.sizes[1:-1])
        columns = max(1, min(8, int(np.ceil(np.sqrt(hidden * 1.5)))))
        rows = max(1, int(np.ceil(hidden / columns)))
        fig = plt.figure(figsize=(13, 6.5), dpi=self.dpi)
        outer = fig.add_gridspec(1, 2, width_ratios=[1.0, 1.15], wspace=0.12)
        left = outer[0].subgridspec(2, 1, height_ratios=[3.2, 1.0], hspace=0.35)
        neurons = outer[1].subgridspec(rows, columns, hspace=0.35, wspace=0.1)
        axes = {
            "output": fig.add_subplot(left[0]),
            "cost": fig.add_subplot(left[1]),
            "hidden": [
                fig.add_subplot(neurons[i // columns, i % columns])
                for i in range(hidden)
            ],
        }
        fig.subplots_adjust(left=0.05, right=0.98, top=0.9, bottom=0.07)
        return fig, axes


def playground(
    data: Dataset,
    net: Network,
    epochs: int,
    batch_size: int,
    eta: float,
    *,
    lmbda: float = 0.0,
    resolution: int = 60,
    every: int | None = None,
) -> PlaygroundRun:
    """Train ``net`` on ``data`` with ``net.sgd`` and record each epoch over a grid.

    ``data`` is a :class:`~bp4.data.digits.Dataset` of 2-D inputs and class
    labels (as :func:`bp4.data.moons` returns), or of 1-D inputs and target
    rows (:func:`bp4.data.curve`). The grid has ``resolution`` points a side
    over the data's range; ``every`` records one epoch in so many (default:
    about 40 snapshots in all, which keeps the player's page near 10 MB),
    always the first and the last.
    """
    epochs = check_count(epochs, "epochs", minimum=1)
    resolution = check_count(resolution, "resolution", minimum=2)
    every = -(-epochs // 40) if every is None else check_count(every, "every", 1)
    grid, shape = _grid(np.hstack([data.X_train, data.X_test]), resolution)
    regression = data.y_train.ndim == 2
    run = PlaygroundRun(data, net, grid, shape, _settings(net, batch_size, eta, lmbda))

    def snapshot(epoch: int, cost: float) -> None:
        _, activations = net.forward(grid)
        if regression:
            score = net.cost(data.X_test, data.y_test)
        else:
            score = net.evaluate(data.X_test, data.y_test) / data.X_test.shape[1]
        run.snapshots.append(
            Snapshot(epoch, cost, score, activations[-1], activations[1:-1])
        )

    def record(r: EpochRecord) -> None:
        if r.epoch % every == 0 or r.epoch == epochs:
            snapshot(r.epoch, r.cost)

    snapshot(0, net.cost(data.X_train, data.y_train))
    run.history = net.sgd(
        data.X_train, data.y_train, epochs, batch_size, eta, lmbda=lmbda,
        callback=record,
    )  # fmt: skip
    return run


def _grid(X: Array, resolution: int) -> tuple[Array, tuple[int, ...]]:
    """Points covering the data with a margin: (n_1, G), and the grid's shape."""
    low, high = X.min(axis=1), X.max(axis=1)
    margin = 0.1 * (high - low) + 1e-9
    axes = [
        np.linspace(lo - m, hi + m, resolution) for lo, hi, m in zip(low, high, margin)
    ]
    if X.shape[0] == 1:
        return axes[0][None, :], (resolution,)
    if X.shape[0] != 2:
        raise ValueError(
            f"the playground draws inputs of 1 or 2 features, got {X.shape[0]}"
        )
    x1, x2 = np.meshgrid(axes[0], axes[1])
    return np.vstack([x1.ravel(), x2.ravel()]), x1.shape


def _settings(net: Network, batch_size: int, eta: float, lmbda: float) -> str:
    from .layout import name_of

    hidden, output = name_of(net.activation), name_of(net.output_activation)
    text = (
        f"sizes {net.sizes}, {hidden} hidden, {output} output, "
        f"{name_of(net.cost_function)} cost, η = {eta:g}, batch {batch_size}"
    )
    return text + (f", λ = {lmbda:g}" if lmbda else "")


def draw_snapshot(run: PlaygroundRun, snap: Snapshot, axes: dict[str, Any]) -> None:
    """One epoch into the axes: the output over the grid with the data, each hidden neuron, the cost."""
    ax = axes["output"]
    ax.clear()
    if run.regression:
        _draw_curve(run, snap, ax)
    else:
        _draw_boundary(run, snap, ax)
    score = (
        f"held-out cost {snap.test_score:.4g}"
        if run.regression
        else f"held-out accuracy {snap.test_score:.1%}"
    )
    ax.set_title(f"epoch {snap.epoch}: cost {snap.cost:.4g}, {score}", fontsize=11)
    ax.figure.suptitle(run.settings, fontsize=11)

    values = [a for layer in snap.hidden for a in layer]
    names = [
        f"a^{{{l}}}_{{{j}}}"
        for l, layer in enumerate(snap.hidden, start=2)
        for j in range(1, len(layer) + 1)
    ]
    for a, name, hax in zip(values, names, axes["hidden"]):
        hax.clear()
        if run.regression:
            hax.plot(run.grid[0], a, color="tab:purple")
        else:
            hax.imshow(
                a.reshape(run.shape), origin="lower", cmap="PuOr_r", aspect="auto",
                extent=_extent(run), interpolation="bilinear",
            )  # fmt: skip
        hax.set_xticks([])
        hax.set_yticks([])
        hax.set_title(f"${name}$", fontsize=10, pad=2)

    cost = axes["cost"]
    cost.clear()
    epochs = [s.epoch for s in run.snapshots]
    costs = [s.cost for s in run.snapshots]
    cost.plot(epochs, costs, color="0.75")
    upto = [s for s in run.snapshots if s.epoch <= snap.epoch]
    cost.plot([s.epoch for s in upto], [s.cost for s in upto], color="tab:blue")
    cost.set_xlabel("epoch", fontsize=9)
    cost.set_ylabel("training cost", fontsize=9)
    cost.tick_params(labelsize=8)


def _extent(run: PlaygroundRun) -> tuple[float, float, float, float]:
    return (
        float(run.grid[0].min()),
        float(run.grid[0].max()),
        float(run.grid[1].min()),
        float(run.grid[1].max()),
    )


def _draw_boundary(run: PlaygroundRun, snap: Snapshot, ax: Any) -> None:
    """The predicted class over the plane, shaded by the network's confidence, and the data."""
    out = snap.output
    if out.shape[0] == 1:
        score = out[0] - 0.5  # one output: class 1 where a^L > 0.5
    else:
        top = np.sort(out, axis=0)
        # class 1's margin over class 0 for two outputs; for more, the winner's
        score = out[1] - out[0] if out.shape[0] == 2 else top[-1] - top[-2]
    ax.imshow(
        score.reshape(run.shape), origin="lower", cmap="RdBu", aspect="auto",
        extent=_extent(run), interpolation="bilinear", alpha=0.55,
        vmin=-float(np.abs(score).max() or 1), vmax=float(np.abs(score).max() or 1),
    )  # fmt: skip
    x1 = run.grid[0].reshape(run.shape)
    x2 = run.grid[1].reshape(run.shape)
    if score.min() < 0 < score.max():
        ax.contour(x1, x2, score.reshape(run.shape), levels=[0.0], colors="black")
    X, y = run.data.X_train, run.data.y_train
    for label, colour in ((0, "tab:red"), (1, "tab:blue")):
        chosen = y == label
        ax.scatter(
            X[0, chosen], X[1, chosen], s=12, c=colour, edgecolors="black",
            linewidths=0.4, label=f"class {label}",
        )  # fmt: skip
    ax.set_xticks([])
    ax.set_yticks([])


def _draw_curve(run: PlaygroundRun, snap: Snapshot, ax: Any) -> None:
    """The fitted curve a^L(x) over the training points."""
    ax.scatter(run.data.X_train[0], run.data.y_train[0], s=8, c="0.5")
    ax.plot(run.grid[0], snap.output[0], color="tab:red", linewidth=2)
    ax.set_xlabel("x", fontsize=9)
    ax.set_ylabel("y, a^L(x)", fontsize=9)
