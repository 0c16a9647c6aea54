"""read_signature: the issuing body and date at the end of a report."""
import json
from pathlib import Path

import pytest

from crawler.extract.body import body_fragment, html_to_text
from crawler.extract.metadata import read_metadata_text
from crawler.extract.signature import read_signature

SEEDS = Path(__file__).parent / "fixtures" / "seeds"
REAL = Path(__file__).parent / "fixtures" / "real"
EXPECTED = json.loads((SEEDS / "expected.json").read_text(encoding="utf-8"))
SEED_NAMES = sorted(name for name in EXPECTED if not name.startswith("_"))


@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_signatures(name):
    _, text = read_metadata_text((SEEDS / name).read_text(encoding="utf-8"))
    expected = (EXPECTED[name].get("signed_by"), EXPECTED[name].get("written_on"))
    assert read_signature(text) == expected  # seeds 002 and 004 have none: (None, None)


def test_signature_before_an_appended_statistics_table():
    text = ("六、其他需要报告的事项\n无。\n附件:1、政府信息公开情况统计表(2018年度)\n"
            "某区管委会办公室\n2019年1月2日\n附件1\n某市政府信息公开情况统计表\n统计指标 | 单位 | 统计数\n"
            "填报单位 | 某区 | \n某科\n2019年1月3日\n")
    assert read_signature(text) == ("某区管委会办公室", "2019-01-02")


@pytest.mark.parametrize(("ending", "expected"), [
    ("……\n南山区人民政府\n二〇一九年三月十六日\n", ("南山区人民政府", "2019-03-16")),
    ("……\n　　平潭综合实验区管委会办公室\n　　二○一三年一月二十日", ("平潭综合实验区管委会办公室", "2013-01-20")),
    ("……\n某县人民政府办公室 2020年1月15日", ("某县人民政府办公室", "2020-01-15")),
    ("……\n某县人民政府\n2020-01-15", ("某县人民政府", "2020-01-15")),
])
def test_signature_shapes(ending, expected):
    assert read_signature("一、总体情况\n本年度工作情况良好。" + ending) == expected


@pytest.mark.parametrize("text", [
    "一、总体情况\n全年公开信息100条。\n2019年3月1日，召开会议。",                   # a dated sentence
    "一、总体情况\n（一）加强领导\n2019年3月1日\n三、其他",                            # a numbered heading is no body
    "",
])
def test_no_signature(text):
    assert read_signature(text) == (None, None)


def test_lone_closing_date_without_a_body():
    assert read_signature("一、总体情况\n全年共受理申请3件，均按时答复。\n2019年3月1日") == (None, "2019-03-01")


def test_pingtan_2012_signature_uses_the_ring_zero():
    html = (REAL / "pingtan__report-2012.html").read_text(encoding="utf-8")
    signed_by, written_on = read_signature(html_to_text(body_fragment(html)))
    assert written_on == "2013-01-20"
    assert signed_by == "平潭综合实验区管委会办公室"  # from the byline under the title
