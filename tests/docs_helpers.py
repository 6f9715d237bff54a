"""Shared pieces of the documentation tests: the strict build, Markdown blocks,
and a small HTML tree for reading built and rendered pages."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
IN_CI = bool(os.environ.get("CI"))

# Files the docs show that other parts of bp4 produce (committed with them).
GENERATED = {
    "benchmarks/results/epoch.md": "benchmarks/epoch.py",
    "docs/figures/learning_slowdown.png": "examples/learning_slowdown.py",
}


def build_html(source: Path, out: Path) -> None:
    """Build ``source`` strictly (warnings are errors) into ``out``."""
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html"]
        + [str(source), str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, (
        f"the strict docs build failed:\n{result.stdout}\n{result.stderr}"
    )


# -- Markdown ---------------------------------------------------------------------


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


MARKDOWN_PAGES = sorted(
    p
    for p in DOCS.rglob("*.md")
    if "_build" not in p.parts and "_static" not in p.parts
)


def page_id(path: Path) -> str:
    return path.relative_to(DOCS).as_posix()


# -- HTML ---------------------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta"}
VOID |= {"source", "track", "wbr", "param"}


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
    """A small DOM, enough for Sphinx's output and Chromium's serialisation."""

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


def math_elements(root: Node) -> list[Node]:
    """The formulas Sphinx wrote (katex_offline's span.math and div.math)."""
    return [n for n in root.walk() if "math" in n.classes and n.tag in ("span", "div")]
