"""bp4.check: each catalogued mistake named in student code written unlike its formula.

The students' functions below use loops, np.dot, np.einsum and in-place
updates; the recognisers in bp4.teaching.mistakes are matrix formulas. That
each mistake is still named shows the recogniser works from the mathematics.
"""

from __future__ import annotations

import itertools
import sys

import numpy as np
import pytest

import bp4
from bp4.teaching.cases import Case
from bp4.teaching.check import _predict
from bp4.teaching.compare import all_agree
from bp4.teaching.tasks import TASKS, task_cases


def sp(z):  # a student's σ'
    s = 1 / (1 + np.exp(-z))
    return s * (1 - s)


# -- BP1 -------------------------------------------------------------------------


def bp1_loops(nabla_a, sigma_prime_zL):
    delta = np.zeros(nabla_a.shape)
    for j in range(nabla_a.shape[0]):
        for x in range(nabla_a.shape[1]):
            delta[j, x] = nabla_a[j, x] * sigma_prime_zL[j, x]
    return delta


BP1_STUDENTS = {
    "no_sigma_prime": lambda nabla_a, s: nabla_a.copy(),
    "plus_instead_of_hadamard": lambda nabla_a, s: np.add(nabla_a, s),
    "matrix_product": lambda nabla_a, s: np.dot(nabla_a, s),
    "delta_averaged": lambda nabla_a, s: np.tile(
        np.einsum("jx,jx->j", nabla_a, s)[:, None] / s.shape[1], (1, s.shape[1])
    ),
    "sigma_prime_again": lambda nabla_a, s: bp1_loops(nabla_a, sp(s)),
    "sign": lambda nabla_a, s: np.negative(bp1_loops(nabla_a, s)),
    "transposed": lambda nabla_a, s: (nabla_a * s).T.copy(),
}

# -- BP2 -------------------------------------------------------------------------


def bp2_loops(w, d, s):
    out = np.zeros(s.shape)
    for j in range(w.shape[1]):
        for x in range(d.shape[1]):
            out[j, x] = sum(w[k, j] * d[k, x] for k in range(w.shape[0])) * s[j, x]
    return out


def bp2_sigma_at_next(w, d, s):
    back = d.copy()
    back *= s  # σ' applied to δ^{l+1}, then back through w^T
    return np.einsum("kj,km->jm", w, back)


BP2_STUDENTS = {
    "no_transpose": lambda w, d, s: np.einsum("jk,km->jm", w, d) * s,
    "no_sigma_prime": lambda w, d, s: np.dot(w.T, d),
    "plus_instead_of_hadamard": lambda w, d, s: np.dot(w.T, d) + s,
    "matrix_product": lambda w, d, s: np.dot(np.dot(w.T, d), s),
    "wrong_layer_sigma_prime": bp2_sigma_at_next,
    "delta_averaged": lambda w, d, s: bp2_loops(w, d, s).mean(axis=1)[:, None],
    "sigma_prime_again": lambda w, d, s: bp2_loops(w, d, sp(s)),
    "sign": lambda w, d, s: -bp2_loops(w, d, s),
    "transposed": lambda w, d, s: (d.T @ w) * s.T,
}

# -- BP3 and BP4 -------------------------------------------------------------------


def bp3_summed(delta):
    total = np.zeros((delta.shape[0], 1))
    for x in range(delta.shape[1]):
        total[:, 0] += delta[:, x]
    return total


BP3_STUDENTS = {
    "summed": bp3_summed,
    "wrong_axis": lambda delta: np.average(delta, axis=0)[None, :],
    "wrong_count": lambda delta: bp3_summed(delta) / len(delta),
    "not_averaged": lambda delta: delta * 1.0,
    "sign": lambda delta: -bp3_summed(delta) / delta.shape[1],
    "transposed": lambda delta: np.mean(delta, axis=1)[None, :],
    "one_dimensional": lambda delta: np.mean(delta, axis=1),
}


def bp4_sum(delta, a_prev):
    total = np.zeros((delta.shape[0], a_prev.shape[0]))
    for x in range(delta.shape[1]):
        total += np.outer(delta[:, x], a_prev[:, x])
    return total


BP4_STUDENTS = {
    "summed": lambda delta, a_prev: np.einsum("jm,km->jk", delta, a_prev),
    "a_delta_T": lambda delta, a_prev: np.dot(a_prev, delta.T) / delta.shape[1],
    "product_of_means": lambda delta, a_prev: np.outer(
        delta.mean(axis=1), a_prev.mean(axis=1)
    ),
    "wrong_count": lambda delta, a_prev: bp4_sum(delta, a_prev) / delta.shape[0],
    "hadamard_instead_of_product": lambda delta, a_prev: np.mean(
        delta * a_prev, axis=1, keepdims=True
    ),
    "sign": lambda delta, a_prev: -bp4_sum(delta, a_prev) / delta.shape[1],
}

SOFTMAX_STUDENTS = {
    "elementwise_form": lambda nabla_a, a_L: nabla_a * (a_L - a_L**2),
    "no_dot_term": lambda nabla_a, a_L: np.multiply(a_L, nabla_a),
    "sign": lambda nabla_a, a_L: a_L * (np.einsum("kx,kx->x", a_L, nabla_a) - nabla_a),
    "transposed": lambda nabla_a, a_L: (a_L * (nabla_a - (a_L * nabla_a).sum(0))).T,
}

STUDENTS = [
    (equation, mistake, fn)
    for equation, table in (
        ("BP1", BP1_STUDENTS),
        ("BP2", BP2_STUDENTS),
        ("BP3", BP3_STUDENTS),
        ("BP4", BP4_STUDENTS),
        ("softmax", SOFTMAX_STUDENTS),
    )
    for mistake, fn in table.items()
]


@pytest.mark.parametrize(
    "equation, mistake, fn", STUDENTS, ids=[f"{e}-{m}" for e, m, _ in STUDENTS]
)
def test_each_mistake_is_named(equation, mistake, fn):
    report = bp4.check(fn, equation)
    assert not report.passed
    assert (report.equation, report.mistake) == (equation, mistake), str(report)
    assert str(report).startswith(f"✗ {equation} (")
    assert "Traceback" not in str(report)


def test_every_catalogued_mistake_has_a_student():
    """Each mistake of BP1–BP4 and softmax is tried on a student's function above."""
    for equation in ("BP1", "BP2", "BP3", "BP4", "softmax"):
        tried = {m for e, m, _ in STUDENTS if e == equation}
        assert {m.key for m in TASKS[equation].catalogue} == tried


@pytest.mark.parametrize("key", sorted(TASKS))
def test_the_cases_tell_the_mistakes_apart(key):
    """On the chosen cases, no two mistaken formulas (nor one and the answer) agree
    on every case where both run: else one would hide the other."""
    cases = task_cases(key)
    formulas = [(m.key, f) for m in TASKS[key].catalogue for f in m.formulas] + [
        ("right", None)
    ]

    def values(formula, case: Case):
        return case.expected if formula is None else _predict(formula, case)

    for (k1, f1), (k2, f2) in itertools.combinations(formulas, 2):
        if k1 == k2:
            continue
        differ = False
        for case in cases:
            v1, v2 = values(f1, case), values(f2, case)
            if v1 is None or v2 is None:
                differ = differ or (v1 is None) != (v2 is None)
                continue
            if [v.shape for v in v1] != [v.shape for v in v2] or not all_agree(
                v1, v2, np.float64
            ):
                differ = True
        assert differ, f"{key}: {k1} and {k2} agree on every case"


# -- the right answers, however written ---------------------------------------------

RIGHT = {
    "BP1": [
        bp1_loops,
        lambda nabla_a, sigma_prime_zL, out=None: np.multiply(
            nabla_a, sigma_prime_zL, out=out
        ),
        bp4.output_error,
    ],
    "BP2": [
        bp2_loops,
        lambda w, d, s: np.einsum("kj,km->jm", w, d) * s,
        bp4.hidden_error,
    ],
    "BP3": [
        lambda delta: np.mean(delta, axis=1, keepdims=True),
        lambda delta: bp3_summed(delta) / delta.shape[1],  # float64 for float32 inputs
        bp4.bias_gradient,
    ],
    "BP4": [
        lambda delta, a_prev: bp4_sum(delta, a_prev) / delta.shape[1],
        lambda delta, a_prev, out=None: np.dot(delta, a_prev.T) / delta.shape[1],
        bp4.weight_gradient,
    ],
    "softmax": [
        lambda nabla_a, a_L: a_L * (nabla_a - (a_L * nabla_a).sum(axis=0)),
        bp4.softmax_output_error,
    ],
}


@pytest.mark.parametrize(
    "equation, fn",
    [(e, f) for e, fs in RIGHT.items() for f in fs],
)
def test_right_answers_pass(equation, fn):
    report = bp4.check(fn, equation)
    assert report.passed and report.mistake is None, str(report)
    assert report.equation == equation


def test_the_equation_comes_from_the_name():
    def hidden_error(w_next, delta_next, sigma_prime_z):
        return (w_next.T @ delta_next) * sigma_prime_z

    assert bp4.check(hidden_error).equation == "BP2"
    with pytest.raises(ValueError, match="cannot tell which equation"):
        bp4.check(lambda d: d)
    with pytest.raises(ValueError, match="equation must be one of"):
        bp4.check(hidden_error, "BP5")


def test_the_example_from_the_issue_is_named():
    """The lambda whose NumPy error bp4 used to pass on."""
    report = bp4.check(lambda w, d, s, out=None: (w @ d) * s, "BP2")
    assert report.mistake == "no_transpose"
    assert "(size 2 is different from 5)" in report.message


# -- shapes, types and hostile code ------------------------------------------------


def test_a_transposed_shape_is_named_in_the_texts_notation():
    report = bp4.check(lambda w, d, s: np.ones((3, 5)), "BP2")
    assert report.mistake == "shape"
    assert "δ^l must be (n_l, m) = (5, 3); yours is (3, 5)" in report.message


def hang(w, d, s):
    while True:
        pass


def exits(w, d, s):
    sys.exit(3)


def modifies(w, d, s):
    d *= 2  # writes into δ^{l+1}
    return (w.T @ d) * s / 2


def bad_out(w, d, s, out=None):
    if out is not None:
        out += w.T @ d  # adds to whatever out held
        out *= s
        return out
    return (w.T @ d) * s


HOSTILE = {
    "raised": lambda w, d, s: 1 / 0,
    "wrong_type": lambda w, d, s: ((w.T @ d) * s).tolist(),
    "not_finite": lambda w, d, s: (w.T @ d) * s * np.nan,
    "timeout": hang,
    "not_implemented": lambda w, d, s: (_ for _ in ()).throw(NotImplementedError),
    "signature": lambda w, d: w,
    "precision": lambda w, d, s: ((w.T @ d) * s).astype(np.float16),
    "modified_input": modifies,
    "out": bad_out,
}


@pytest.mark.parametrize("mistake", sorted(HOSTILE))
def test_hostile_code_is_feedback(mistake):
    report = bp4.check(HOSTILE[mistake], "BP2", timeout=1)
    assert not report.passed
    assert report.mistake == mistake, str(report)
    assert "Traceback" not in str(report)


def test_an_exit_or_none_is_feedback():
    report = bp4.check(exits, "BP2", timeout=5)
    assert report.mistake == "raised" and "SystemExit" in report.message
    report = bp4.check(lambda w, d, s, out=None: None, "BP2")
    assert report.mistake == "wrong_type"
    assert "must also return it" in report.message


def test_a_raise_names_the_line_of_the_students_code():
    def hidden_error(w_next, delta_next, sigma_prime_z):
        raise KeyError("oops")

    report = bp4.check(hidden_error)
    line = hidden_error.__code__.co_firstlineno + 1
    assert f"KeyError: 'oops' (line {line} of your code)" in report.message


def test_integer_results_are_the_wrong_type():
    report = bp4.check(lambda delta: np.zeros((delta.shape[0], 1), dtype=int), "BP3")
    assert report.mistake == "wrong_type" and "dtype int64" in report.message


# -- Chinese ----------------------------------------------------------------------


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.mark.parametrize("mistake", sorted(HOSTILE))
def test_chinese_feedback_for_hostile_code(mistake):
    report = bp4.check(HOSTILE[mistake], "BP2", lang="zh", timeout=1)
    assert report.mistake == mistake
    assert _has_chinese(report.message) and "your" not in report.message
    assert str(report).startswith("✗ BP2：用下一层的误差表示当前层的误差")


@pytest.mark.parametrize(
    "equation, mistake, fn", STUDENTS, ids=[f"{e}-{m}" for e, m, _ in STUDENTS]
)
def test_chinese_names_each_mistake(equation, mistake, fn):
    report = bp4.check(fn, equation, lang="zh")
    assert report.mistake == mistake
    assert _has_chinese(report.message)
    for english in ("You computed", "smallest case", "expected"):
        assert english not in str(report)


def test_lang_is_checked():
    with pytest.raises(ValueError, match="lang must be 'en' or 'zh'; got 'fr'"):
        bp4.check(bp4.hidden_error, lang="fr")


# -- the notebook's view ----------------------------------------------------------


def test_markdown_shows_the_equation_and_both_matrices():
    report = bp4.check(BP2_STUDENTS["no_sigma_prime"], "BP2")
    md = report._repr_markdown_()
    assert md.startswith("**✗ BP2 (")
    assert r"$$" in md and r"\odot \sigma'(z^l)" in md
    assert r"\text{expected}" in md and r"\text{yours}" in md


def test_record_for_a_grade_sheet():
    record = bp4.check(BP2_STUDENTS["no_transpose"], "BP2").record()
    assert record["equation"] == "BP2" and record["passed"] is False
    assert record["mistake"] == "no_transpose" and record["function"] == "hidden_error"


def test_a_mistake_outside_the_catalogue_gets_the_general_feedback():
    report = bp4.check(lambda w, d, s: 1.5 * (w.T @ d) * s, "BP2")
    assert report.mistake == "values" and not report.passed
    assert "not a mistake bp4 knows" in report.message
    assert "δ^l_j = Σ_k w^{l+1}_{kj} δ^{l+1}_k σ'(z^l_j)" in report.message


def test_float32_arithmetic_is_judged_at_float32_precision():
    def hidden_error(w_next, delta_next, sigma_prime_z):  # in the inputs' dtype
        out = np.zeros(sigma_prime_z.shape, dtype=sigma_prime_z.dtype)
        for k in range(w_next.shape[0]):
            out += np.outer(w_next[k], delta_next[k])
        return out * sigma_prime_z

    assert bp4.check(hidden_error).passed
