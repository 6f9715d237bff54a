"""``bp4 check FILE.py``: check every function in a student's file that bp4 recognises.

The file runs in a subprocess (``python -m bp4.cli.check_file``), so that a crash
or a hang in it, even at import, cannot take the command down; each
function in it is then checked with :func:`bp4.check`. The subprocess
writes its verdicts as one JSON line, after a marker, on its standard
output; whatever the student's code prints goes to standard error.

Exit status: 0 every function passes; 1 one fails; 2 the file has no
function bp4 recognises, or it cannot be loaded (a syntax error is one
message with its line).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

MARKER = "\x00bp4-check\x00"  # before the subprocess's verdicts, on its stdout


def run_check(args: argparse.Namespace) -> int:
    path = args.file
    if not os.path.isfile(path):
        raise ValueError(f"{path}: no such file (expected a student's .py file)")
    from ..teaching.tasks import NAMES

    limit = args.timeout * (len(NAMES) + 2) + 60  # the load, every check, training none
    command = [
        sys.executable,
        "-m",
        "bp4.cli.check_file",
        path,
        args.lang,
        str(args.timeout),
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=limit)
    except subprocess.TimeoutExpired:
        return _unloadable(args, f"{path}: did not finish within {limit:g} s")
    sys.stderr.write(done.stderr)
    _, marker, payload = done.stdout.rpartition(MARKER)
    if not marker:
        return _unloadable(
            args, f"{path}: the check ended early (exit status {done.returncode})"
        )
    result = json.loads(payload)
    if result["error"]:
        return _unloadable(args, result["error"])
    for record, text in zip(result["records"], result["texts"]):
        if args.json:
            print(json.dumps({"file": path, **record}, ensure_ascii=False))
        else:
            print(text, end="\n\n")
    return 0 if all(r["passed"] for r in result["records"]) else 1


def _unloadable(args: argparse.Namespace, message: str) -> int:
    if args.json:
        record = {
            "file": args.file,
            "equation": None,
            "function": None,
            "passed": False,
        }
        print(json.dumps({**record, "mistake": "not_loaded", "message": message}))
    else:
        print(f"bp4 check: {message}", file=sys.stderr)
    return 2
