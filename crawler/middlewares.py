"""Downloader middlewares: Scrapy's retry, honouring the server's Retry-After."""
from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.utils.response import response_status_message

from crawler.defaults import RETRY_AFTER_MAX


def retry_after_seconds(value: bytes | str | None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date; None if absent or bad."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class RetryAfterMiddleware(RetryMiddleware):
    """Retries like Scrapy's RetryMiddleware (RETRY_TIMES, RETRY_HTTP_CODES); when a 429/503-style
    answer says Retry-After of at most REPORTS_RETRY_AFTER_MAX seconds, waits that long first
    (without blocking other downloads). Longer waits are not honoured: the retry happens as usual."""

    def __init__(self, settings):
        super().__init__(settings)
        self.max_wait = settings.getfloat("REPORTS_RETRY_AFTER_MAX", RETRY_AFTER_MAX)

    async def process_response(self, request, response, spider=None):
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        wait = retry_after_seconds(response.headers.get("Retry-After"))
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        if wait is not None and 0 < wait <= self.max_wait:
            self.crawler.stats.inc_value("retry/retry_after_waits")
            await asyncio.sleep(wait)
        return retry
