"""bp4.teaching.sandbox: a student's call that raises, hangs or kills its process."""

from __future__ import annotations

import os
import time

import numpy as np

import bp4
from bp4.teaching import sandbox


def test_returned_raised_and_modified():
    def fn(x):
        if x is None:
            raise ValueError("no x")
        x += 1
        return x

    first, second = sandbox.run_calls(fn, [((np.zeros(2),), {}), ((None,), {})])
    assert first.kind == "returned" and first.modified == (0,)
    assert np.array_equal(first.value, np.ones(2))
    assert second.kind == "raised" and second.error == "ValueError: no x"


def test_a_hang_is_stopped_in_the_child():
    start = time.monotonic()
    (outcome,) = sandbox.run_calls(lambda: time.sleep(30), [((), {})], timeout=0.5)
    assert outcome.kind == "timeout"
    assert time.monotonic() - start < 10


def test_a_process_that_exits_is_reported():
    (outcome,) = sandbox.run_calls(lambda: os._exit(7), [((), {})])
    assert outcome.kind == "raised" and "exit status 7" in outcome.error


def test_the_thread_fallback_reports_a_hang_too():
    """Where fork is missing, a thread: the hang reported, though not killed."""
    outcomes = sandbox._in_thread(lambda x: x * 2, [((np.ones(1),), {})], 5)
    assert outcomes[0].kind == "returned" and outcomes[0].value[0] == 2
    (outcome,) = sandbox._in_thread(lambda: time.sleep(2), [((), {})], 0.2)
    assert outcome.kind == "timeout"


def test_check_on_a_killed_process_is_feedback():
    report = bp4.check(lambda w, d, s: os._exit(1), "BP2")
    assert report.mistake == "raised" and "exit status 1" in report.message
