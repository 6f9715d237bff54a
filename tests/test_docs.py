"""The documentation: a strict build, every code block run, math checked in a browser.

The site is built once for the module (``python -m sphinx -W --keep-going``,
warnings are errors). Then:

- every fenced ``python`` block of every page runs, page by page, in order;
- every page that states equations pulls its code from ``src/bp4`` with
  ``literalinclude`` and the built page shows that code exactly as it is now;
- headless Chromium (Debian's ``chromium``) opens the equation pages in both
  languages from ``file://`` and the rendered DOM must have every formula
  typeset by KaTeX, no KaTeX error, no TeX left as text, and the page must
  not have requested anything off the machine (Chromium's net log).

The browser check is itself tested on pages broken on purpose.
"""

from __future__ import annotations

import html
import importlib
import inspect
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
IN_CI = bool(os.environ.get("CI"))

if not IN_CI:
    # Locally the docs extra may be missing; in CI it must be installed, so a
    # missing package fails there instead of skipping.
    pytest.importorskip("sphinx")
    pytest.importorskip("myst_parser")

# The pages that state equations, in English and in Chinese; the browser
# check also opens the other pages with math.
EQUATION_PAGES = ["notation", "cost", "hadamard", "equations", "algorithm"]
BOTH_LANGUAGES = [*EQUATION_PAGES, *(f"zh/{p}" for p in EQUATION_PAGES)]
BROWSER_PAGES = [*BOTH_LANGUAGES, "implications", "tutorials/gradcheck"]

# Files the docs show that other parts of bp4 produce (committed with them).
GENERATED = {
    "benchmarks/results/epoch.md": "benchmarks/epoch.py",
    "docs/figures/learning_slowdown.png": "examples/learning_slowdown.py",
}

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    # Nothing may leave the machine: every host name fails to resolve, and
    # the net log records whatever the pages tried anyway.
    "--host-resolver-rules=MAP * ~NOTFOUND",
    # The harness page reads the rendered DOM of each page in an iframe; file
    # URLs are opaque origins unless this is set.
    "--allow-file-access-from-files",
    "--virtual-time-budget=15000",
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The HTML site, built strictly into a temporary directory."""
    for generated, by in GENERATED.items():
        assert (ROOT / generated).is_file(), (
            f"the docs show {generated}, which {by} writes; it is missing"
        )
    out = tmp_path_factory.mktemp("docs") / "html"
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html"]
        + [str(DOCS), str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, (
        f"the strict docs build failed:\n{result.stdout}\n{result.stderr}"
    )
    return out


def test_strict_build_writes_every_page(site: Path) -> None:
    pages = ["index", *BROWSER_PAGES, "zh/index", "performance", "api"]
    pages += ["tutorials/digits", "tutorials/script"]
    for page in pages:
        assert (site / f"{page}.html").is_file(), page


# -- every code block runs ------------------------------------------------------


@dataclass
class Block:
    language: str
    code: str
    line: int


FENCE = re.compile(r"^(`{3,}|~{3,})\s*([^\s`]*)")


def fenced_blocks(text: str) -> list[Block]:
    """The fenced blocks of a Markdown page (MyST directives included)."""
    blocks: list[Block] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        fence, language = opening.groups()
        body: list[str] = []
        j = i + 1
        while j < len(lines) and not (
            lines[j].startswith(fence[0] * len(fence))
            and lines[j].strip() == lines[j].strip()[0] * len(lines[j].strip())
        ):
            body.append(lines[j])
            j += 1
        assert j < len(lines), f"unclosed code fence at line {i + 1}"
        blocks.append(Block(language, "\n".join(body) + "\n", i + 1))
        i = j + 1
    return blocks


MARKDOWN_PAGES = sorted(
    p
    for p in DOCS.rglob("*.md")
    if "_build" not in p.parts and "_static" not in p.parts
)


def page_id(path: Path) -> str:
    return path.relative_to(DOCS).as_posix()


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
    namespace: dict[str, object] = {"__name__": "__main__"}
    for block in fenced_blocks(path.read_text(encoding="utf-8")):
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


def prose_lines(text: str) -> list[tuple[int, str]]:
    """(line number, line) for the lines outside fenced blocks."""
    lines, inside, fence = [], False, ""
    for number, line in enumerate(text.splitlines(), start=1):
        opening = FENCE.match(line)
        if not inside and opening:
            inside, fence = True, opening.group(1)
        elif inside and line.strip() == fence[0] * len(line.strip()) and line.strip():
            inside = len(line.strip()) < len(fence)
        elif not inside:
            lines.append((number, line))
    return lines


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
        "bp4.reference.backprop",
        "bp4.network.Network",
        "bp4.network.Network.sgd",
        "bp4.gradcheck.gradient_check",
        "bp4.datasets.load_digits",
    ]:
        assert f'id="{target}"' in api, target
    assert ".. automodule::" not in api
    # and a section for every module in the package, so new ones are not forgotten
    src = Path(__file__).resolve().parents[1] / "src" / "bp4"
    for module in sorted(src.glob("*.py")):
        if module.stem not in {"__init__", "__main__", "cli"}:
            assert f'id="module-bp4.{module.stem}"' in api, module.stem


# -- language switch, figure ----------------------------------------------------


@pytest.mark.parametrize("page", EQUATION_PAGES)
def test_language_switch_links_both_ways(site: Path, page: str) -> None:
    english = (site / f"{page}.html").read_text(encoding="utf-8")
    chinese = (site / "zh" / f"{page}.html").read_text(encoding="utf-8")
    assert f'href="zh/{page}.html"' in english
    assert f'href="../{page}.html"' in chinese
    assert '<html lang="en"' in english and '<html lang="zh-CN"' in chinese


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
    assert any("http://x.invalid/f.woff2" in p for p in problems)


# -- the real-browser check ---------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta"}
VOID |= {"source", "track", "wbr", "param"}
NOT_PROSE = {"script", "style", "pre", "code", "textarea", "template", "title"}
RAW_TEX = re.compile(r"\$|\\[A-Za-z]+|[_^]\{")


@dataclass
class Node:
    tag: str
    classes: set[str]
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)

    def walk(self):
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.walk()


class TreeBuilder(HTMLParser):
    """A small DOM from Chromium's serialisation, which is well formed."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", set(), {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = {k: v or "" for k, v in attrs}
        node = Node(tag, set(attributes.get("class", "").split()), attributes)
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(document: str) -> Node:
    builder = TreeBuilder()
    builder.feed(document)
    builder.close()
    return builder.root


def prose(node: Node) -> str:
    """Text outside code and outside typeset math: where raw TeX must not be."""
    if node.tag in NOT_PROSE or node.classes & {"katex", "katex-display", "math"}:
        return ""
    return " ".join(c if isinstance(c, str) else prose(c) for c in node.children)


def math_problems(rendered: str, expected: int) -> list[str]:
    """What is wrong with the math of one page's rendered DOM (empty if nothing)."""
    root = parse(rendered)
    problems = []
    maths = [n for n in root.walk() if "math" in n.classes and n.tag in ("span", "div")]
    if len(maths) != expected:
        problems.append(f"{len(maths)} math elements rendered, {expected} built")
    for n in maths:
        if not any("katex" in d.classes for d in n.walk()):
            problems.append(f"math left as raw TeX: {prose_of_math(n)!r}")
    for n in root.walk():
        if "katex-error" in n.classes:
            problems.append(f"KaTeX error: {n.attrs.get('title', '')}")
    for text in RAW_TEX.finditer(prose(root)):
        problems.append(f"raw TeX in the text: {text.group()!r}")
    return problems


def prose_of_math(node: Node) -> str:
    return "".join(c if isinstance(c, str) else prose_of_math(c) for c in node.children)


def chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        if IN_CI:
            pytest.fail("chromium is not installed: .ci/run must apt-get install it")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return path


HARNESS = """<!doctype html><html><body><script>
// Load each page in an iframe; once it has loaded (KaTeX renders on
// DOMContentLoaded, before load), keep its rendered DOM in an inert template
// that --dump-dom prints.
for (const url of %s) {
  const frame = document.createElement("iframe");
  frame.src = url;
  frame.addEventListener("load", () => {
    const kept = document.createElement("template");
    kept.dataset.page = url;
    const doc = frame.contentDocument;
    if (doc) kept.innerHTML = doc.documentElement.outerHTML;
    else kept.dataset.error = "the page's DOM could not be read";
    document.body.appendChild(kept);
    frame.remove();
  });
  document.body.appendChild(frame);
}
</script></body></html>
"""


@dataclass
class BrowserRun:
    rendered: dict[str, str]  # file URL -> rendered DOM
    off_machine: list[str]  # URLs the pages requested that are not file URLs


def open_in_chromium(pages: list[Path]) -> BrowserRun:
    """Open the pages in headless Chromium; their rendered DOM and their requests."""
    binary = chromium()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        urls = [p.resolve().as_uri() for p in pages]
        harness = work / "harness.html"
        harness.write_text(HARNESS % json.dumps(urls), encoding="utf-8")
        net_log = work / "net-log.json"
        result = subprocess.run(
            [binary, *CHROMIUM_FLAGS, f"--user-data-dir={work / 'profile'}"]
            + [f"--log-net-log={net_log}", "--dump-dom", harness.as_uri()],
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        root = parse(result.stdout)
        rendered = {}
        for node in root.walk():
            if node.tag == "template" and "data-page" in node.attrs:
                assert "data-error" not in node.attrs, node.attrs
                rendered[node.attrs["data-page"]] = serialise(node)
        missing = set(urls) - set(rendered)
        assert not missing, f"Chromium did not finish loading {sorted(missing)}"
        return BrowserRun(rendered, page_requests(net_log))


def serialise(node: Node) -> str:
    """Back to HTML text, enough for math_problems to parse again."""
    parts = []
    for child in node.children:
        if isinstance(child, str):
            parts.append(html.escape(child, quote=False))
        else:
            attrs = "".join(f' {k}="{html.escape(v)}"' for k, v in child.attrs.items())
            parts.append(f"<{child.tag}{attrs}>")
            if child.tag not in VOID:
                parts.append(serialise(child) + f"</{child.tag}>")
    return "".join(parts)


def page_requests(net_log: Path) -> list[str]:
    """The non-file URLs that pages (not Chromium itself) asked the network for.

    Chromium makes requests of its own (component updates, time queries) even
    with the flags above; those have no page behind them. A page's requests
    carry the page's site, file://, in their network isolation key.
    """
    log = json.loads(net_log.read_text(encoding="utf-8"))
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    urls = []
    for event in log["events"]:
        params = event.get("params", {})
        if event["type"] != start_job or "url" not in params:
            continue
        if "file://" in str(params.get("network_isolation_key", "")):
            if not params["url"].startswith(("file:", "data:", "blob:")):
                urls.append(params["url"])
    return urls


def built_math_count(page: Path) -> int:
    root = parse(page.read_text(encoding="utf-8"))
    return sum(
        1 for n in root.walk() if "math" in n.classes and n.tag in ("span", "div")
    )


@pytest.fixture(scope="module")
def browser(site: Path) -> BrowserRun:
    return open_in_chromium([site / f"{page}.html" for page in BROWSER_PAGES])


@pytest.mark.parametrize("page", BROWSER_PAGES)
def test_math_renders_in_chromium(site: Path, browser: BrowserRun, page: str) -> None:
    built = site / f"{page}.html"
    expected = built_math_count(built)
    assert expected > 5
    rendered = browser.rendered[built.resolve().as_uri()]
    assert math_problems(rendered, expected) == []


def test_pages_request_nothing_off_the_machine(browser: BrowserRun) -> None:
    assert browser.off_machine == []


def test_browser_check_fails_on_broken_pages(site: Path, tmp_path: Path) -> None:
    """Broken TeX, TeX left as text, a missing renderer, a remote resource: all caught."""
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    original = (copy / "hadamard.html").read_text(encoding="utf-8")
    formula = r"(s \odot t)_j = s_j t_j"
    assert formula in original
    broken = copy / "broken.html"
    broken.write_text(
        original.replace(formula, r"\frac{1}{", 1).replace(
            "</h1>",
            "</h1><p>the dollar math was not parsed: $w^l_{jk}$</p>"
            '<img src="https://example.invalid/figure.png" alt="">',
            1,
        ),
        encoding="utf-8",
    )
    unrendered = copy / "unrendered.html"
    script = re.search(
        r'<script defer="defer" src="_static/katex-render.js[^>]*>', original
    )
    assert script
    unrendered.write_text(
        original.replace(script.group(), "<script>"), encoding="utf-8"
    )

    run = open_in_chromium([broken, unrendered])
    expected = built_math_count(copy / "hadamard.html")
    problems = math_problems(run.rendered[broken.resolve().as_uri()], expected)
    assert any(p.startswith("KaTeX error") for p in problems), problems
    assert any(p.startswith("raw TeX in the text") for p in problems), problems
    problems = math_problems(run.rendered[unrendered.resolve().as_uri()], expected)
    assert problems and all(p.startswith("math left as raw TeX") for p in problems)
    assert len(problems) == expected
    assert run.off_machine == ["https://example.invalid/figure.png"]
