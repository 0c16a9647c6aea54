"""The demo portal's reports: the five seed reports, with the metadata a portal shows for them."""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

SEEDS_DIR = Path(__file__).resolve().parent / "seeds"


@dataclass
class DemoReport:
    slug: str                 # one name ties the report to its seed and its tests
    seed: str                 # seed file name under crawler/demo/seeds/
    title: str
    published_on: str
    path: str                 # dated TRS path inside its column, e.g. 202101/t20210126_100001.html
    index_no: str = ""
    publisher: str = ""
    topic: str = ""
    doc_no: str = ""
    keywords: str = ""
    validity: str = "有效"
    written_on: str = ""
    encoding: str = "utf-8"   # gbk pages declare their charset only in <meta>
    body_override: str | None = None   # text that replaces the seed body (revisions)
    extra: dict = field(default_factory=dict)

    def body_text(self) -> str:
        """The seed's body text without what the page shows elsewhere (title line, header)."""
        if self.body_override is not None:
            return self.body_override
        lines = (SEEDS_DIR / self.seed).read_text(encoding="utf-8").splitlines()
        # seed 002 is a page flattened to text: its metadata header lines end at the first title line
        while lines and (" | " in lines[0] or lines[0].rstrip().endswith("|")):
            lines.pop(0)
        while lines and lines[0].strip() in ("", self.title):
            lines.pop(0)
        return "\n".join(lines)


def seed_reports() -> list[DemoReport]:
    """The seeds as the demo county portal publishes them (newest first, like a real column)."""
    return [
        DemoReport("nanshan-2020", "001_3b10d53d6ce3f43f.txt", "南山区2020年政府信息公开工作年度报告",
                   "2021-01-26", "202101/t20210126_482101.html", index_no="11230404MB1901234X/2021-00003",
                   publisher="鹤岗市南山区人民政府办公室", topic="政务公开", written_on="2021-01-25",
                   keywords="政府信息公开 年度报告"),
        DemoReport("songling-2018", "002_bb9a5f7779685f94.txt", "2018年松岭区政府信息公开工作年度报告",
                   "2019-03-11", "201903/t20190311_379726.html", index_no="000000000-2019-03726",
                   publisher="地区行署办公室", topic="县(市)区", encoding="gbk"),
        DemoReport("nanshan-2018", "000_3debe78227b016e7.txt", "南山区政府2018年度政府信息公开报告",
                   "2019-03-18", "201903/t20190318_377001.html", index_no="11230404MB1901234X/2019-00007",
                   publisher="鹤岗市南山区人民政府办公室", topic="政务公开", written_on="2019-03-16",
                   encoding="gbk"),
        DemoReport("nanchang-gxq-2018", "003_09ecbd43e5a0b949.txt", "南昌高新区2018年政府信息公开工作年度报告",
                   "2019-01-04", "201901/t20190104_370002.html", index_no="F36010000-2019-00002",
                   publisher="南昌高新区管委会办公室", topic="政务公开", written_on="2019-01-02"),
        DemoReport("tongjiang-2017", "004_ad8af40d0a921405.txt", "同江市2017年政府信息公开工作年度报告",
                   "2018-03-20", "201803/t20180320_300417.html", index_no="11230881MB0000001Y/2018-00011",
                   publisher="同江市人民政府办公室", topic="政务公开"),
    ]


METADATA_ROWS = (
    ("索 引 号：", "index_no", "发布机构：", "publisher"),
    ("主题分类：", "topic", "成文日期：", "written_on"),
    ("文　　号：", "doc_no", "发布日期：", "published_on"),
    ("关 键 词：", "keywords", "时　　效：", "validity"),
)


def metadata_table(report: DemoReport) -> str:
    """The TRS-style 信息索引 table above the body, labels with inner spaces and full-width colons."""
    rows = []
    for label_a, field_a, label_b, field_b in METADATA_ROWS:
        rows.append(
            f"<tr><td class=\"xxgk_label\">{label_a}</td><td>{html.escape(getattr(report, field_a))}</td>"
            f"<td class=\"xxgk_label\">{label_b}</td><td>{html.escape(getattr(report, field_b))}</td></tr>")
    rows.append(f"<tr><td class=\"xxgk_label\">名　　称：</td><td colspan=\"3\">{html.escape(report.title)}</td></tr>")
    return "<table class=\"xxgk_table\">" + "".join(rows) + "</table>"
