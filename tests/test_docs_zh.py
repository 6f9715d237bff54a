"""The Chinese pages: one for every English page a student reads, the same
math and code, links both ways, Chinese contents, no stray spaces.

A space between two Chinese characters is a mistake in Chinese text; the
usual source of one is a line break inside a sentence, which HTML shows as a
space. So the Chinese Markdown keeps each paragraph on one line, and the
built pages are checked as well as the sources.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from docs_helpers import (
    DOCS,
    MARKDOWN_PAGES,
    Node,
    fenced_blocks,
    parse,
    prose_lines,
)

# English page -> its Chinese page.
ZH = {
    page: f"zh/{page}"
    for page in [
        "index",
        "notation",
        "cost",
        "hadamard",
        "equations",
        "algorithm",
        "implications",
        "output_layers",
        "chapter3",
        "targets",
        "vanishing",
        "estimators",
        "tutorials/digits",
        "tutorials/gradcheck",
        "tutorials/script",
        "reading",
        "teaching",
    ]
}
# English pages without a Chinese version, and why.
ENGLISH_ONLY = {
    "performance": "one machine's measurements, as benchmarks/epoch.py wrote them",
    "api": "generated from bp4's English docstrings",
}

PAGES = sorted(ZH.items())
CJK = "\u2e80-\u9fff\u3000-\u303f\uff00-\uffef"  # CJK characters and punctuation
GAP = re.compile(f"[{CJK}]\\s+[{CJK}]")


def page_name(path: Path) -> str:
    return path.relative_to(DOCS).with_suffix("").as_posix()


def source(page: str) -> str:
    return (DOCS / f"{page}.md").read_text(encoding="utf-8")


def title(page: str) -> str:
    first = source(page).splitlines()[0]
    assert first.startswith("# "), f"{page}.md does not start with its title"
    return first[2:].strip()


def relative(start: str, target: str) -> str:
    """The link from page ``start`` to page ``target``, as Markdown writes it."""
    depth = start.count("/")
    return "../" * depth + f"{target}.md"


def test_every_english_page_has_a_chinese_page_or_a_reason() -> None:
    names = {page_name(p) for p in MARKDOWN_PAGES}
    english = {n for n in names if not n.startswith("zh/")}
    assert english - set(ZH) - set(ENGLISH_ONLY) == set(), (
        "an English page with no Chinese page: add one under docs/zh/ and to ZH"
    )
    assert set(ZH) | set(ENGLISH_ONLY) <= english
    assert {n for n in names if n.startswith("zh/")} == set(ZH.values())


@pytest.mark.parametrize(("english", "chinese"), PAGES)
def test_language_links_both_ways(site: Path, english: str, chinese: str) -> None:
    # In the sources, the line under each title (GitHub shows these too) ...
    assert source(english).splitlines()[2] == (
        f"English · [中文]({relative(english, chinese)})"
    )
    assert source(chinese).splitlines()[2] == (
        f"[English]({relative(chinese, english)}) · 中文"
    )
    # ... and on the built pages, with each page's language declared.
    built_en = (site / f"{english}.html").read_text(encoding="utf-8")
    built_zh = (site / f"{chinese}.html").read_text(encoding="utf-8")
    to_zh = relative(english, chinese).removesuffix(".md") + ".html"
    to_en = relative(chinese, english).removesuffix(".md") + ".html"
    assert f'href="{to_zh}"' in built_en and f'href="{to_en}"' in built_zh
    assert '<html lang="en"' in built_en and '<html lang="zh-CN"' in built_zh


def display_math(text: str) -> list[str]:
    """The $$ blocks, with the words of any \\text{...} left out."""
    lines = [line for _, line in prose_lines(text)]
    blocks, current = [], None
    for line in lines:
        if line.strip() == "$$":
            if current is None:
                current = []
            else:
                blocks.append(
                    re.sub(r"\\text\{[^}]*\}", r"\\text{}", "\n".join(current))
                )
                current = None
        elif current is not None:
            current.append(line)
    return blocks


def python_code(text: str) -> list[str]:
    """Each python block as its syntax tree, without comments or docstrings."""
    dumps = []
    for block in fenced_blocks(text):
        if block.language != "python":
            continue
        tree = ast.parse(block.code)
        for node in ast.walk(tree):
            body = getattr(node, "body", None)
            if (
                isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef)
                and body
                and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)
            ):
                body[0].value.value = ""
        dumps.append(ast.dump(tree))
    return dumps


def shown_code_and_figures(page: str) -> list[str]:
    """What each literalinclude and figure of a page shows; a figure's Chinese
    drawing (``name-zh.svg``) counts as its English one."""
    found = []
    for match in re.finditer(
        r"^```\{(literalinclude|figure)\}\s+(\S+)\n((?::[^\n]*\n)*)",
        source(page),
        re.M,
    ):
        target = ((DOCS / page).parent / match[2]).resolve().as_posix()
        options = sorted(
            line
            for line in match[3].splitlines()
            if line.startswith((":pyobject:", ":lines:", ":width:", ":language:"))
        )
        found.append(f"{match[1]} {target.replace('-zh.', '.')} {options}")
    return found


@pytest.mark.parametrize(("english", "chinese"), PAGES)
def test_same_math_code_and_figures(english: str, chinese: str) -> None:
    assert display_math(source(chinese)) == display_math(source(english))
    assert python_code(source(chinese)) == python_code(source(english)), (
        f"{chinese}.md: its python blocks differ from {english}.md's "
        "(only comments and docstrings may be translated)"
    )
    assert shown_code_and_figures(chinese) == shown_code_and_figures(english)


def cjk_gaps(text: str) -> list[str]:
    """Each space (or line break) between two CJK characters, with its context."""
    return [
        text[max(0, m.start() - 8) : m.end() + 8].replace("\n", "⏎")
        for m in GAP.finditer(text)
    ]


def test_cjk_gaps_finds_what_it_must() -> None:
    assert cjk_gaps("这个变化会向网络后面的层 传播") == ["化会向网络后面的层 传播"]
    assert len(cjk_gaps("选择合适的可以\n大大降低代价。")) == 1
    assert len(cjk_gaps("误差，\n然后")) == 1  # after punctuation too
    assert cjk_gaps("第 x 层，bp4 的 Network 类") == []  # math, code, Latin words


BLOCK_START = re.compile(r"^\s*(#|[-*] |\d+\. |\||\$\$|:)")


@pytest.mark.parametrize("chinese", sorted(ZH.values()))
def test_no_space_between_chinese_characters_in_the_source(chinese: str) -> None:
    lines = prose_lines(source(chinese))
    gaps = [f"line {n}: {gap}" for n, line in lines for gap in cjk_gaps(line)]
    # A line break inside a paragraph shows as a space too: keep each
    # paragraph and each list item on one line.
    for (n, line), (m, following) in zip(lines, lines[1:]):
        joined = f"{line}\n{following}"
        if m == n + 1 and line.strip() and following.strip():
            if not BLOCK_START.match(following):
                gaps += [f"line {n}: {gap}" for gap in cjk_gaps(joined)]
    assert gaps == [], f"{chinese}.md"


def page_text(node: Node) -> str:
    """A built page's reading text: math and code as ``x``, no code blocks."""
    if node.tag in ("script", "style", "pre") or "headerlink" in node.classes:
        return ""
    if node.tag == "code" or node.classes & {"math", "katex"}:
        return "x"
    return "".join(c if isinstance(c, str) else page_text(c) for c in node.children)


def body_of(page_html: str) -> Node:
    bodies = [n for n in parse(page_html).walk() if "body" in n.classes]
    assert len(bodies) == 1
    return bodies[0]


TEXT_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dt", "caption"}


@pytest.mark.parametrize("chinese", sorted(ZH.values()))
def test_no_space_between_chinese_characters_on_the_page(
    site: Path, chinese: str
) -> None:
    built = (site / f"{chinese}.html").read_text(encoding="utf-8")
    blocks = [n for n in body_of(built).walk() if n.tag in TEXT_BLOCKS]
    assert len(blocks) > 5
    gaps = [gap for block in blocks for gap in cjk_gaps(page_text(block))]
    assert gaps == [], f"{chinese}.html"


def sidebar_of(page_html: str) -> str:
    sidebars = [n for n in parse(page_html).walk() if "sphinxsidebar" in n.classes]
    assert len(sidebars) == 1
    return page_text(sidebars[0])


@pytest.mark.parametrize("chinese", sorted(ZH.values()))
def test_chinese_pages_have_the_chinese_contents(site: Path, chinese: str) -> None:
    sidebar = sidebar_of((site / f"{chinese}.html").read_text(encoding="utf-8"))
    for english, other in PAGES:
        if english != "index":
            assert title(other) in sidebar, (chinese, title(other))
            assert title(english) not in sidebar, (chinese, title(english))


def test_english_sidebar_names_chinese_once(site: Path) -> None:
    for english in ZH:
        sidebar = sidebar_of((site / f"{english}.html").read_text(encoding="utf-8"))
        assert sidebar.count("中文") == 1, english
        assert title("zh/index") in sidebar
