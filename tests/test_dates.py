"""to_iso_date on the date shapes that portals and report signatures print."""
import pytest

from crawler.extract.dates import chinese_numerals_to_digits, to_iso_date


@pytest.mark.parametrize(("printed", "iso"), [
    ("2019-03-11", "2019-03-11"),                 # seed 002 发布日期
    ("2019年03月11日", "2019-03-11"),
    ("2020年08月02日", "2020-08-02"),             # handan meta PubDate
    ("2024-07-12 17:33", "2024-07-12"),           # nfra meta PubDate
    ("2021年1月25日", "2021-01-25"),              # seed 001 signature
    ("二〇一九年三月十六日", "2019-03-16"),        # seed 000 signature
    ("二○一三年一月二十日", "2013-01-20"),         # pingtan 2012 signature, ○ not 〇
    ("二〇二〇年十二月三十一日", "2020-12-31"),
    ("２０１９年３月１１日", "2019-03-11"),         # full-width digits
    ("2019/3/1", "2019-03-01"),
    ("2019.03.01", "2019-03-01"),
    ("时间：2016-10-26 17:06", "2016-10-26"),      # a date inside a label line
    ("Jan 25, 2021", "2021-01-25"),               # dateparser fallback
])
def test_dates_become_iso(printed, iso):
    assert to_iso_date(printed) == iso


@pytest.mark.parametrize("printed", [
    "二〇一三年一月",   # no day: not invented
    "2013年1月",
    "2013年",
    "2019-13-01",       # no month 13 (dateparser would swap it to 01-13)
    "2019年2月30日",
    "无",
    "",
    "   ",
    None,
    "12",
])
def test_incomplete_or_impossible_dates_are_none(printed):
    assert to_iso_date(printed) is None


def test_chinese_numerals_only_touch_dates():
    assert chinese_numerals_to_digits("二〇一九年三月十六日") == "2019年3月16日"
    assert chinese_numerals_to_digits("一是加强领导，二是完善制度") == "一是加强领导，二是完善制度"


def test_impossible_chinese_month_is_no_date():
    assert to_iso_date("二〇二四年十三月") is None
    assert to_iso_date("2024年13月5日") is None
