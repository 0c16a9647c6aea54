"""export: the formats, the province and report-year filters, and the wide stats layout, on stored seeds."""
import csv
import json
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from crawler.extract.report import report_from_text
from crawler.registry import Portal
from pipelines import db
from pipelines.export import (
    FORMAT_2019,
    FORMAT_PRE2019,
    WIDE_LEADING_FIELDS,
    export,
    stat_format,
    stats_path,
    wide_key,
    wide_path,
)
from tests.conftest import store

SEEDS = Path(__file__).parent / "fixtures" / "seeds"

PORTALS = [
    Portal(id="hlj-nanshan", name="鹤岗市南山区人民政府", province="黑龙江省", start_url="http://nanshan.invalid/"),
    Portal(id="hlj-songling", name="松岭区人民政府", province="黑龙江省", start_url="http://songling.invalid/"),
    Portal(id="fj-pingtan", name="平潭综合实验区", province="福建省", start_url="http://pingtan.invalid/"),
]
# seed file prefix -> the portal it is stored under (None: a report from an unregistered URL)
SEED_PORTALS = {"000": "hlj-nanshan", "001": "hlj-nanshan", "002": "hlj-songling", "003": "fj-pingtan", "004": None}

pytestmark = pytest.mark.db


def _seed_fields(prefix: str) -> dict:
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    fields = report_from_text(path.read_text(encoding="utf-8"), f"http://reports.invalid/{path.name}")
    fields["title"] = fields["title"] or path.stem
    fields["portal_id"] = SEED_PORTALS[prefix]
    return fields


@pytest.fixture
def stored(session, database_url):
    """The five seeds stored under the portals above: {prefix: parsed fields}."""
    seeds = {prefix: _seed_fields(prefix) for prefix in SEED_PORTALS}
    for fields in seeds.values():
        assert store(session, fields) == "new"
    return seeds


def _read_csv(path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _url_of(prefix: str) -> str:
    return f"http://reports.invalid/{next(SEEDS.glob(f'{prefix}_*.txt')).name}"


def test_csv_without_filters_writes_every_report_and_every_cell(stored, database_url, tmp_path):
    out = tmp_path / "all.csv"
    written = export("csv", str(out), database_url, portals=PORTALS)
    reports = _read_csv(out)
    cells = _read_csv(stats_path(out))
    assert written == [(str(out), 5), (str(stats_path(out)), sum(len(f["stats"]) for f in stored.values()))]
    assert {r["url"] for r in reports} == {_url_of(p) for p in SEED_PORTALS}
    by_url = {r["url"]: r for r in reports}
    assert by_url[_url_of("001")]["province"] == "黑龙江省"
    assert by_url[_url_of("003")]["province"] == "福建省"
    assert by_url[_url_of("004")]["province"] == ""
    assert Counter(c["report_url"] for c in cells) == Counter(
        {_url_of(p): len(f["stats"]) for p, f in stored.items() if f["stats"]})


def test_province_keeps_only_that_provinces_portals(stored, database_url, tmp_path):
    out = tmp_path / "hlj.csv"
    export("csv", str(out), database_url, province="黑龙江", portals=PORTALS)
    reports = _read_csv(out)
    assert sorted(r["url"] for r in reports) == sorted(_url_of(p) for p in ("000", "001", "002"))
    assert {r["province"] for r in reports} == {"黑龙江省"}
    cell_urls = {c["report_url"] for c in _read_csv(stats_path(out))}
    assert cell_urls == {_url_of(p) for p in ("000", "001", "002")}


def test_since_until_filter_on_report_year(stored, session, database_url, tmp_path):
    out = tmp_path / "y.jsonl"
    written = export("jsonl", str(out), database_url, since=2018, until=2018, portals=PORTALS)
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    in_db = session.scalar(select(func.count()).select_from(db.ReportRow).where(db.ReportRow.report_year == 2018))
    assert written == [(str(out), in_db)]
    assert {r["report_year"] for r in lines} == {2018}
    assert len(lines) == in_db == sum(1 for f in stored.values() if f["report_year"] == 2018)

    export("jsonl", str(out), database_url, since=2019, portals=PORTALS)
    assert [json.loads(line)["title"] for line in out.read_text(encoding="utf-8").splitlines()] ==\
        ["南山区2020年政府信息公开工作年度报告"]


def test_filters_combine(stored, database_url, tmp_path):
    out = tmp_path / "fj.jsonl"
    export("jsonl", str(out), database_url, province="福建", until=2017, portals=PORTALS)
    assert out.read_text(encoding="utf-8") == ""      # the Fujian seed covers 2018
    export("jsonl", str(out), database_url, province="福建", until=2018, portals=PORTALS)
    assert [json.loads(line)["url"] for line in out.read_text(encoding="utf-8").splitlines()] == [_url_of("003")]


def test_wide_csv_one_row_per_report_one_column_per_standard_cell(stored, database_url, tmp_path):
    out = tmp_path / "wide.csv"
    written = dict(export("csv", str(out), database_url, stats="wide", portals=PORTALS))
    rows_2019 = _read_csv(wide_path(out, FORMAT_2019))
    rows_pre = _read_csv(wide_path(out, FORMAT_PRE2019))
    assert not stats_path(out).exists()
    assert written[str(wide_path(out, FORMAT_2019))] == len(rows_2019) == 1
    # the 2020 report (2019 template): every one of its cells is a column, with its value
    row = rows_2019[0]
    seed = stored["001"]["stats"]
    assert row["report_url"] == _url_of("001") and row["province"] == "黑龙江省" and row["report_year"] == "2020"
    cell_columns = [c for c in row if c not in WIDE_LEADING_FIELDS]
    assert len(cell_columns) == len({wide_key(FORMAT_2019, s["section"], s["group"], s["item"], s["column"])
                                      for s in seed})
    secret = row["依申请公开 | 三、本年度办理结果/（三）不予公开/1.属于国家秘密 | 自然人"]
    expected = next(s["value"] for s in seed if s["item"] == "三、本年度办理结果/（三）不予公开/1.属于国家秘密"
                    and s["column"] == "自然人")
    assert float(secret) == expected
    assert float(row["主动公开 | 第二十条第（五）项 | 行政许可 | 处理决定数量"]) == 170
    # before 2019: the two reports with unit-column tables; half- and full-width labels share a column
    assert sorted(r["report_url"] for r in rows_pre) == [_url_of("000"), _url_of("003")]
    shared = "主动公开情况 | （二）通过不同渠道和方式公开政府信息的情况 | 2.政府网站公开政府信息数 | 统计数"
    assert {r["report_url"]: float(r[shared]) for r in rows_pre} == {_url_of("000"): 17, _url_of("003"): 1180}


def test_wide_parquet_holds_the_same_figures(stored, database_url, tmp_path):
    import pyarrow.parquet as pq
    out = tmp_path / "wide.parquet"
    export("parquet", str(out), database_url, stats="wide", province="黑龙江", portals=PORTALS)
    table = pq.read_table(wide_path(out, FORMAT_2019)).to_pylist()
    assert len(table) == 1
    assert table[0]["主动公开 | 第二十条第（五）项 | 行政许可 | 上一年项目数量"] == 26.0
    pre = pq.read_table(wide_path(out, FORMAT_PRE2019)).to_pylist()
    assert [r["report_url"] for r in pre] == [_url_of("000")]     # Fujian's 003 is filtered out
    assert pq.read_table(out).num_rows == 3


@pytest.mark.parametrize("options, message", [
    ({"fmt": "jsonl", "stats": "wide"}, "--stats wide is for csv and parquet"),
    ({"fmt": "csv", "since": 2020, "until": 2018}, "--since 2020 is after --until 2018"),
    ({"fmt": "csv", "stats": "tall"}, "unknown stats layout 'tall'"),
])
def test_bad_options_name_the_cause(tmp_path, database_url, options, message):
    fmt = options.pop("fmt")
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        export(fmt, str(tmp_path / f"x.{fmt}"), database_url, portals=PORTALS, **options)


def test_stat_format_and_wide_key():
    assert stat_format("依申请公开", None, None) == FORMAT_2019
    assert stat_format("主动公开情况", None, "条") == FORMAT_PRE2019
    assert stat_format(None, "正文", "条") is None          # a sentence figure
    assert stat_format(None, None, None) is None           # an ad-hoc table
    # the year's figure of a pre-2019 table is one column whatever its header says
    assert {wide_key(FORMAT_PRE2019, "依申请公开情况", None, "(一)收到申请数", c)
            for c in (None, "统计数", "2012年度", " 2013 年 ")} == {"依申请公开情况 | （一）收到申请数 | 统计数"}
    assert wide_key(FORMAT_PRE2019, "依申请公开情况", None, "（一）收到申请数", "历年累计") ==\
        "依申请公开情况 | （一）收到申请数 | 历年累计"
    assert (wide_key(FORMAT_2019, "复议诉讼", None, "行政诉讼/复议后起诉", "总计")
            == "复议诉讼 | 行政诉讼/复议后起诉 | 总计")


def test_a_province_with_no_report_exports_none(tmp_path, database_url):
    """A province is read from the registry portals and from each report's own region: none of
    either is an empty export, not an error."""
    out = tmp_path / "x.csv"
    written = export("csv", str(out), database_url, province="西藏", portals=PORTALS)
    assert written[0][1] == 0


def test_validity_is_in_the_csv_and_jsonl_exports(session, database_url, tmp_path):
    fields = _seed_fields("001")
    fields["validity"] = "有效"
    assert store(session, fields) == "new"
    export("csv", str(tmp_path / "r.csv"), database_url, portals=PORTALS)
    assert [r["validity"] for r in _read_csv(tmp_path / "r.csv")] == ["有效"]
    export("jsonl", str(tmp_path / "r.jsonl"), database_url, portals=PORTALS)
    lines = (tmp_path / "r.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["validity"] for line in lines] == ["有效"]
