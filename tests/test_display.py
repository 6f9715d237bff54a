"""How training histories, gradient checks and data sets show themselves."""

import re

import numpy as np
import pytest
from helpers import random_cases

import bp4
from bp4.teaching.gradcheck import GradientCheck, LayerError, gradient_check, max_error
from bp4.training import EpochRecord, History


@pytest.fixture(scope="module")
def digits():
    return bp4.load_digits()


@pytest.fixture(scope="module")
def history(digits):
    """Four epochs on part of the digits, with validation and test data."""
    net = bp4.Network([64, 10, 10], seed=3)
    return net.sgd(
        digits.X_train[:, :300],
        digits.y_train[:300],
        epochs=4,
        batch_size=10,
        eta=3.0,
        validation=(digits.X_train[:, 1000:1200], digits.y_train[1000:1200]),
        test=(digits.X_test, digits.y_test),
    )


def table_rows(html: str) -> list[list[str]]:
    body = re.search(r"<tbody>(.*)</tbody>", html, re.S)
    assert body is not None
    return [
        re.findall(r"<td[^>]*>(.*?)</td>", row)
        for row in re.findall(r"<tr>(.*?)</tr>", body.group(1))
    ]


def table_header(html: str) -> list[str]:
    return re.findall(r"<th\b[^>]*>(.*?)</th>", html)


# -- History ----------------------------------------------------------------------


def test_history_html_has_a_row_per_epoch(history):
    html = history._repr_html_()
    assert table_header(html) == [
        "epoch",
        "training cost",
        "validation cost",
        "validation accuracy<br>(of 200)",
        "test cost",
        "test accuracy<br>(of 450)",
        "seconds",
    ]
    rows = table_rows(html)
    assert len(rows) == len(history) == 4
    for row, record in zip(rows, history):
        assert row[0] == str(record.epoch)
        assert row[1] == f"{record.cost:.4f}"
        assert row[2] == f"{record.validation_cost:.4f}"
        assert row[3] == f"{100 * record.validation_accuracy:.1f}%"
        assert row[4] == f"{record.test_cost:.4f}"
        assert row[5] == f"{100 * record.accuracy:.1f}%"
        assert row[6] == f"{record.seconds:.2f}"
    assert f"best validation accuracy at epoch {history.best_epoch}" in html


def test_history_html_leaves_out_what_was_not_measured():
    h = History([EpochRecord(1, 0.5, 0.1), EpochRecord(2, 0.25, 0.1)])
    html = h._repr_html_()
    assert table_header(html) == ["epoch", "training cost", "seconds"]
    assert table_rows(html) == [["1", "0.5000", "0.10"], ["2", "0.2500", "0.10"]]
    assert "History of 2 epochs" in html


def test_history_repr_is_a_readable_table(history):
    lines = repr(history).splitlines()
    assert lines[0] == "History of 4 epochs:"
    assert lines[1:5] == [f"  {record}" for record in history]
    assert "array" not in repr(history)


def test_history_plot_draws_costs_and_accuracies(history):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = history.plot()
    try:
        assert isinstance(fig, matplotlib.figure.Figure)
        cost_ax, accuracy_ax = fig.axes
        training, validation, test = cost_ax.get_lines()
        np.testing.assert_array_equal(training.get_xdata(), [1, 2, 3, 4])
        np.testing.assert_array_equal(training.get_ydata(), [r.cost for r in history])
        np.testing.assert_array_equal(
            validation.get_ydata(), [r.validation_cost for r in history]
        )
        np.testing.assert_array_equal(test.get_ydata(), [r.test_cost for r in history])
        lines = accuracy_ax.get_lines()
        assert [line.get_label() for line in lines] == ["validation", "test"]
        np.testing.assert_allclose(
            lines[1].get_ydata(), [100 * r.accuracy for r in history]
        )
    finally:
        plt.close(fig)


def test_history_plot_without_accuracies_has_one_axes():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = History([EpochRecord(1, 0.5, 0.1), EpochRecord(2, 0.25, 0.1)]).plot()
    try:
        (ax,) = fig.axes
        (line,) = ax.get_lines()
        np.testing.assert_array_equal(line.get_ydata(), [0.5, 0.25])
    finally:
        plt.close(fig)
    with pytest.raises(ValueError, match="history is empty"):
        History().plot()


# -- the gradient check -------------------------------------------------------------


def test_gradient_check_is_a_list_with_a_table():
    case = random_cases(1, seed=5)[0]
    check = gradient_check(case.net, case.X, case.Y)
    assert isinstance(check, GradientCheck) and isinstance(check, list)
    assert all(isinstance(e, LayerError) for e in check)
    assert check.max_error == max_error(check) < 1e-7
    lines = repr(check).splitlines()
    assert len(lines) == 1 + len(check) + 1
    for line, e in zip(lines[1:], check):
        assert line.split() == [
            str(e.layer),
            f"{e.weights:.2e}",
            f"{e.biases:.2e}",
            "good",
        ]
    assert lines[-1].startswith(f"largest relative error {check.max_error:.2e}: good")
    html = check._repr_html_()
    assert table_header(html) == [
        "layer l",
        "∂C/∂w<sup>l</sup>",
        "∂C/∂b<sup>l</sup>",
        "reading",
    ]
    assert [row[0] for row in table_rows(html)] == [str(e.layer) for e in check]


def test_gradient_check_display_reads_a_wrong_layer():
    check = GradientCheck([LayerError(2, 0.5, 1e-9), LayerError(3, 1e-6, 1e-10)])
    assert check.max_error == 0.5
    readings = [line.split()[-1] for line in repr(check).splitlines()[1:3]]
    assert readings == ["wrong", "suspicious"]
    assert [row[-1] for row in table_rows(check._repr_html_())] == [
        "wrong",
        "suspicious",
    ]
    assert "largest relative error 5.00e-01, wrong" in check._repr_html_()


def test_an_empty_gradient_check_shows_itself():
    check = GradientCheck()
    assert repr(check) == "GradientCheck([])"
    html = check._repr_html_()
    assert "no layers to check" in html and table_rows(html) == []


# -- data sets and records -----------------------------------------------------------


def test_dataset_repr_shows_counts_and_shapes_not_arrays(digits):
    assert repr(digits).splitlines() == [
        "Dataset: 1347 training and 450 test samples, 64 features, 10 classes",
        "  X_train (64, 1347) float64, y_train (1347,)",
        "  X_test  (64, 450) float64, y_test  (450,)",
    ]


def test_epoch_record_repr_is_short(history):
    text = repr(history[0])
    assert text.startswith("EpochRecord(epoch=1, cost=") and len(text) < 250


# -- what IPython (Jupyter, VS Code) picks to show -------------------------------------


def test_ipython_shows_rich_forms_with_a_short_text_fallback(history):
    formatters = pytest.importorskip("IPython.core.formatters")
    display = formatters.DisplayFormatter()
    walk = bp4.explain()
    shown, _ = display.format(walk)
    assert set(shown) == {"text/plain", "text/markdown"}
    assert shown["text/plain"] == repr(walk)
    assert shown["text/markdown"] == walk._repr_markdown_()
    shown, _ = display.format(history)
    assert set(shown) == {"text/plain", "text/html"}
    case = random_cases(1, seed=6)[0]
    shown, _ = display.format(gradient_check(case.net, case.X, case.Y))
    assert set(shown) == {"text/plain", "text/html"}


def test_walkthrough_plot_draws_into_given_axes():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    try:
        assert bp4.explain([2, 2]).plot(ax=ax) is fig
        assert len(ax.collections) == 3  # connections, coloured neurons, inputs
        assert len(fig.axes) == 3  # the given axes and the two colour bars
    finally:
        plt.close(fig)


def test_rich_tables_escape_what_they_quote():
    from bp4.history_display import html_table

    hostile = '<img src=x onerror="alert(1)">\x1b]0;title\x07'
    shown = html_table(["h"], [[hostile]], hostile)
    assert (
        "<img" not in shown
        and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in shown
    )
    assert "\x1b" not in shown and "\x07" not in shown and r"\x1b]0;title\x07" in shown


def test_text_helpers_make_outside_text_safe():
    from bp4.text import escape_markdown, name_of, printable

    assert printable("OK\x1b[2J\x9b\u202e") == r"OK\x1b[2J\x9b\u202e"
    assert len(printable("x" * 1000)) == 200 and printable("x" * 1000).endswith("…")
    assert printable("caf\udce9.npz") == r"caf\xe9.npz"  # an undecodable byte
    assert escape_markdown("<b>x</b> *y*") == r"\<b\>x\</b\> \*y\*"
    assert (
        name_of(object()) == "object"
        and name_of(bp4.cost.COSTS["quadratic"]) == "quadratic"
    )


def test_a_script_plot_stays_with_pyplot_for_plt_show():
    """Outside a notebook, plt.show() shows what walk.plot() and history.plot() drew."""
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.close("all")
    try:
        net = bp4.Network([2, 3, 2], seed=0)
        X = np.random.default_rng(0).random((2, 20))
        history = net.sgd(X, X.argmax(axis=0), epochs=2, batch_size=5, eta=1.0)
        figures = [bp4.explain().plot(), history.plot()]
        assert [f.number for f in figures] == plt.get_fignums()
    finally:
        plt.close("all")
