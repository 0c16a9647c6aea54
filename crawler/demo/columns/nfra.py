"""An NFRA-style column (crawler/families/nfra.py): the list comes from the list API
`/cn/static/data/DocInfo/SelectDocByItemIdAndChild/data_itemId=N,pageIndex=P,pageSize=S.json`, and
each report page `/cn/view/pages/ItemDetail.html?docId=…&itemId=…` is an empty AngularJS template
whose document comes from `/cn/static/data/DocInfo/SelectByDocId/data_docId=….json`. The crawl must
read the reports from that API and store them under their pages' URLs."""
from __future__ import annotations

import json
import re

from crawler.demo.columns.detail import DemoColumn
from crawler.demo.render import render_body_html
from crawler.demo.site import DemoRequest, DemoResponse, Site, html_response

ITEM_ID = 4175
PAGE_SIZE = 2
LIST = re.compile(r"/cn/static/data/DocInfo/SelectDocByItemIdAndChild/"
                  r"data_itemId=(\d+),pageIndex=(\d+),pageSize=(\d+)\.json")
DOCUMENT = re.compile(r"/cn/static/data/DocInfo/SelectByDocId/data_docId=(\d+)\.json")
TEMPLATE = ('<html><head><title>国家金融监督管理总局</title></head><body><div ng-app="myApp">'
            '<h1 ng-bind="doc.docTitle"></h1><div ng-bind-html="doc.docClob"></div></div></body></html>')


def _json(data) -> DemoResponse:
    return DemoResponse(200, json.dumps(data, ensure_ascii=False).encode("utf-8"),
                        {"Content-Type": "application/json;charset=UTF-8"})


class NfraColumn(DemoColumn):
    def __init__(self, site: Site) -> None:
        super().__init__(per_page=PAGE_SIZE)
        self.listing_path = f"/cn/view/pages/ItemList.html?itemId={ITEM_ID}"
        self._by_id = {e.doc_id: e for e in self.entries}
        site.add("/cn/view/pages/ItemList.html", lambda _req: html_response(TEMPLATE))
        site.add("/cn/view/pages/ItemDetail.html", lambda _req: html_response(TEMPLATE))
        site.add_pattern(LIST.pattern, self.list_api)
        site.add_pattern(DOCUMENT.pattern, self.document_api)

    def list_api(self, request: DemoRequest) -> DemoResponse:
        item, page, size = (int(x) for x in LIST.fullmatch(request.path).groups())
        rows = self.entries[(page - 1) * size:page * size] if item == ITEM_ID else []
        return _json({"rptCode": 200, "msg": "成功", "data": {"total": len(self.entries), "rows": [
            {"docId": int(e.doc_id), "docSubtitle": e.title, "publishDate": f"{e.published_on} 09:00:00",
             "itemId": ITEM_ID} for e in rows]}})

    def document_api(self, request: DemoRequest) -> DemoResponse:
        entry = self._by_id.get(DOCUMENT.fullmatch(request.path).group(1))
        if entry is None:
            return _json({"rptCode": 404, "msg": "无数据", "data": None})
        item = entry.item
        body = render_body_html(item.body_text()) if entry.is_report else f"<p>{item.text}</p>"
        return _json({"rptCode": 200, "msg": "成功", "data": {
            "docId": int(entry.doc_id), "docTitle": entry.title, "docClob": body,
            "docSource": getattr(item, "publisher", "") or "国家金融监督管理总局",
            "publishDate": f"{entry.published_on} 09:00:00", "documentNo": "", "attachmentInfoVOList": []}})
