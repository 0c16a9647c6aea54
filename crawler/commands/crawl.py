"""`scrapy crawl`, whose errors a user can read: a bad argument, an unknown portal or an
unreachable database is one line `error: …` (exit 1), not a traceback; a crawl that reached
nothing while failures were recorded ends with a one-line summary and exit 1."""
from __future__ import annotations

import sys

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from crawler.commands.errors import error_line, failed_crawl_line, keep_error, reach_database


class Command(ScrapyCrawlCommand):
    def run(self, args: list[str], opts) -> None:
        if len(args) != 1:
            return super().run(args, opts)                 # Scrapy's usage errors
        try:
            crawler = self._create_crawler(args[0])
        except KeyError as exc:                            # the spider loader: no such spider
            raise UsageError(str(exc.args[0]), print_help=False) from None
        database_url = self.settings.get("DATABASE_URL") or None
        try:
            reach_database(database_url)
            errors = keep_error(self.crawler_process.crawl(crawler, **opts.spargs))
            self.crawler_process.start()
            if errors:
                raise errors[0]
        except Exception as exc:
            line = error_line(exc, database_url)
            if line is None:
                raise
            print(line, file=sys.stderr)
            self.exitcode = 1
            return
        if self.crawler_process.bootstrap_failed:
            self.exitcode = 1
            return
        summary = failed_crawl_line(crawler)
        if summary:
            print(summary, file=sys.stderr)
            self.exitcode = 1
