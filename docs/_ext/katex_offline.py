"""Math in the HTML docs, rendered by the KaTeX copy in ``_static/katex``.

Sphinx writes each formula as TeX inside ``<span class="math">`` (inline) or
``<div class="math">`` (display); ``_static/katex-render.js`` replaces that
TeX with KaTeX's rendering when the page loads. Nothing is fetched from the
network: the script, the style sheet and the fonts are all in ``_static``.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.locale import _
from sphinx.util.math import get_node_equation_number

KATEX_VERSION = "0.19.1"


def visit_math(self: Any, node: nodes.math) -> None:
    self.body.append(self.starttag(node, "span", "", CLASS="math notranslate"))
    self.body.append(self.encode(node.astext()) + "</span>")
    raise nodes.SkipNode


def visit_displaymath(self: Any, node: nodes.math_block) -> None:
    self.body.append(self.starttag(node, "div", CLASS="math notranslate"))
    if node["number"]:
        number = get_node_equation_number(self, node)
        self.body.append(f'<span class="eqno">({number})')
        self.add_permalink_ref(node, _("Link to this equation"))
        self.body.append("</span>")
    # The TeX goes into its own element so that the equation number survives.
    self.body.append('<span class="tex">' + self.encode(node.astext()) + "</span>")
    self.body.append("</div>\n")
    raise nodes.SkipNode


def add_assets(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any
) -> None:
    if app.builder.format != "html" or not context.get("has_maths_elements"):
        return
    app.builder.add_css_file("katex/katex.min.css")
    app.builder.add_js_file("katex/katex.min.js", defer="defer")
    app.builder.add_js_file("katex-render.js", defer="defer")


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_html_math_renderer(
        "katex_offline",
        inline_renderers=(visit_math, None),
        block_renderers=(visit_displaymath, None),
    )
    app.connect("html-page-context", add_assets)
    return {"version": KATEX_VERSION, "parallel_read_safe": True}
