"""A check's verdict: in words for ``print``, typeset for a notebook."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ..array import Array
from .messages import say
from .typeset import display, matrix

if TYPE_CHECKING:
    from .cases import Case
    from .tasks import Task


@dataclass
class CheckReport:
    """``passed``; ``equation`` ("BP2", or an exercise's name); ``mistake``, a
    short key ("no_transpose", "shape", "raised", …) or None when it passed;
    ``str()`` the feedback, headed by the equation's label. ``case``,
    ``expected`` and ``actual`` are the case that shows a wrong result, the
    reference's answer and the student's, when there is one."""

    passed: bool
    equation: str
    mistake: str | None
    lang: str
    task: Task = field(repr=False)
    lines: list[str] = field(default_factory=list, repr=False)
    case: Case | None = field(default=None, repr=False)
    expected: list[Array] | None = field(default=None, repr=False)
    actual: list[Array] | None = field(default=None, repr=False)

    @property
    def message(self) -> str:
        return ("" if self.lang == "zh" else " ").join(self.lines)

    def heading(self) -> str:
        mark = "✓" if self.passed else "✗"
        colon = "：" if self.lang == "zh" else ": "
        return (
            f"{mark} {self.task.label(self.lang)}{colon}{self.task.words(self.lang)[0]}"
        )

    def __str__(self) -> str:
        text = [self.heading(), "  " + self.message]
        if self.expected is not None and self.actual is not None:
            for label, arrays in (("expected", self.expected), ("yours", self.actual)):
                text.append(
                    f"  {say(self.lang, label)}{':' if self.lang == 'en' else '：'}"
                )
                text.extend("    " + row for a in arrays for row in _rows(a))
        return "\n".join(text)

    def __bool__(self) -> bool:
        return self.passed

    def record(self) -> dict[str, Any]:
        """The report as one JSON-ready record, for a grade sheet."""
        return {
            "equation": self.equation,
            "function": self.task.name,
            "passed": self.passed,
            "mistake": self.mistake,
            "message": self.message,
        }

    def _repr_markdown_(self) -> str:
        mark = "✓" if self.passed else "✗"
        parts = [
            f"**{mark} {self.task.label(self.lang)}**",
            display(self.task.tex),
            _escape(self.message),
        ]
        if (
            self.expected is not None
            and self.actual is not None
            and _small(self.actual)
        ):
            yours, expected = say(self.lang, "yours"), say(self.lang, "expected")
            parts.append(
                display(
                    *(matrix(a, rf"\text{{{expected}}}") for a in self.expected),
                    r"\qquad",
                    *(matrix(a, rf"\text{{{yours}}}") for a in self.actual),
                )
            )
        return "\n\n".join(parts) + "\n"


def _rows(a: Array) -> list[str]:
    return np.array2string(np.asarray(a), precision=4, suppress_small=True).split("\n")


def _small(arrays: list[Array]) -> bool:
    return all(np.ndim(a) <= 2 and np.size(a) <= 64 for a in arrays)


def _escape(text: str) -> str:
    """Markdown's own characters in a sentence shown as written."""
    for ch in "\\*_[]`<>#":
        text = text.replace(ch, "\\" + ch)
    return text
