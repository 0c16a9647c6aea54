"""Region of an unregistered portal from its page texts (cpca), 南山区 decided by context."""
from __future__ import annotations

import pytest

from crawler.registry.region import Region, region_from_text


@pytest.mark.parametrize(("texts", "expected"), [
    (("鹤岗市南山区人民政府办公室",), Region("黑龙江省", "鹤岗市", "南山区", "230404")),
    (("南山区人民政府办公室", "地址：黑龙江省鹤岗市南山区　电话：0468-0000000"),
     Region("黑龙江省", "鹤岗市", "南山区", "230404")),
    (("南山区人民政府办公室", "鹤岗"), Region("黑龙江省", "鹤岗市", "南山区", "230404")),
    (("南山区人民政府", "深圳市南山区人民政府 版权所有"), Region("广东省", "深圳市", "南山区", "440305")),
    (("同江市人民政府办公室",), Region("黑龙江省", "佳木斯市", "同江市", "230881")),
    (("邯郸市教育局",), Region("河北省", "邯郸市", None, "130400")),
    (("地区行署办公室", "大兴安岭地区松岭区"), Region("黑龙江省", "大兴安岭地区", None, "232700")),
    (("平潭综合实验区管委会办公室", "主办单位：福建省平潭综合实验区管理委员会办公室"),
     Region("福建省", None, None, "350000")),
])
def test_region_from_publisher_then_page_text(texts, expected):
    assert region_from_text(*texts) == expected


def test_the_first_text_that_names_a_place_wins():
    assert region_from_text("同江市人民政府办公室", "邯郸市").county == "同江市"
    assert region_from_text("办公室", "邯郸市教育局").prefecture == "邯郸市"


def test_no_place_no_region():
    assert region_from_text("办公室", None, "") is None


@pytest.mark.parametrize("text", ["鹤岗市南山区人民政府办公室", "南山区人民政府", "邯郸市教育局", "办公室",
                                  "平潭综合实验区管委会办公室", "大兴安岭地区松岭区", ""])
def test_the_record_read_is_cpcas_public_answer(text):
    """region.py reads cpca's per-text record without its DataFrame wrapper (for speed): the
    record must stay what the public `cpca.transform` answers, on this pinned cpca."""
    import math

    import cpca

    from crawler.registry.region import _cpca

    umap = {"南山区": "230404"}
    row = cpca.transform([text], umap=umap).iloc[0]
    record = _cpca()._get_one_addr(text, False, umap)
    for column in ("省", "市", "区", "adcode"):
        expected = row[column]
        expected = None if expected is None or (isinstance(expected, float) and math.isnan(expected)) else expected
        assert record[column] == expected, column
