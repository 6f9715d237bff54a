"""The documentation: a strict build, every code block run, code never pasted.

The site is built once per session (``conftest.site``, ``python -m sphinx -W
--keep-going``: warnings are errors). Then:

- every fenced ``python`` block of every page runs, page by page, in order;
- every page that states equations pulls its code from ``src/bp4`` with
  ``literalinclude`` and the built page shows that code exactly as it is now;
- no page pastes the equation functions;
- the API page documents every module, and a docstring's ``:math:`` reaches
  the page as a formula for the offline KaTeX;
- nothing the built site loads is off the machine (a static scan).

The pages in a real browser are checked in ``test_docs_browser.py``; the
Chinese pages against the English ones in ``test_docs_zh.py``.
"""

from __future__ import annotations

import html
import importlib
import inspect
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from docs_helpers import (
    DOCS,
    MARKDOWN_PAGES,
    ROOT,
    fenced_blocks,
    math_elements,
    page_id,
    parse,
    prose_lines,
)

# The pages that state equations, in English and in Chinese.
EQUATION_PAGES = ["notation", "cost", "hadamard", "equations", "algorithm"]
BOTH_LANGUAGES = [*EQUATION_PAGES, *(f"zh/{p}" for p in EQUATION_PAGES)]


def test_strict_build_writes_every_page(site: Path) -> None:
    for path in MARKDOWN_PAGES:
        page = path.relative_to(DOCS).with_suffix(".html")
        assert (site / page).is_file(), page
    assert len(MARKDOWN_PAGES) >= 20


# -- every code block runs ------------------------------------------------------


def readme_commands() -> set[str]:
    """The shell commands of the README's quick start."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return {
        line.strip()
        for block in fenced_blocks(readme)
        if block.language == "sh"
        for line in block.code.splitlines()
        if line.strip()
    }


def test_fenced_blocks_parser() -> None:
    text = "a\n```python\nx = 1\n```\n\n````{note}\n```sh\nls\n```\n````\n"
    blocks = fenced_blocks(text)
    assert [(b.language, b.code) for b in blocks] == [
        ("python", "x = 1\n"),
        ("{note}", "```sh\nls\n```\n"),
    ]


@pytest.mark.parametrize("path", MARKDOWN_PAGES, ids=page_id)
def test_code_blocks_run(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each page's python blocks run in order in one namespace, like a reader would.

    Shell blocks may only hold the README's quick-start commands, which .ci/run
    and the CLI tests run; output is shown by the code itself (print), so no
    block states an output that could rot.
    """
    monkeypatch.chdir(tmp_path)  # scripts may write files
    text = path.read_text(encoding="utf-8")
    if "from sklearn" in text:  # the estimators page: the sklearn extra's
        pytest.importorskip("sklearn")
    namespace: dict[str, object] = {"__name__": "__main__"}
    for block in fenced_blocks(text):
        where = f"{page_id(path)}:{block.line}"
        if block.language == "python":
            exec(compile(block.code, where, "exec"), namespace)
        elif block.language == "sh":
            for line in filter(None, map(str.strip, block.code.splitlines())):
                assert line in readme_commands(), (
                    f"{where}: shell command {line!r} is not one of the README's"
                )
        else:
            assert block.language.startswith("{"), (
                f"{where}: a ```{block.language} block; use python (run by the "
                "tests), sh (README commands) or a MyST directive"
            )


def test_code_blocks_run_counts_something() -> None:
    python_blocks = [
        b
        for p in MARKDOWN_PAGES
        for b in fenced_blocks(p.read_text(encoding="utf-8"))
        if b.language == "python"
    ]
    assert len(python_blocks) >= 20


# -- math sources that render on the site and on GitHub ---------------------------


@pytest.mark.parametrize("path", MARKDOWN_PAGES, ids=page_id)
def test_math_source_rules(path: Path) -> None:
    """$$ alone on its line with blank lines around the block; aligned, not align."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    opening = True
    for number, line in prose_lines(text):
        where = f"{page_id(path)}:{number}"
        assert not re.search(r"\\begin\{(align|eqnarray)\*?\}", line), (
            f"{where}: use \\begin{{aligned}}, which GitHub and KaTeX both render"
        )
        if "$$" not in line:
            continue
        assert line.strip() == "$$", f"{where}: $$ must be alone on its line"
        neighbour = number - 2 if opening else number  # the line before or after
        if 0 <= neighbour < len(lines):
            assert not lines[neighbour].strip(), (
                f"{where}: a blank line must {'precede' if opening else 'follow'} the math"
            )
        opening = not opening
    assert opening, f"{page_id(path)}: unbalanced $$"


# -- code pulled from the source, never pasted ------------------------------------

INCLUDE = re.compile(
    r"^```\{literalinclude\}\s+(?P<path>\S+)\n(?P<options>(?::[^\n]*\n)*)", re.M
)


def literalincludes(path: Path) -> list[tuple[Path, str | None]]:
    """(resolved file, pyobject or None) for each literalinclude of a page."""
    found = []
    for match in INCLUDE.finditer(path.read_text(encoding="utf-8")):
        options = dict(re.findall(r"^:([\w-]+):[ \t]*(.*)$", match["options"], re.M))
        target = (path.parent / match["path"]).resolve()
        found.append((target, options.get("pyobject")))
    return found


def visible_text(page_html: str) -> str:
    """The page's text with tags removed and entities decoded.

    The line numbers of the included code (``:lineno-match:``) go first, so
    the code reads as it does in the source file.
    """
    code = re.sub(r'<span class="linenos">\s*\d+</span>', "", page_html)
    return html.unescape(re.sub(r"<[^>]+>", "", code))


def source_of(file: Path, pyobject: str) -> str:
    module = "bp4." + file.relative_to(ROOT / "src" / "bp4").with_suffix("").as_posix()
    obj = importlib.import_module(module.replace("/", "."))
    for name in pyobject.split("."):  # a function, a class, or Class.method
        obj = getattr(obj, name)
    return inspect.getsource(obj)


@pytest.mark.parametrize("page", BOTH_LANGUAGES)
def test_equation_pages_include_source_code(site: Path, page: str) -> None:
    includes = literalincludes(DOCS / f"{page}.md")
    src = ROOT / "src" / "bp4"
    from_src = [(f, obj) for f, obj in includes if f.is_relative_to(src) and obj]
    assert from_src, f"{page}.md includes no code from src/bp4 with :pyobject:"
    built = visible_text((site / f"{page}.html").read_text(encoding="utf-8"))
    for file, pyobject in from_src:
        assert source_of(file, pyobject) in built, (
            f"{page}.html does not show the current source of {pyobject}"
        )


def test_every_literalinclude_names_an_existing_object() -> None:
    count = 0
    for path in MARKDOWN_PAGES:
        for file, pyobject in literalincludes(path):
            assert file.is_file(), f"{page_id(path)} includes missing {file}"
            if pyobject:
                assert source_of(file, pyobject)
                count += 1
    assert count >= 20


def test_no_page_pastes_the_equation_functions() -> None:
    names = "output_error|hidden_error|bias_gradient|weight_gradient|backward"
    pasted = re.compile(rf"^\s*def ({names}|weighted_input|forward)\(", re.M)
    for path in MARKDOWN_PAGES:
        for block in fenced_blocks(path.read_text(encoding="utf-8")):
            assert not pasted.search(block.code), (
                f"{page_id(path)}:{block.line} pastes bp4 code; literalinclude it"
            )


def test_api_reference_documents_every_module(site: Path) -> None:
    """autodoc's output, parsed as reStructuredText (not as Markdown by mistake)."""
    api = (site / "api.html").read_text(encoding="utf-8")
    for target in [
        "bp4.backprop.output_error",
        "bp4.backprop.hidden_error",
        "bp4.backprop.bias_gradient",
        "bp4.backprop.weight_gradient",
        "bp4.backprop.backward",
        "bp4.forward.forward",
        "bp4.cost.QuadraticCost",
        "bp4.cost.CrossEntropyCost",
        "bp4.activations.Activation",
        "bp4.teaching.reference.backprop",
        "bp4.network.Network",
        "bp4.network.Network.sgd",
        "bp4.teaching.gradcheck.gradient_check",
        "bp4.data.digits.load_digits",
    ]:
        assert f'id="{target}"' in api, target
    assert ".. automodule::" not in api
    # and a section for every module in the package, so new ones are not forgotten
    src = ROOT / "src" / "bp4"
    for module in sorted(src.glob("*.py")):
        if module.stem not in {"__init__", "__main__", "cli"}:
            assert f'id="module-bp4.{module.stem}"' in api, module.stem


def test_docstring_math_reaches_the_page_as_a_formula(
    docstring_math_site: Path,
) -> None:
    """:math:`...` in a docstring, through autodoc and Napoleon, to katex_offline."""
    page = (docstring_math_site / "index.html").read_text(encoding="utf-8")
    formulas = [
        "".join(c for c in n.children if isinstance(c, str))
        for n in math_elements(parse(page))
    ]
    assert "z^{l} = w^{l} a^{l-1} + b^{l}" in formulas
    assert "w^{l}" in formulas and "a^{l-1}" in formulas
    assert 'src="_static/katex/katex.min.js' in page
    assert 'src="_static/katex-render.js' in page
    assert ":math:" not in page  # the role was parsed, not shown as text
    # Napoleon turned the NumPy-style sections into field lists.
    assert ">Parameters<" in page and ">Returns<" in page


# -- the figure ------------------------------------------------------------------


def test_network_figure_regenerates_identically(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(DOCS / "figures" / "draw_network.py")]
        + ["--out-dir", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    for name in ("network.svg", "network-zh.svg"):
        committed = (DOCS / "figures" / name).read_bytes()
        assert (tmp_path / name).read_bytes() == committed, (
            f"docs/figures/{name} is stale: run python docs/figures/draw_network.py"
        )
    svg = (tmp_path / "network.svg").read_text(encoding="utf-8")
    # The labels the notation page's caption talks about.
    assert ">w</text>" in svg and ">24</text>" in svg and ">b</text>" in svg


# -- nothing off the machine: a static scan of the built files -----------------

REMOTE = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.I)  # http://, https://, //
LOADING_ATTRIBUTES = re.compile(
    r"<(script|img|iframe|source|audio|video|embed|track|input)\b[^>]*?\s"
    r"(?:src|data|poster)\s*=\s*[\"']([^\"']*)[\"']"
    r"|<link\b[^>]*?\brel\s*=\s*[\"'](?:[^\"']*\b(?:stylesheet|preload|icon|modulepreload|prefetch|manifest)\b[^\"']*)[\"'][^>]*?\bhref\s*=\s*[\"']([^\"']*)[\"']"
    r"|<link\b[^>]*?\bhref\s*=\s*[\"']([^\"']*)[\"'][^>]*?\brel\s*=\s*[\"'](?:[^\"']*\b(?:stylesheet|preload|icon|modulepreload|prefetch|manifest)\b[^\"']*)[\"']",
    re.I,
)
CSS_URL = re.compile(r"url\(\s*[\"']?([^\"')]+)[\"']?\s*\)|@import\s+[\"']([^\"']+)")


def fetched_urls(path: Path) -> list[str]:
    """What a browser would fetch for this HTML or CSS file."""
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".css":
        return [a or b for a, b in CSS_URL.findall(text)]
    return [
        groups[1] or groups[2] or groups[3]
        for groups in LOADING_ATTRIBUTES.findall(text)
    ]


def remote_references(site: Path) -> list[str]:
    problems = []
    for path in sorted(site.rglob("*")):
        if path.suffix not in (".html", ".css"):
            continue
        for url in fetched_urls(path):
            if REMOTE.match(url):
                problems.append(f"{path.relative_to(site)} fetches {url}")
            elif not url.startswith(("data:", "#")):
                local = (path.parent / url.split("?")[0].split("#")[0]).resolve()
                if not local.exists():
                    problems.append(f"{path.relative_to(site)}: missing {url}")
    return problems


def test_built_site_fetches_nothing_remote(site: Path) -> None:
    assert remote_references(site) == []
    # The scan sees what it must: the vendored KaTeX and its fonts are local.
    page = site / "equations.html"
    assert any("katex.min.js" in u for u in fetched_urls(page))
    css = site / "_static" / "katex" / "katex.min.css"
    assert len([u for u in fetched_urls(css) if u.endswith(".woff2")]) >= 20


def test_vendored_katex_is_the_recorded_version() -> None:
    extension = (DOCS / "_ext" / "katex_offline.py").read_text(encoding="utf-8")
    version = re.search(r'^KATEX_VERSION = "([0-9.]+)"$', extension, re.M).group(1)
    katex = DOCS / "_static" / "katex"
    assert f'version:"{version}"' in (katex / "katex.min.js").read_text(
        encoding="utf-8"
    )
    assert f"KaTeX {version}" in (katex / "README.md").read_text(encoding="utf-8")
    assert "MIT License" in (katex / "LICENSE").read_text(encoding="utf-8")


def test_static_scan_finds_remote_resources(site: Path, tmp_path: Path) -> None:
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    page = copy / "hadamard.html"
    page.write_text(
        page.read_text(encoding="utf-8").replace(
            "</head>",
            '<script src="https://cdn.example.invalid/katex.js"></script>'
            '<link href="//cdn.example.invalid/k.css" rel="stylesheet"></head>',
        ),
        encoding="utf-8",
    )
    css = copy / "_static" / "bp4.css"
    css.write_text(css.read_text() + "\n@font-face{src:url(http://x.invalid/f.woff2)}")
    problems = remote_references(copy)
    assert any("https://cdn.example.invalid/katex.js" in p for p in problems)
    assert any("//cdn.example.invalid/k.css" in p for p in problems)
