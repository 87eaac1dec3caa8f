"""The plain helpers (floor 1) read Django's settings and name its database errors at most: no models,
requests or pages."""

import ast
from pathlib import Path

import jixiao.common


def test_common_imports_nothing_of_django_but_settings_and_database_errors():
    imported = set()
    for path in Path(jixiao.common.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("django"):
                imported.add((path.name, node.module))
            elif isinstance(node, ast.Import):
                imported |= {(path.name, a.name) for a in node.names if a.name.startswith("django")}
    assert {module for _, module in imported} == {"django.conf", "django.db"}
    assert {name for name, module in imported if module == "django.db"} == {"db.py"}
