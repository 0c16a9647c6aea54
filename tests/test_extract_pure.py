"""crawler/extract is pure: functions of bytes or text. No module in it imports a network,
subprocess, file-system or database library, or anything of the project outside extract
but the constants of crawler.defaults (document conversion is handed in: crawler.converters)."""
from __future__ import annotations

import ast

import pytest

from tests.conftest import ROOT

EXTRACT = ROOT / "crawler" / "extract"
FORBIDDEN = ("urllib.request", "http.client", "socket", "subprocess", "shutil", "tempfile", "os",
             "sqlalchemy", "scrapy", "twisted", "requests")


def _imports(path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", sorted(EXTRACT.glob("*.py")), ids=lambda p: p.name)
def test_extract_module_imports_no_io_and_nothing_above_it(path):
    imports = _imports(path)
    assert not {m for m in imports for f in FORBIDDEN if m == f or m.startswith(f + ".")}
    project = {m for m in imports if m.startswith(("crawler.", "pipelines"))}
    assert project <= {"crawler.defaults"} | {m for m in project if m.startswith("crawler.extract")}
