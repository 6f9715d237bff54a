"""Sphinx configuration for bp4's documentation.

Build (strict: warnings are errors):
    python -m sphinx -W --keep-going -b html docs docs/_build/html
"""

from __future__ import annotations

import sys
from importlib.metadata import version as installed_version
from pathlib import Path

from sphinx import addnodes

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS / "_ext"))
# autodoc imports bp4 from the source tree, so the docs describe this checkout.
sys.path.insert(0, str(DOCS.parent / "src"))

project = "bp4"
author = "bp4 developers"
copyright = "bp4 developers, MIT licence"
# The version pyproject.toml declares, as the installed package records it
# (pip install ".[docs]" installs bp4 too): bp4.__version__ reads the same.
release = version = installed_version("bp4")
language = "en"

extensions = [
    "myst_parser",
    "myst_nb",  # the notebooks, run and rendered with their outputs
    "sphinx.ext.autodoc",
    # NumPy- and Google-style docstring sections; :math:`...` in a docstring
    # becomes a math node, typeset like the pages' $...$ by katex_offline.
    "sphinx.ext.napoleon",
    "katex_offline",  # docs/_ext: math by the vendored KaTeX, no network
]
html_math_renderer = "katex_offline"

source_suffix = {".md": "markdown", ".ipynb": "myst-nb"}
exclude_patterns = [
    "_build",
    "figures/*.py",
    "_static/katex/README.md",
    "notebooks/README.md",  # for readers of examples/notebooks on GitHub
]

# dollarmath: $…$ inline and $$ … $$ on their own lines for display math,
# the same sources GitHub renders.
myst_enable_extensions = ["dollarmath"]
myst_heading_anchors = 3

# docs/notebooks links to examples/notebooks, which are stored without outputs:
# every build runs them (offline, in a Python kernel) and shows what they print
# and draw; a cell that fails fails the build. Markdown they display (the
# walk-through's $$ math) is read as MyST, so KaTeX typesets it.
nb_execution_mode = "force"
nb_execution_raise_on_error = True
nb_execution_timeout = 120
nb_render_markdown_format = "myst"
nb_merge_streams = True

autodoc_member_order = "bysource"
# bp4.estimators needs scikit-learn (the sklearn extra); without it the API
# page still documents the module, from its docstrings, on stand-in classes.
try:
    import sklearn  # noqa: F401
except ImportError:
    autodoc_mock_imports = ["sklearn"]
autodoc_typehints = "signature"
napoleon_google_docstring = False
napoleon_numpy_docstring = True


html_theme = "alabaster"
html_static_path = ["_static"]
templates_path = ["_templates"]
# The Chinese pages get the Chinese contents in their sidebar, not the English
# site's (see _chinese_pages below).
html_sidebars = {
    "zh/**": ["about-zh.html", "navigation-zh.html", "relations-zh.html"]
    + ["searchfield-zh.html"],
}
html_css_files = ["bp4.css"]
html_title = "bp4"
html_show_sphinx = False
html_show_sourcelink = False
html_theme_options = {
    "description": "BP1–BP4 in NumPy, as the text writes them",
    "show_relbars": True,
    # With bp4.css's code size, 88-column code and its line numbers fit.
    "page_width": "1180px",
    "sidebar_width": "240px",
}


def _chinese_pages(app, pagename, templatename, context, doctree) -> None:
    """For the pages under zh/: <html lang="zh-CN">, so browsers pick CJK fonts,
    and ``zh_toctree``, zh/index's contents for navigation-zh.html."""
    if not pagename.startswith("zh/"):
        return
    context["language"] = "zh-CN"
    env = app.builder.env
    parts = []
    for toctree in env.get_doctree("zh/index").findall(addnodes.toctree):
        resolved = env.resolve_toctree(
            pagename, app.builder, toctree, maxdepth=2, collapse=True
        )
        if resolved is not None:
            parts.append(app.builder.render_partial(resolved)["fragment"])
    context["zh_toctree"] = "\n".join(parts)


def setup(app) -> None:
    app.connect("html-page-context", _chinese_pages)
