"""``bp4.check``: is a student's BP1–BP4 right, and if not, which mistake is it?

The checks run in order and stop at the first that fails:

1. the signature: the function takes the arguments bp4's does (``out=`` may
   be left out);
2. the type and shape of what it returns, on cases whose widths all differ
   and with m = 1 (see :mod:`bp4.teaching.cases`);
3. the values, against :mod:`bp4.teaching.reference`, in float64 and float32,
   read as the gradient check reads its gradients, at the precision of the
   inputs (:func:`bp4.teaching.comparison.compare`);
4. that the inputs come back unchanged (and, if it takes ``out=``, that it
   returns the right values when given it).

A result that fails 2 or 3 is compared with each mistaken formula of the
task's catalogue (:mod:`bp4.teaching.mistakes`) on every case, entry by entry
(:mod:`bp4.teaching.compare`); the first that agrees on all of them names the
mistake. The student's calls run in
:mod:`bp4.teaching.sandbox`, so an exception or a hang becomes feedback.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import numpy as np

from ..array import Array
from . import exercises as _exercises  # noqa: F401 (registers the exercises' tasks)
from .cases import Case
from .compare import all_agree
from .comparison import compare
from .messages import check_lang, say
from .mistakes import Formula, Mistake
from .report import CheckReport
from .sandbox import DEFAULT_TIMEOUT, Call, Outcome, TypeName, run_calls
from .tasks import NAMES, TASKS, Task, task_cases


def check(
    fn: Callable[..., Any],
    equation: str | None = None,
    *,
    lang: str = "en",
    timeout: float = DEFAULT_TIMEOUT,
) -> CheckReport:
    """Check a student's function for one of BP1–BP4 (or an exercise) and explain.

    ``equation`` is "BP1" … "BP4", "softmax" or an exercise's name; by default
    it comes from ``fn.__name__`` when that is one of bp4.backprop's names
    (``output_error``, ``hidden_error``, ``bias_gradient``, ``weight_gradient``,
    ``softmax_output_error``) or an exercise's. ``lang`` is "en" or "zh";
    ``timeout`` is the time in seconds all of the function's calls together
    may take. The report's ``str()`` is the feedback in words; in a notebook
    it shows typeset.
    """
    lang = check_lang(lang)
    task = find_task(fn, equation)
    if not isinstance(timeout, (int, float)) or not timeout > 0:
        raise ValueError(
            f"timeout must be a positive number of seconds; got {timeout!r}"
        )
    return Checker(task, lang, float(timeout)).run(fn)


def find_task(fn: Any, equation: str | None) -> Task:
    if equation is not None:
        key = NAMES.get(equation, equation)
        if key not in TASKS:
            raise ValueError(
                f"equation must be one of {', '.join(TASKS)} (or a function name "
                f"{', '.join(NAMES)}); got {equation!r}"
            )
        return TASKS[key]
    name = getattr(fn, "__name__", None)
    if name in NAMES:
        return TASKS[NAMES[name]]
    raise ValueError(
        f"cannot tell which equation {name or fn!r} is: name the function one of "
        f"{', '.join(NAMES)}, or pass equation= ('BP1' … 'BP4' or an exercise's name)"
    )


class Checker:
    """One check of one function against one task."""

    def __init__(self, task: Task, lang: str, timeout: float) -> None:
        self.task, self.lang, self.timeout = task, lang, timeout
        self.cases = task_cases(task.key)

    def say(self, key: str, **values: Any) -> str:
        return say(self.lang, key, **values)

    def report(self, mistake: str | None, *lines: str, **kw: Any) -> CheckReport:
        expected, actual = kw.get("expected"), kw.get("actual")
        if (
            self.task.gradients and expected and actual
        ):  # show the first layer that differs
            i = next(
                (
                    i
                    for i, (e, a) in enumerate(zip(expected, actual))
                    if e.shape != a.shape or not all_agree([a], [e], kw["case"].dtype)
                ),
                0,
            )
            kw["expected"], kw["actual"] = [expected[i]], [actual[i]]
        return CheckReport(
            passed=mistake is None, equation=self.task.key, mistake=mistake,
            lang=self.lang, task=self.task, lines=[line for line in lines if line],
            **kw,
        )  # fmt: skip

    def run(self, fn: Callable[..., Any]) -> CheckReport:
        problem = self.signature(fn)
        if problem:
            return self.report("signature", problem)
        calls: list[Call] = [(case.args, {}) for case in self.cases]
        first = self.cases[0]
        takes_out = _takes_out(fn) and not self.task.gradients
        if takes_out:  # out= full of NaN: a result read from it before written shows
            out: Array = np.full(first.expected[0].shape, np.nan, dtype=first.dtype)
            calls.append((first.args, {"out": out}))
        outcomes = run_calls(fn, calls, self.timeout)
        failure = self.judge(outcomes)
        if failure is not None:
            return failure
        for outcome in outcomes:
            if outcome.modified:
                param = self.task.params[outcome.modified[0]]
                return self.report(
                    "modified_input",
                    self.say("modified", param=param, symbol=self.symbol()),
                )
        if takes_out:
            value = self.as_list(outcomes[-1].value)
            if (
                outcomes[-1].kind != "returned"
                or value is None
                or not all_agree(value, first.expected, first.dtype)
            ):
                return self.report("out", self.say("out_wrong"))
        main = sum(case.main for case in self.cases)
        return self.report(None, self.say("passed", n=main))

    # -- the checks ---------------------------------------------------------------

    def signature(self, fn: Any) -> str | None:
        params = self.task.params
        if not callable(fn):
            return self.say("not_a_function", what=type(fn).__name__)
        try:
            signature = inspect.signature(fn)
        except (TypeError, ValueError):  # a built-in without one: let the call tell
            return None
        try:
            signature.bind(*params)
        except TypeError:
            theirs = ", ".join(
                p.name for p in signature.parameters.values() if p.name != "self"
            )
            return self.say(
                "signature", name=self.task.name, count=len(params),
                params=", ".join(params), theirs=theirs,
            )  # fmt: skip
        return None

    def judge(self, outcomes: list[Outcome]) -> CheckReport | None:
        """The report of the first main case that fails, or None if all pass."""
        for case, outcome in zip(self.cases, outcomes):
            if not case.main:
                continue
            where = case.describe()
            if outcome.kind == "timeout":
                return self.report(
                    "timeout", self.say("timeout", timeout=self.timeout, case=where)
                )
            if outcome.kind == "raised":
                if outcome.error.startswith("NotImplementedError"):
                    return self.report("not_implemented", self.say("not_implemented"))
                recognised = self.recognise(outcomes)
                if recognised:
                    note = self.say("main_raised", error=outcome.error)
                    return self.named(*recognised, case, note)
                line = self.say("line", line=outcome.line) if outcome.line else ""
                error = self.say("raised", error=outcome.error, line=line, case=where)
                return self.report("raised", error)
            problem = self.type_problem(outcome.value, case)
            if problem:
                return self.report(*problem)
            value = self.as_list(outcome.value)
            assert value is not None
            for got, want in zip(value, case.expected):
                if got.shape != want.shape:
                    recognised = self.recognise(outcomes)
                    if recognised:
                        note = self.say("main_shape", actual=got.shape)
                        return self.named(*recognised, case, note)
                    return self.report(
                        "shape",
                        self.say(
                            "shape", symbol=self.symbol(),
                            shape=self.task.words(self.lang)[2],
                            expected=want.shape, actual=got.shape, case=where,
                        ),
                    )  # fmt: skip
                if not np.all(np.isfinite(got)):
                    return self.report(
                        "not_finite",
                        self.say("not_finite", symbol=self.symbol(), case=where),
                    )
            if not _good(value, case):
                recognised = self.recognise(outcomes)
                if recognised:
                    return self.named(*recognised, case, "")
                diff = max(
                    float(np.max(np.abs(g - e))) for g, e in zip(value, case.expected)
                )
                return self.report(
                    "values",
                    self.say(
                        "values", symbol=self.symbol(), case=where, diff=diff,
                        component=self.task.words(self.lang)[1],
                    ),
                    case=case, expected=case.expected, actual=value,
                )  # fmt: skip
        return None

    def type_problem(self, value: Any, case: Case) -> tuple[str, str] | None:
        if self.task.gradients:
            if self.as_list(value) is None:
                layers = len(case.expected) // 2
                what = _describe(value)
                return "wrong_type", self.say("structure", layers=layers, what=what)
            arrays = self.as_list(value) or []
        elif not isinstance(value, np.ndarray):
            hint = self.say("return_out") if value is None else ""
            what = _describe(value)
            return "wrong_type", self.say(
                "wrong_type", symbol=self.symbol(), what=what
            ) + (" " + hint if hint and self.lang == "en" else hint)
        else:
            arrays = [value]
        for got in arrays:
            if got.dtype.kind != "f":
                return "wrong_type", self.say(
                    "dtype", symbol=self.symbol(), dtype=got.dtype
                )
            if got.dtype.itemsize < np.dtype(case.dtype).itemsize:
                return "precision", self.say(
                    "precision", symbol=self.symbol(), dtype=got.dtype,
                    inputs=np.dtype(case.dtype).name,
                )  # fmt: skip
        return None

    def as_list(self, value: Any) -> list[Array] | None:
        """What the function returned as a list of arrays, or None if it has another form."""
        if not self.task.gradients:
            return [value] if isinstance(value, np.ndarray) else None
        if not (isinstance(value, (tuple, list)) and len(value) == 2):
            return None
        nabla_w, nabla_b = value
        layers = len(self.cases[0].expected) // 2
        parts = [*nabla_w, *nabla_b] if _sequences(nabla_w, nabla_b) else []
        if len(parts) != 2 * layers or not all(
            isinstance(p, np.ndarray) for p in parts
        ):
            return None
        return parts

    def symbol(self) -> str:
        return self.task.symbol or "(nabla_w, nabla_b)"

    # -- naming the mistake ----------------------------------------------------

    def recognise(self, outcomes: list[Outcome]) -> tuple[Mistake, Case] | None:
        """The first catalogued mistake whose formula agrees with every result."""
        for mistake in self.task.catalogue:
            for formula in mistake.formulas:
                shown = self.shows(formula, outcomes)
                if shown is not None:
                    return mistake, shown
        return None

    def shows(self, formula: Formula, outcomes: list[Outcome]) -> Case | None:
        """The smallest case on which ``formula`` differs from the answer, if it
        agrees with the student everywhere; None if it does not."""
        shown = []
        for case, outcome in zip(self.cases, outcomes):
            predicted = _predict(formula, case)
            got = self.as_list(outcome.value) if outcome.kind == "returned" else None
            if predicted is None:  # the formula does not run on these widths
                if got is not None and all(
                    g.shape == e.shape for g, e in zip(got, case.expected)
                ):
                    return None  # but the student's function did
                continue
            if got is None or not all_agree(got, predicted, case.dtype):
                return None
            same_shapes = [p.shape for p in predicted] == [
                e.shape for e in case.expected
            ]
            if not (same_shapes and all_agree(predicted, case.expected, case.dtype)):
                shown.append(case)
        return min(shown, key=_size) if shown else None

    def named(
        self, mistake: Mistake, shown: Case, main: Case, note: str
    ) -> CheckReport:
        words = mistake.zh if self.lang == "zh" else mistake.en
        lines = [
            self.say("mistake", words=words, text=mistake.text),
            self.say("smallest", case=shown.describe()),
        ]
        if note:
            lines.append(self.say("main_note", case=main.describe(), what=note))
        actual = _predict(next(iter(mistake.formulas)), shown)
        for formula in mistake.formulas:  # the variant the student wrote
            predicted = _predict(formula, shown)
            if predicted is not None:
                actual = predicted
        return self.report(
            mistake.key, *lines, case=shown, expected=shown.expected, actual=actual,
        )  # fmt: skip


def _good(values: list[Array], case: Case) -> bool:
    """The values read "good" against the answer, as the gradient check reads its
    gradients: at the precision of the case's dtype, with rounding's floor."""
    return len(values) == len(case.expected) and all(
        compare(v, e, case.dtype).reading == "good"
        for v, e in zip(values, case.expected)
    )


def _predict(formula: Formula, case: Case) -> list[Array] | None:
    try:
        with np.errstate(all="ignore"):
            value = formula(case.args)
    except (ValueError, IndexError):
        return None
    arrays = value if isinstance(value, list) else [value]
    return [np.asarray(v) for v in arrays]


def _size(case: Case) -> int:
    return sum(e.size for e in case.expected)


def _sequences(*values: Any) -> bool:
    return all(isinstance(v, (list, tuple)) for v in values)


def _takes_out(fn: Any) -> bool:
    try:
        parameters = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.name == "out" for p in parameters)


def _describe(value: Any) -> str:
    if value is None or isinstance(value, TypeName):
        return str(value)
    if isinstance(value, (tuple, list)):
        inner = ", ".join(_describe(v) for v in value[:3])
        return f"a {type(value).__name__} ({inner}{', …' if len(value) > 3 else ''})"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    return f"{type(value).__name__} {str(value)[:40]}".strip()
