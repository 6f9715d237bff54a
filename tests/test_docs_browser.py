"""The built documentation in a real browser: headless Chromium (Debian's ``chromium``).

Every page of the site is opened from ``file://`` in a 1280-pixel-wide frame.
On each page with math the rendered DOM must have every formula typeset by
KaTeX, no KaTeX error and no TeX left as text; no page may scroll sideways at
that width, as a whole or in a code block, formula or table, and nothing may
stick out of the text column; the Chinese
pages' characters must be drawn in a font, not as empty boxes; and no page may
request anything off the machine (Chromium's net log). The checks are
themselves tested on pages broken on purpose and with the CJK fonts hidden.

These tests carry the ``browser`` marker: ``python -m pytest`` runs them (and
so does .ci/run); ``-m "not browser"`` leaves them out.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from docs_helpers import (
    DOCS,
    IN_CI,
    MARKDOWN_PAGES,
    VOID,
    Node,
    math_elements,
    parse,
)

pytestmark = pytest.mark.browser

# The pages with math, in English and in Chinese: every formula must render.
MATH_PAGES = ["notation", "cost", "hadamard", "equations", "algorithm"]
MATH_PAGES += ["implications", "output_layers", "vanishing", "tutorials/gradcheck"]
MATH_PAGES += [f"zh/{page}" for page in MATH_PAGES]
# Every page of the site: none may scroll sideways.
ALL_PAGES = [p.relative_to(DOCS).with_suffix("").as_posix() for p in MARKDOWN_PAGES]
WIDTH = 1280  # pixels, a common laptop screen

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

NOT_PROSE = {"script", "style", "pre", "code", "textarea", "template", "title"}
RAW_TEX = re.compile(r"\$|\\[A-Za-z]+|[_^]\{")


def prose(node: Node) -> str:
    """Text outside code and outside typeset math: where raw TeX must not be."""
    if node.tag in NOT_PROSE or node.classes & {"katex", "katex-display", "math"}:
        return ""
    return " ".join(c if isinstance(c, str) else prose(c) for c in node.children)


def math_problems(rendered: str, expected: int) -> list[str]:
    """What is wrong with the math of one page's rendered DOM (empty if nothing)."""
    root = parse(rendered)
    problems = []
    maths = math_elements(root)
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
// Load each page in an iframe of the given width; once it has loaded (KaTeX
// renders on DOMContentLoaded, before load) and its fonts are in, keep its
// rendered DOM in an inert template that --dump-dom prints, with the elements
// wider than their box (sideways scrolling) in data-overflow.
const WIDTH = %d;
function overflowing(doc) {
  const found = [];
  const root = doc.documentElement;
  if (root.scrollWidth > root.clientWidth) {
    found.push(`the page: ${root.scrollWidth} px wide in ${root.clientWidth} px`);
  }
  const wide = "pre, div.math, table, div.highlight, img";
  for (const el of doc.querySelectorAll(wide)) {
    if (el.scrollWidth > el.clientWidth) {
      const text = el.textContent.trim().slice(0, 50);
      found.push(`${el.tagName.toLowerCase()} ${el.scrollWidth} px wide in ` +
                 `${el.clientWidth} px: ${JSON.stringify(text)}`);
    }
  }
  // Wider than the text column: over the margin, if not yet off the screen.
  const body = doc.querySelector("div.body");
  if (body) {
    const style = doc.defaultView.getComputedStyle(body);
    const edge = body.getBoundingClientRect().right - parseFloat(style.paddingRight);
    for (const el of body.querySelectorAll(wide)) {
      const over = el.getBoundingClientRect().right - edge;
      if (over >= 1) {
        const text = el.textContent.trim().slice(0, 50);
        found.push(`${el.tagName.toLowerCase()} ${Math.round(over)} px past ` +
                   `the text column: ${JSON.stringify(text)}`);
      }
    }
  }
  return found;
}
// The Chinese characters drawn as empty boxes, in the font the page's text
// asks for: a character no font has (U+10FFFD) is drawn as the missing-glyph
// box, and a character that looks exactly like it has no font either.
function boxes(doc) {
  const canvas = doc.createElement("canvas");
  canvas.width = canvas.height = 48;
  const context = canvas.getContext("2d");
  context.font = "32px " + doc.defaultView.getComputedStyle(doc.body).fontFamily;
  const pixels = (text) => {
    context.clearRect(0, 0, 48, 48);
    context.fillText(text, 4, 36);
    return context.getImageData(0, 0, 48, 48).data.join();
  };
  const missing = pixels("\\u{10FFFD}");
  return Array.from("中文反向传播").filter((c) => pixels(c) === missing);
}
for (const url of %s) {
  const frame = document.createElement("iframe");
  frame.style.width = WIDTH + "px";
  frame.style.height = "800px";
  frame.src = url;
  frame.addEventListener("load", async () => {
    const kept = document.createElement("template");
    kept.dataset.page = url;
    const doc = frame.contentDocument;
    if (doc) {
      await doc.fonts.ready;
      kept.dataset.overflow = JSON.stringify(overflowing(doc));
      kept.dataset.boxes = JSON.stringify(boxes(doc));
      kept.innerHTML = doc.documentElement.outerHTML;
    } else {
      kept.dataset.error = "the page's DOM could not be read";
    }
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
    overflow: dict[str, list[str]]  # file URL -> what scrolls sideways
    off_machine: list[str]  # URLs the pages requested that are not file URLs
    boxes: dict[str, list[str]]  # file URL -> Chinese characters with no font


def open_in_chromium(
    pages: list[Path], env: dict[str, str] | None = None
) -> BrowserRun:
    """Open the pages in headless Chromium; their rendered DOM and their requests.

    ``env`` replaces Chromium's environment (the tests use it to hide fonts).
    """
    binary = chromium()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        urls = [p.resolve().as_uri() for p in pages]
        harness = work / "harness.html"
        harness.write_text(HARNESS % (WIDTH, json.dumps(urls)), encoding="utf-8")
        net_log = work / "net-log.json"
        result = subprocess.run(
            [binary, *CHROMIUM_FLAGS, f"--user-data-dir={work / 'profile'}"]
            + [f"--log-net-log={net_log}", "--dump-dom", harness.as_uri()],
            capture_output=True,
            text=True,
            timeout=300,
            env=env,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        root = parse(result.stdout)
        rendered, overflow, boxes = {}, {}, {}
        for node in root.walk():
            if node.tag == "template" and "data-page" in node.attrs:
                assert "data-error" not in node.attrs, node.attrs
                url = node.attrs["data-page"]
                rendered[url] = serialise(node)
                overflow[url] = json.loads(node.attrs["data-overflow"])
                boxes[url] = json.loads(node.attrs["data-boxes"])
        missing = set(urls) - set(rendered)
        assert not missing, f"Chromium did not finish loading {sorted(missing)}"
        return BrowserRun(rendered, overflow, page_requests(net_log), boxes)


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
    return len(math_elements(parse(page.read_text(encoding="utf-8"))))


@pytest.fixture(scope="module")
def browser(site: Path, docstring_math_site: Path) -> BrowserRun:
    pages = [site / f"{page}.html" for page in ALL_PAGES]
    return open_in_chromium([*pages, docstring_math_site / "index.html"])


@pytest.mark.parametrize("page", MATH_PAGES)
def test_math_renders_in_chromium(site: Path, browser: BrowserRun, page: str) -> None:
    built = site / f"{page}.html"
    expected = built_math_count(built)
    assert expected > 5
    rendered = browser.rendered[built.resolve().as_uri()]
    assert math_problems(rendered, expected) == []


def test_docstring_math_renders_in_chromium(
    docstring_math_site: Path, browser: BrowserRun
) -> None:
    built = docstring_math_site / "index.html"
    expected = built_math_count(built)
    assert expected == 5
    assert math_problems(browser.rendered[built.resolve().as_uri()], expected) == []


@pytest.mark.parametrize("page", ALL_PAGES)
def test_no_sideways_scrolling(site: Path, browser: BrowserRun, page: str) -> None:
    """At 1280 px nothing scrolls sideways or sticks out of the text column."""
    assert browser.overflow[(site / f"{page}.html").resolve().as_uri()] == []


def test_pages_request_nothing_off_the_machine(browser: BrowserRun) -> None:
    assert browser.off_machine == []


def test_browser_check_fails_on_broken_pages(site: Path, tmp_path: Path) -> None:
    """Broken TeX, TeX left as text, a missing renderer, a remote resource and a
    page wider than the window: all caught."""
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
            '<img src="https://example.invalid/figure.png" alt="">'
            f'<pre style="white-space: pre">{"x" * 400}</pre>'
            f'<p style="width: {2 * WIDTH}px">wide</p>'
            '<table style="width: 900px"><tr><td>a wide table</td></tr></table>',
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
    wide = run.overflow[broken.resolve().as_uri()]
    assert any(w.startswith("the page:") for w in wide), wide
    assert any(w.startswith("pre ") and "xxxx" in w for w in wide), wide
    assert any(w.startswith("table ") and "a wide table" in w for w in wide), wide
    assert run.overflow[unrendered.resolve().as_uri()] == []


ZH_PAGES = [page for page in ALL_PAGES if page.startswith("zh/")]


@pytest.mark.parametrize("page", ZH_PAGES)
def test_chinese_is_drawn_in_a_font(site: Path, browser: BrowserRun, page: str) -> None:
    """Not as empty boxes: a CJK font (bp4.css names them) is installed."""
    assert browser.boxes[(site / f"{page}.html").resolve().as_uri()] == [], (
        "Chinese characters drawn as empty boxes: install a CJK font "
        "(Debian: apt-get install fonts-noto-cjk)"
    )


def test_box_check_finds_empty_boxes(site: Path, tmp_path: Path) -> None:
    """With fontconfig shown no CJK font, the check sees the boxes."""
    dejavu = Path("/usr/share/fonts/truetype/dejavu")  # Latin only, if present
    fonts = tmp_path / "fonts.conf"
    fonts.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        + (f"<dir>{dejavu}</dir>" if dejavu.is_dir() else "")
        + f"<cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    env = {**os.environ, "FONTCONFIG_FILE": str(fonts)}
    page = site / "zh" / "equations.html"
    run = open_in_chromium([page], env=env)
    assert run.boxes[page.resolve().as_uri()] == list("中文反向传播")
