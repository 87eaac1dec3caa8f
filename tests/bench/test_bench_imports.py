"""The bench scripts import jixiao lazily (inside functions, after settings are chosen), so a moved or
renamed name breaks them only when someone runs a benchmark. Every ``from jixiao… import name`` in
bench/ must resolve against the code as it is."""

import ast
import importlib
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _jixiao_imports():
    for script in sorted(BENCH.glob("*.py")):
        for node in ast.walk(ast.parse(script.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("jixiao"):
                for alias in node.names:
                    yield pytest.param(node.module, alias.name, id=f"{script.name}:{node.lineno}:{alias.name}")


IMPORTS = list(_jixiao_imports())


def test_the_bench_scripts_import_jixiao():
    assert len(IMPORTS) >= 40  # bench_report, bench_audit, bench_serve, bench_registry_pages, bench_regions


@pytest.mark.parametrize(("module", "name"), IMPORTS)
def test_each_imported_name_exists(module, name):
    imported = importlib.import_module(module)
    assert hasattr(imported, name) or importlib.util.find_spec(f"{module}.{name}") is not None, \
        f"bench imports {name} from {module}, which has no such name"
