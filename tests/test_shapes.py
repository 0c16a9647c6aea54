"""The real URL shapes of report-urls.jsonl (crawler/families/shapes.py): for each, a listing of
that shape is detected with a reason naming the shape, its report links are found (also when the
link text is cut short and no title attribute holds the whole title), and a detail page of that
shape gives title, publisher, dates and body. Cases are data: tests/fixtures/shapes/<case>/."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, Request, TextResponse

from crawler.extract.report import report_from_html
from crawler.families.detect import detect_family
from crawler.families.shapes import DETAIL_URL_SHAPES, detail_shape, is_report_link
from tests.conftest import REAL

SHAPES = Path(__file__).parent / "fixtures" / "shapes"
CASES = sorted(path.name for path in SHAPES.iterdir() if (path / "expected.json").exists())
DETAIL_FIELDS = ("title", "publisher", "published_on", "written_on", "index_no", "doc_no", "report_year")


def _case(name: str) -> dict:
    return json.loads((SHAPES / name / "expected.json").read_text(encoding="utf-8"))


def _response(case: str, page: dict):
    body = (SHAPES / case / page["file"]).read_bytes()
    if page["file"].endswith(".json"):
        return TextResponse(url=page["url"], body=body, encoding="utf-8", request=Request(page["url"]),
                            headers={"Content-Type": "application/json"})
    return HtmlResponse(url=page["url"], body=body, encoding="utf-8", request=Request(page["url"]))


LISTINGS = [(case, index) for case in CASES for index, _ in enumerate(_case(case).get("listings", []))]


@pytest.mark.parametrize(("case", "index"), LISTINGS, ids=[f"{case}-{index}" for case, index in LISTINGS])
def test_listing_is_detected_and_gives_its_report_links(case, index):
    page = _case(case)["listings"][index]
    response = _response(case, page)
    cls, reason = detect_family(response)
    assert cls is not None and cls.name == page["family"], reason
    for words in page["reason_has"]:
        assert words in reason
    links = cls().links(response)
    assert [[link.url, link.title] for link in links if is_report_link(link.title, link.url)] == page["reports"]
    if "next" in page:
        assert [request.url for request in cls().next_requests(response)] == page["next"]


DETAILS = [case for case in CASES if "detail" in _case(case)]


@pytest.mark.parametrize("case", DETAILS)
def test_detail_page_gives_title_publisher_dates_and_body(case):
    detail = _case(case)["detail"]
    html = (SHAPES / case / detail["file"]).read_text(encoding="utf-8")
    fields = report_from_html(html, detail["url"], listing_title=detail.get("listing_title"))
    expected = {name: detail.get(name) for name in DETAIL_FIELDS}
    assert {name: fields[name] for name in DETAIL_FIELDS} == expected
    assert fields["body_text"].startswith(detail["body_starts"])


def test_every_evidence_url_is_a_line_of_report_urls_jsonl():
    real = {json.loads(line)["url"] for line in (REAL / "report-urls.jsonl").read_text(encoding="utf-8").splitlines()}
    for case in CASES:
        assert set(_case(case)["evidence"]) <= real, case


def test_every_report_url_of_the_file_has_its_detail_shape():
    rows = [json.loads(line) for line in (REAL / "report-urls.jsonl").read_text(encoding="utf-8").splitlines()]
    reports = [row["url"] for row in rows if row["kind"].startswith("report") or row["kind"].startswith("NOT")]
    assert [url for url in reports if detail_shape(url) is None] == []
    listings = [row["url"] for row in rows if row["kind"].startswith("LISTING")]
    assert listings and [url for url in listings if detail_shape(url) is not None] == []


@pytest.mark.parametrize(("title", "url", "expected"), [
    ("某县2024年政府信息公开工作年度报告", "http://www.example.gov.cn/list/a.html", True),   # a whole title: any URL
    ("某县2024年政府信息公开工…", "http://www.example.gov.cn/info/2381/644672.htm", True),
    ("某县2024年政府信息公开工…", "http://www.example.gov.cn/list/a.html", False),      # no known detail shape
    ("某县2024年政府信息公开工…", "http://www.example.gov.cn/zfxxgknb/2024/", False),
    ("某县2024年政府工作…", "http://www.example.gov.cn/info/2381/644672.htm", False),   # 政府工作报告?
    ("关于做好2024年政府信息公开工作年度…", "http://www.example.gov.cn/info/2381/1.htm", False),
    ("某县人民政府办公室…", "http://www.example.gov.cn/info/2381/644672.htm", False),   # no year
    ("某县2024年度政务公开...", "http://www.example.gov.cn/Content-1.html", True),
])
def test_a_cut_short_title_counts_only_on_a_detail_shape(title, url, expected):
    assert is_report_link(title, url) is expected


def test_shape_names_are_distinct():
    names = [shape.name for shape in DETAIL_URL_SHAPES]
    assert len(names) == len(set(names))
