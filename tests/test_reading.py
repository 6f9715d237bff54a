"""The layout the README and "Reading the code" describe: the core imports no teaching module, the line counts hold."""

from __future__ import annotations

import ast
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "bp4"
CORE = sorted(
    p.stem for p in SRC.glob("*.py") if p.stem not in {"__init__", "__main__"}
)
# The core in the algorithm's order, as the pages list it.
READING_ORDER = [
    "activations", "cost", "forward", "backprop",
    "workspace", "training", "network", "validation",
]  # fmt: skip
PAGES = [
    ROOT / "README.md",
    ROOT / "docs" / "reading.md",
    ROOT / "docs" / "zh" / "reading.md",
]

# Imports bp4's package object without running its __init__ (which gathers
# the public names, teaching ones included), then one core module.
ALONE = """
import importlib, importlib.util, sys
spec = importlib.util.spec_from_file_location(
    "bp4", {init!r}, submodule_search_locations=[{src!r}]
)
sys.modules["bp4"] = importlib.util.module_from_spec(spec)
importlib.import_module({module!r})
print(sorted(name for name in sys.modules if name.startswith("bp4.")))
"""


# bp4.estimators is built on scikit-learn (the sklearn extra): without it
# there is nothing to import.
NEEDS_SKLEARN = pytest.mark.skipif(
    importlib.util.find_spec("sklearn") is None,
    reason="bp4.estimators needs scikit-learn",
)


@pytest.mark.parametrize(
    "module",
    [
        pytest.param(f"bp4.{m}", marks=[NEEDS_SKLEARN] * (m == "estimators"))
        for m in CORE
    ]
    + ["bp4.data", "bp4.files"],
)
def test_a_core_module_imports_no_teaching_module(module):
    code = ALONE.format(init=str(SRC / "__init__.py"), src=str(SRC), module=module)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    loaded = ast.literal_eval(result.stdout.strip())
    assert module in loaded  # the check saw the module load ...
    assert [m for m in loaded if m.startswith(("bp4.teaching", "bp4.cli"))] == []


def test_no_core_file_names_the_teaching_package_outside_type_checking():
    for path in [*SRC.glob("*.py"), *SRC.glob("data/*.py"), *SRC.glob("files/*.py")]:
        if path.name in {"__init__.py", "__main__.py"} and path.parent == SRC:
            continue  # the package's front door gathers every public name
        tree = ast.parse(path.read_text(encoding="utf-8"))
        guarded = {
            id(node)
            for block in ast.walk(tree)
            if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
            for node in ast.walk(block)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and id(node) not in guarded:
                target = "." * node.level + (node.module or "")
                assert "teaching" not in target, f"{path.name} imports {target}"


def stated_counts(page: Path) -> dict[str, int]:
    text = page.read_text(encoding="utf-8")
    return {
        name: int(n)
        for name, n in re.findall(r"^\| `(\w+)\.py` \| ≈ (\d+) \|", text, re.M)
    }


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_reading_the_code_lists_the_core_in_order_with_true_line_counts(page):
    counts = stated_counts(page)
    assert list(counts) == READING_ORDER
    for name, stated in counts.items():
        lines = len((SRC / f"{name}.py").read_text(encoding="utf-8").splitlines())
        # the pages promise "within a fifth"; a file that grew or shrank more
        # needs its count updated on all three pages
        assert abs(lines - stated) <= stated / 5, (
            f"{page.name}: {name}.py is {lines} lines, the page says ≈ {stated}"
        )


def test_the_stated_counts_agree_between_the_pages():
    assert len({tuple(stated_counts(p).items()) for p in PAGES}) == 1


def test_the_check_catches_a_teaching_import(tmp_path):
    # a copy of the package whose cost module imports the walk-through
    import shutil

    copy = tmp_path / "bp4"
    shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns("__pycache__"))
    cost = copy / "cost.py"
    cost.write_text(
        cost.read_text(encoding="utf-8") + "\nfrom .teaching import walkthrough\n",
        encoding="utf-8",
    )
    code = ALONE.format(
        init=str(copy / "__init__.py"), src=str(copy), module="bp4.cost"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert "bp4.teaching.walkthrough" in result.stdout
