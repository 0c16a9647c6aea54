"""The detail-URL shapes are data (crawler/families/shapes.toml): every row loads, in order, into
DETAIL_URL_SHAPES; every pattern compiles; and every evidence URL is a real report URL
(tests/fixtures/real/report-urls.jsonl) that has its own shape, and no earlier one."""
from __future__ import annotations

import re
import tomllib
from importlib import resources
from urllib.parse import urlsplit

import pytest

from crawler.families.shapes import DETAIL_URL_SHAPES, SHAPES_TOML, detail_shape
from tests.conftest import REAL

ROWS = tomllib.loads(resources.files("crawler.families").joinpath(SHAPES_TOML).read_text(encoding="utf-8"))["shape"]


def test_every_row_is_loaded_in_order():
    assert [(s.name, s.cms, s.pattern.pattern) for s in DETAIL_URL_SHAPES] == \
        [(row["name"], row["cms"], row["pattern"]) for row in ROWS]


@pytest.mark.parametrize("row", ROWS, ids=[row["name"] for row in ROWS])
def test_pattern_compiles_and_its_evidence_has_the_shape(row):
    pattern = re.compile(row["pattern"], re.I)
    assert row["evidence"] or row.get("note"), "a shape without evidence says why in its note"
    real = (REAL / "report-urls.jsonl").read_text(encoding="utf-8")
    for url in row["evidence"]:
        parts = urlsplit(url)
        assert pattern.search(parts.path + (f"?{parts.query}" if parts.query else "")), url
        assert detail_shape(url).name == row["name"], url
        assert f'"{url}"' in real, f"{url} is not in tests/fixtures/real/report-urls.jsonl"
