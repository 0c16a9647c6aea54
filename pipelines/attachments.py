"""Attachments pipeline: download a report's attached documents, store each once by sha256,
and join their text and tables into the report.

A `FilesPipeline` subclass: the downloads go through Scrapy's engine (downloader middlewares,
retries, politeness), with their own size limit (`REPORTS_ATTACHMENT_MAXSIZE`, per request
`download_maxsize`) and retries (`REPORTS_ATTACHMENT_RETRIES`, per request `max_retry_times`).
Files are stored under `REPORTS_FILES_STORE` (a directory, or any FilesPipeline store URI such as
s3://…) at `<sha256[:2]>/<sha256><suffix of the sniffed kind>`: the server's file name is only
recorded, so `../` or absolute names never reach the file system, and a file shared by two
reports is kept once. Refused files (HTML posing as a document, zip bombs, over the limit) are
not stored. Each attachment gets a status: ok, scanned: …, refused: …, failed: …, skipped: ….
Only links on the crawled portal's own domains are followed.

Reading a document is CPU work (and DOC/WPS start LibreOffice): it runs in a thread.
"""
from __future__ import annotations

import hashlib
import logging
import re
import time
from email.message import Message
from email.utils import collapse_rfc2231_value
from io import BytesIO
from pathlib import PurePosixPath
from urllib.parse import unquote

from itemadapter import ItemAdapter
from scrapy import Request
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http.request import NO_CALLBACK
from scrapy.pipelines.files import FilesPipeline
from scrapy.pipelines.media import FileException
from scrapy.utils.defer import ensure_awaitable, maybe_deferred_to_future
from twisted.internet.threads import deferToThread

from crawler.converters import legacy_converter
from crawler.defaults import ATTACHMENT_MAXSIZE, ATTACHMENT_RETRIES, ATTACHMENTS_ENABLED, FILES_STORE
from crawler.extract.body import body_fragment
from crawler.extract.document_report import join_documents
from crawler.extract.documents import FILE_SUFFIXES, ConvertLegacy, DocumentLimits, read_document
from crawler.extract.encoding import decode_html
from crawler.extract.tables import tables_from_html
from crawler.items import Report
from crawler.plan import CrawlPlan
from crawler.urls import within

logger = logging.getLogger(__name__)

JOINED_FIELDS = ("title", "signed_by", "written_on", "report_year", "body_text", "stats", "checks", "body_hash")


# ---------------------------------------------------------------- file names from HTTP headers

_PERCENT_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")


def _decode_header(raw: bytes | str) -> str:
    """Header bytes as text: UTF-8 when valid, else GB18030 (servers send GBK names raw)."""
    if isinstance(raw, str):
        return raw
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("gb18030", "replace")


def safe_file_name(name: str | None) -> str | None:
    """The last path component of a file name (`../../x.pdf` -> `x.pdf`, `C:\\a\\b.doc` -> `b.doc`)."""
    if not name:
        return None
    last = PurePosixPath(name.replace("\\", "/").strip()).name.strip()
    return None if last in ("", ".", "..") else last


def filename_from_content_disposition(header: bytes | str | None) -> str | None:
    """The file name a Content-Disposition header gives: `filename*=` (RFC 5987/2231, e.g.
    UTF-8''%E5%B9%B4%E6%8A%A5.pdf) first, else `filename=`, raw GBK/UTF-8 bytes or
    percent-escaped UTF-8 alike; path components dropped."""
    if not header:
        return None
    message = Message()
    message["Content-Disposition"] = _decode_header(header)
    values = [value for key, value in message.get_params([], header="content-disposition")
              if key.lower() == "filename"]
    extended = [value for value in values if isinstance(value, tuple)]    # filename*= (RFC 2231/5987)
    chosen = extended[0] if extended else (values[0] if values else None)
    name = collapse_rfc2231_value(chosen) if chosen is not None else None
    if name and _PERCENT_ESCAPE.search(name):
        try:
            name = unquote(name, errors="strict")
        except UnicodeDecodeError:
            name = unquote(name, encoding="gb18030", errors="replace")
    return safe_file_name(name)


# ---------------------------------------------------------------- the pipeline

class AttachmentsPipeline(FilesPipeline):
    def __init__(self, store_uri: str, *, crawler, maxsize: int = ATTACHMENT_MAXSIZE,
                 retries: int = ATTACHMENT_RETRIES, limits: DocumentLimits | None = None,
                 convert_legacy: ConvertLegacy | None = None):
        super().__init__(store_uri, crawler=crawler)
        self.maxsize = maxsize
        self.retries = retries
        self.limits = limits or DocumentLimits(max_bytes=maxsize)
        self.convert_legacy = convert_legacy       # DOC/WPS/RTF -> DOCX; None: those are skipped

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if not settings.getbool("REPORTS_ATTACHMENTS_ENABLED", ATTACHMENTS_ENABLED):
            raise NotConfigured("REPORTS_ATTACHMENTS_ENABLED is off")
        cls._update_stores(settings)
        maxsize = settings.getint("REPORTS_ATTACHMENT_MAXSIZE", ATTACHMENT_MAXSIZE)
        return cls(settings.get("REPORTS_FILES_STORE") or FILES_STORE, crawler=crawler,
                   maxsize=maxsize, retries=settings.getint("REPORTS_ATTACHMENT_RETRIES", ATTACHMENT_RETRIES),
                   limits=DocumentLimits(max_bytes=maxsize), convert_legacy=legacy_converter())

    # --- which attachments to fetch ------------------------------------------------------------
    def _on_portal(self, url: str) -> bool:
        domains = self.crawler.get_extension(CrawlPlan).domains
        return not domains or within(url, domains)

    def _wanted(self, item) -> list[dict]:
        if not isinstance(item, Report):
            return []
        return [a for a in item.attachments or [] if a.get("url") and self._on_portal(a["url"])]

    def get_media_requests(self, item, info):
        return [Request(a["url"], callback=NO_CALLBACK,
                        meta={"download_maxsize": self.maxsize, "download_warnsize": 0,
                              "max_retry_times": self.retries, "attachment": True})
                for a in self._wanted(item)]

    def media_to_download(self, request, info, *, item=None):
        return None                     # stored by content hash: nothing to look up before download

    def file_path(self, request, response=None, info=None, *, item=None):
        if response is None:
            return ""
        digest = hashlib.sha256(response.body).hexdigest()
        return stored_path(digest, "unknown")

    # --- download outcomes ---------------------------------------------------------------------
    def media_failed(self, failure, request, info):
        error = failure.value
        if isinstance(error, FileException) and str(error).startswith(("failed:", "refused:")):
            raise error
        if isinstance(error, IgnoreRequest):
            raise FileException(f"refused: {error}")
        reason = str(error) or type(error).__name__
        if "max size" in reason or "maxsize" in reason.lower():
            raise FileException(f"refused: over the size limit of {self.maxsize} bytes ({reason})")
        raise FileException(f"failed: {type(error).__name__}: {reason}")

    async def media_downloaded(self, response, request, info, *, item=None):
        if response.status != 200:
            raise FileException(f"failed: HTTP {response.status}")
        body = response.body
        if not body:
            raise FileException("failed: empty file")
        started = time.perf_counter()
        document = await maybe_deferred_to_future(deferToThread(read_document, body, self.limits, self.convert_legacy))
        seconds = time.perf_counter() - started
        stats = self.crawler.stats
        stats.inc_value(f"reports/attachments/{document.kind}")
        stats.inc_value(f"reports/attachments/read_ms/{document.kind}", int(seconds * 1000))
        stats.inc_value(f"reports/attachments/status/{document.status.split(':')[0]}")
        digest = hashlib.sha256(body).hexdigest()
        path = None
        if not document.status.startswith("refused"):
            path = stored_path(digest, document.kind)
            if not await ensure_awaitable(self.store.stat_file(path, info)):
                await ensure_awaitable(self.store.persist_file(path, BytesIO(body), info))
                stats.inc_value("reports/attachments/stored")
        return {"url": request.url, "path": path, "checksum": digest, "status": document.status,
                "size": len(body), "media_type": document.media_type,
                "name": filename_from_content_disposition(response.headers.get("Content-Disposition")),
                "document": document}

    # --- joining into the report ---------------------------------------------------------------
    def item_completed(self, results, item, info):
        if not isinstance(item, Report) or not item.attachments:
            return item
        outcomes = dict(zip((a["url"] for a in self._wanted(item)), results, strict=True))
        documents = []
        attachments = []
        for attachment in item.attachments:
            record = dict(attachment)
            outcome = outcomes.get(attachment.get("url"))
            if outcome is None:
                record["status"] = "refused: not on the portal's domains"
            else:
                ok, value = outcome
                if ok:
                    record.update(name=value["name"] or record.get("name"), media_type=value["media_type"],
                                  sha256=value["checksum"], size=value["size"], path=value["path"],
                                  status=value["status"])
                    documents.append(value["document"])
                else:
                    record["status"] = str(value.value) or type(value.value).__name__
            if record["status"] != "ok":
                logger.warning("attachment %s of %s: %s", record["url"], item.url, record["status"])
            attachments.append(record)
        item.attachments = attachments
        if any(d.ok for d in documents):
            fields = join_documents(ItemAdapter(item).asdict(), self._page_tables(item), documents)
            adapter = ItemAdapter(item)
            for name in JOINED_FIELDS:
                adapter[name] = fields.get(name)
            item.minhash = None           # signed again over the joined body (pipelines/dedupe.py)
            self.crawler.stats.inc_value("reports/attachments/joined")
        return item

    @staticmethod
    def _page_tables(item: Report) -> list:
        if not item.raw_html:
            return []
        html, _ = decode_html(item.raw_html, f"text/html; charset={item.encoding}" if item.encoding else None)
        return tables_from_html(body_fragment(html))


def stored_path(digest: str, kind: str) -> str:
    """Where a file lives under the storage root: by content, never by its given name."""
    return f"{digest[:2]}/{digest}{FILE_SUFFIXES.get(kind, '.bin')}"
