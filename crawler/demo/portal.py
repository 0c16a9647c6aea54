"""The whole demo portal: every column of every family, on one `Site`."""
from __future__ import annotations

from dataclasses import replace

from crawler.demo.columns.attachments import ATTACHMENTS_COLUMN, AttachmentsColumn, attachment_reports
from crawler.demo.columns.generic import PlainListColumn, UnknownMarkupColumn
from crawler.demo.columns.gkmlpt import GkmlptColumn
from crawler.demo.columns.hanweb import HanwebColumn, HanwebTwoListsColumn
from crawler.demo.columns.homes import DemoHomes
from crawler.demo.columns.identity import IdentityColumn
from crawler.demo.columns.jsapp import JsAppColumn
from crawler.demo.columns.nfra import NfraColumn
from crawler.demo.columns.trs import Notice, TrsColumn
from crawler.demo.columns.trs_api import TrsApiColumn
from crawler.demo.columns.years import YearsColumn
from crawler.demo.reports import seed_reports
from crawler.demo.site import DemoResponse, Site

TRS_COLUMN = "/xxgk/zfxxgknb/"


class DemoPortal:
    """The site plus handles on its columns, so tests can change it between crawls."""

    def __init__(self, faults: bool = False) -> None:
        self.site = Site()
        self.site.add("/robots.txt", DemoResponse(200, b"User-agent: *\nAllow: /\n",
                                                  {"Content-Type": "text/plain"}))
        reports = seed_reports()
        notice = Notice("关于做好2021年政府信息公开工作年度报告编制工作的通知", "2021-01-05",
                        "202101/t20210105_480001.html",
                        "各乡镇、各部门：请于2021年1月20日前报送本单位2020年政府信息公开工作年度报告。")
        # the same report posted again in the same column, under a second URL
        repost = replace(reports[0], path="202102/t20210201_482777.html", published_on="2021-02-01")
        entries = [repost, reports[0], notice, *reports[1:]]
        self.trs = TrsColumn(self.site, TRS_COLUMN, entries, per_page=3)
        # reports that live only in an attachment (DOCX, PDF, XLSX, DOC); files built on first request
        attached_reports, attached_files, attached_skipped = attachment_reports()
        self.attachments = AttachmentsColumn(self.site, ATTACHMENTS_COLUMN, attached_reports, attached_files,
                                             skipped=attached_skipped)
        # one column of each other family (issue 4), each with the seed reports and a notice
        self.trs_api = TrsApiColumn(self.site)
        self.hanweb = HanwebColumn(self.site)
        self.hanweb_zero = HanwebColumn.zero_total(self.site)   # totalRecord:0, rows only from the jslib proxy
        self.hanweb_two_lists = HanwebTwoListsColumn(self.site)   # one page, two jpage lists
        self.gkmlpt = GkmlptColumn(self.site)
        self.plain_list = PlainListColumn(self.site)
        self.unknown_markup = UnknownMarkupColumn(self.site)
        self.years = YearsColumn(self.site)   # two years of one body: the year-over-year checks
        self.homes = DemoHomes(self.site)   # portals known only by their home page (discovery)
        self.identity = IdentityColumn(self.site)   # links with unsorted queries, fragments, a redirect
        self.jsapp = JsAppColumn(self.site)   # a list filled by fetch(): rendered in the browser
        self.nfra = NfraColumn(self.site)     # list and documents from an NFRA-style JSON API

        if faults:   # test-only: the fault-injecting columns (crawler/demo/columns/faults.py)
            from crawler.demo.columns.faults import CalendarColumn, FaultColumn, TrapColumn
            self.faults = FaultColumn(self.site)
            self.trap = TrapColumn(self.site)
            self.calendar = CalendarColumn(self.site)

    @property
    def report_count(self) -> int:
        """Distinct reports the TRS column holds (the repost and the notice excluded)."""
        return len(seed_reports())
