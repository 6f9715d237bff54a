"""bp4.check_all and ``bp4 check FILE.py``: the assignment as a whole."""

from __future__ import annotations

import json
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pytest

import bp4
from bp4 import backprop
from bp4.teaching.check_all import swapped_in, train_accuracy

ORIGINALS = {
    name: getattr(backprop, name)
    for name in ("output_error", "hidden_error", "bias_gradient", "weight_gradient")
}

# A student's four functions, as the text writes them (no out=).
STUDENT = {
    "output_error": lambda nabla_a, sigma_prime_zL: nabla_a * sigma_prime_zL,
    "hidden_error": lambda w_next, delta_next, sigma_prime_z: (
        np.dot(w_next.T, delta_next) * sigma_prime_z
    ),
    "bias_gradient": lambda delta: delta.sum(axis=1, keepdims=True) / delta.shape[1],
    "weight_gradient": lambda delta, a_prev: (delta / delta.shape[1]) @ a_prev.T,
}


def assert_restored():
    for name, fn in ORIGINALS.items():
        assert getattr(backprop, name) is fn


def test_correct_functions_train_exactly_like_bp4s_own():
    report = bp4.check_all(STUDENT)
    assert report.passed, str(report)
    assert [r.equation for r in report.reports] == ["BP1", "BP2", "BP3", "BP4"]
    assert report.accuracy == report.reference_accuracy > 0.9
    assert_restored()


def test_a_module_of_functions():
    module = types.ModuleType("student")
    module.hidden_error = STUDENT["hidden_error"]
    report = bp4.check_all(module, lang="zh")
    assert report.passed and len(report.reports) == 1
    assert "全部 1 个函数都通过了" in str(report)


def test_a_wrong_bp1_fails_and_trains_worse():
    student = dict(STUDENT, output_error=lambda nabla_a, s: nabla_a)  # no ⊙σ'
    report = bp4.check_all(student)
    assert not report.passed
    assert report.reports[0].mistake == "no_sigma_prime"
    assert report.accuracy is not None and report.accuracy != report.reference_accuracy
    assert "not yet right" in str(report)
    assert_restored()


def test_a_function_that_raises_in_training_is_reported():
    student = dict(STUDENT, bias_gradient=lambda delta: 1 / 0)
    report = bp4.check_all(student)
    assert not report.passed and report.accuracy is None
    assert "ZeroDivisionError" in report.summary()
    assert_restored()


@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
def test_originals_are_restored_on_error_and_interrupt(error):
    def broken(*args, **kwargs):
        raise error

    with pytest.raises(error):
        train_accuracy({"hidden_error": broken})
    assert_restored()
    with pytest.raises(error):
        with swapped_in({"output_error": broken}):
            assert backprop.output_error is not ORIGINALS["output_error"]
            raise error
    assert_restored()


def test_nothing_to_check_is_an_error():
    with pytest.raises(ValueError, match="at least one of output_error"):
        bp4.check_all({"other": print})


# -- the command line -------------------------------------------------------------

GOOD = """
import numpy as np

def output_error(nabla_a, sigma_prime_zL, out=None):
    return np.multiply(nabla_a, sigma_prime_zL, out=out)

def hidden_error(w_next, delta_next, sigma_prime_z):
    return (w_next.T @ delta_next) * sigma_prime_z
"""
BAD = (
    GOOD
    + """
def weight_gradient(delta, a_prev):
    return delta @ a_prev.T

def bias_gradient(delta):
    while True:
        pass
"""
)


def bp4_check(tmp_path: Path, source: str, *options: str):
    path = tmp_path / "student.py"
    path.write_text(source, encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "bp4", "check", str(path), *options],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_all_pass(tmp_path: Path):
    done = bp4_check(tmp_path, GOOD)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("✓") == 2 and not done.stderr


def test_cli_a_failure_and_a_hang(tmp_path: Path):
    done = bp4_check(tmp_path, BAD, "--timeout", "1")
    assert done.returncode == 1, done.stderr
    assert "summed over the batch instead of averaged" in done.stdout
    assert "did not return within 1 s" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_cli_json_for_a_grade_sheet(tmp_path: Path):
    done = bp4_check(tmp_path, BAD, "--json", "--lang", "zh", "--timeout", "1")
    assert done.returncode == 1
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert [(r["equation"], r["passed"], r["mistake"]) for r in records] == [
        ("BP1", True, None),
        ("BP2", True, None),
        ("BP4", False, "summed"),
        ("BP3", False, "timeout"),
    ]
    assert all(set(r) >= {"file", "message"} for r in records)
    assert "没有取平均" in records[2]["message"]


def test_cli_syntax_error_is_one_line(tmp_path: Path):
    done = bp4_check(tmp_path, "def output_error(a, s):\n    return a *\n")
    assert done.returncode == 2
    assert done.stderr.strip().endswith("line 2: SyntaxError: invalid syntax")
    assert len(done.stderr.strip().splitlines()) == 1


def test_cli_nothing_recognised_or_no_file(tmp_path: Path):
    done = bp4_check(tmp_path, "x = 1\nprint('loaded')\n")
    assert done.returncode == 2 and "defines no function bp4 recognises" in done.stderr
    done = bp4_check(tmp_path, "while True:\n    pass\n", "--timeout", "1")
    assert done.returncode == 2 and "did not finish loading within 1 s" in done.stderr
    done = bp4_check(tmp_path, "import not_a_module_anywhere\n")
    assert done.returncode == 2 and "ModuleNotFoundError" in done.stderr
    missing = subprocess.run(
        [sys.executable, "-m", "bp4", "check", str(tmp_path / "missing.py")],
        capture_output=True,
        text=True,
    )
    assert missing.returncode == 2 and "no such file" in missing.stderr
