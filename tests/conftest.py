"""Fixtures for tests/: the documentation site, built once per test session.

The shared test code is in ``helpers.py`` and ``docs_helpers.py``; test
modules import it from there.
"""

import textwrap
from pathlib import Path

import pytest
from docs_helpers import DOCS, GENERATED, IN_CI, ROOT, build_html

# -- the documentation, built once for the docs test modules ----------------------


def _needs_sphinx() -> None:
    if not IN_CI:
        # Locally the docs extra may be missing; in CI it must be installed, so
        # a missing package fails there instead of skipping.
        pytest.importorskip("sphinx")
        pytest.importorskip("myst_parser")


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The HTML site, built strictly into a temporary directory."""
    _needs_sphinx()
    for generated, by in GENERATED.items():
        assert (ROOT / generated).is_file(), (
            f"the docs show {generated}, which {by} writes; it is missing"
        )
    out = tmp_path_factory.mktemp("docs") / "html"
    build_html(DOCS, out)
    return out


DOCSTRING_MODULE = '''
"""A module whose docstrings use :math: and NumPy-style sections."""


def weighted_input(w, a, b):
    """The weighted input :math:`z^{l} = w^{l} a^{l-1} + b^{l}`.

    Parameters
    ----------
    w : ndarray
        The weights :math:`w^{l}`, shape ``(n_l, n_{l-1})``.
    a : ndarray
        The activations :math:`a^{l-1}`, one sample per column.
    b : ndarray
        The biases :math:`b^{l}`.

    Returns
    -------
    ndarray
        :math:`z^{l}`, one column per sample.
    """
    return w @ a + b
'''


@pytest.fixture(scope="session")
def docstring_math_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A one-page site made with docs/conf.py from a docstring that uses :math:.

    bp4's docstrings reach the API page the same way (autodoc, then Napoleon,
    then katex_offline), so this shows how they render.
    """
    _needs_sphinx()
    source = tmp_path_factory.mktemp("docstring-math")
    (source / "docstring_math.py").write_text(DOCSTRING_MODULE, encoding="utf-8")
    conf = f"""
        import runpy
        import sys

        globals().update(runpy.run_path({str(DOCS / "conf.py")!r}))
        sys.path.insert(0, {str(source)!r})
        html_static_path = [{str(DOCS / "_static")!r}]
        templates_path = [{str(DOCS / "_templates")!r}]
        exclude_patterns = ["_build"]
    """
    (source / "conf.py").write_text(textwrap.dedent(conf), encoding="utf-8")
    index = "# Docstring math\n\n```{eval-rst}\n.. autofunction:: "
    index += "docstring_math.weighted_input\n```\n"
    (source / "index.md").write_text(index, encoding="utf-8")
    out = source / "_build" / "html"
    build_html(source, out)
    return out
