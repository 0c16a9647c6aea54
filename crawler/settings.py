"""All crawler settings: every setting the project reads is listed here with what it does.
Defaults shared with the components that read them come from crawler/defaults.py.

Environment: DATABASE_URL, REDIS_URL, REPORTS_CONTACT_URL, REPORTS_FILES_STORE, REPORTS_DEMO_URL,
REPORTS_BROWSER, REPORTS_BROWSER_EXECUTABLE, LOG_LEVEL; REPORTS_BODY_ALIASES (an extra body-alias
TOML file, read by crawler/registry/bodies.py). Tests and bench/ also read TEST_DATABASE_URL,
TEST_REDIS_URL and BENCH_DATABASE_URL.
"""
import os

from crawler import defaults

BOT_NAME = "gov-report-crawler"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
COMMANDS_MODULE = "crawler.commands"   # `scrapy crawl`: errors as one line, a failed crawl exits 1

# Politeness for real portals: identify ourselves, obey robots.txt (switch: ROBOTSTXT_OBEY=False
# or `-s ROBOTSTXT_OBEY=0`), one or two requests at a time per portal, AutoThrottle on.
REPORTS_CONTACT_URL = os.environ.get(
    "REPORTS_CONTACT_URL", "https://github.com/gov-report-crawler/gov-report-crawler")
USER_AGENT = f"gov-report-crawler/0.1 (+{REPORTS_CONTACT_URL})"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.RetryAfterMiddleware": 550,   # Scrapy's retry, honouring Retry-After
}
REPORTS_RETRY_AFTER_MAX = defaults.RETRY_AFTER_MAX   # seconds: a longer Retry-After is not waited for
DOWNLOAD_MAXSIZE = 32 * 1024 * 1024
DOWNLOAD_WARNSIZE = 8 * 1024 * 1024
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
# one URL identity (crawler/urls.py): fingerprints on the canonical URL, as the rest of the crawl
REQUEST_FINGERPRINTER_CLASS = "crawler.urls.CanonicalFingerprinter"
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")   # WARNING for quieter nightly logs

DATABASE_URL = os.environ.get("DATABASE_URL", "")   # empty: the SQLite file data/reports.sqlite
REDIS_URL = os.environ.get("REDIS_URL", "")       # set: a distributed crawl over scrapy-redis

# Distributed crawls: with REDIS_URL set, this add-on switches to scrapy-redis (crawler/distributed.py).
ADDONS = {"crawler.distributed.RedisAddon": 0,
          "crawler.rendering.BrowserAddon": 10}   # REPORTS_BROWSER on: scrapy-playwright for listings

# Broad crawls (many portals at once), after Scrapy's broad-crawl recommendations: more threads
# for DNS lookups, cached DNS, a scheduler queue that spreads requests over domains, few redirects.
REACTOR_THREADPOOL_MAXSIZE = 20
DNSCACHE_ENABLED = True
DNS_TIMEOUT = 20
SCHEDULER_PRIORITY_QUEUE = "scrapy.pqueues.DownloaderAwarePriorityQueue"
REDIRECT_MAX_TIMES = 5
# Items processed in parallel per response: a page yields one report, but Scrapy starts this many
# asyncio workers for every response (the default 100 costs CPU per page: bench/NOTES.md).
CONCURRENT_ITEMS = 16

ITEM_PIPELINES = {
    "pipelines.parse.ParsePipeline": 100,      # raw page -> report fields, stats, checks
    "pipelines.attachments.AttachmentsPipeline": 150,  # attached documents joined into the report
    "pipelines.validate.ValidatePipeline": 200,  # needs the parsed title and year
    "pipelines.dedupe.DedupePipeline": 300,
    "pipelines.store.StorePipeline": 400,
}

# The reports spider and its components (all prefixed REPORTS_)
REPORTS_MAX_LISTING_PAGES = defaults.MAX_LISTING_PAGES   # per portal: a pagination trap stops here
# Discovery (crawler/discovery.py): from a home page to the annual-report columns, best link first
REPORTS_DISCOVERY_BUDGET = defaults.DISCOVERY_BUDGET             # requests per portal's walk
REPORTS_DISCOVERY_MAX_DEPTH = defaults.DISCOVERY_MAX_DEPTH       # clicks from the home page
REPORTS_DISCOVERY_CONCURRENCY = defaults.DISCOVERY_CONCURRENCY   # pages of one walk in flight (best first needs few)
REPORTS_DEMO_URL = os.environ.get("REPORTS_DEMO_URL", "")   # replaces {demo} in registry start URLs
REPORTS_PARSE_WORKERS = defaults.PARSE_WORKERS     # parsing processes (-1: cores - 1, at least 1; 0: none)
REPORTS_PARSE_QUEUE = defaults.PARSE_QUEUE         # pages in their hands at once (0: 2 × workers + 2)
REPORTS_STORE_RAW_HTML = defaults.STORE_RAW_HTML   # keep each version's raw page (zlib) in report_versions
REPORTS_STORE_BATCH = defaults.STORE_BATCH         # most items per store transaction
# MinHash Jaccard at which a same-publisher, same-year body is a repost
REPORTS_REPOST_SIMILARITY = defaults.REPOST_SIMILARITY
REPORTS_PROGRESS = False                  # `python -m crawler crawl` switches the status line on
REPORTS_PROGRESS_INTERVAL = defaults.PROGRESS_INTERVAL   # seconds between two progress lines
REPORTS_STATS_FILE = ""                   # set: the final crawl stats are written there as JSON
# Distributed mode (crawler/distributed.py, active with REDIS_URL): the add-on sets the scrapy-redis
# settings and REPORTS_REDIS_WORKER_KEY (the key prefix of each worker's liveness and in-flight hash)
REPORTS_REDIS_WORKER_TTL = defaults.REDIS_WORKER_TTL   # seconds before a silent worker's requests are requeued
REPORTS_REDIS_ENQUEUE_ONLY = False        # `python -m crawler enqueue` sets it: seed the queue, fetch nothing

EXTENSIONS = {
    "crawler.plan.CrawlPlan": 0,                # what the spider's arguments decided, for the pipelines
    "pipelines.store.CrawlStore": 0,            # the crawl's store service (the database, the run row)
    "crawler.extensions.Progress": 500,
    "crawler.extensions.StatsFile": 510,
}

# Attachments (pipelines/attachments.py): stored once by sha256 under REPORTS_FILES_STORE
REPORTS_ATTACHMENTS_ENABLED = defaults.ATTACHMENTS_ENABLED   # off: attachments are neither fetched nor read
REPORTS_FILES_STORE = os.environ.get("REPORTS_FILES_STORE", defaults.FILES_STORE)   # a directory or s3://…
REPORTS_ATTACHMENT_MAXSIZE = defaults.ATTACHMENT_MAXSIZE   # bytes per attachment; larger ones are refused
REPORTS_ATTACHMENT_RETRIES = defaults.ATTACHMENT_RETRIES   # retries of one attachment download

# Listing pages rendered in a headless browser (crawler/rendering.py): a portal with options.render =
# "browser", or a listing that is a JavaScript shell. Report pages never are.
REPORTS_BROWSER = os.environ.get("REPORTS_BROWSER", "1") not in ("0", "false", "no")   # 0: never render
# Debian's; no download
REPORTS_BROWSER_EXECUTABLE = os.environ.get("REPORTS_BROWSER_EXECUTABLE", defaults.BROWSER_EXECUTABLE)
REPORTS_BROWSER_TIMEOUT = defaults.BROWSER_TIMEOUT   # seconds a page may take to render (navigation + quiet network)
# PLAYWRIGHT_LAUNCH_OPTIONS (scrapy-playwright's): its executable_path, when set, wins over the above
