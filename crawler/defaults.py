"""Every default the project's components share, in one place (as scrapy-redis's defaults.py).

crawler/settings.py takes its values from here; a component that reads a setting uses the same
constant as its fallback (`settings.getint("REPORTS_MAX_LISTING_PAGES", MAX_LISTING_PAGES)`), so
a crawl with other settings and a function called without settings agree. No imports: any layer
may read it.
"""

MB = 1024 * 1024

# Crawl (crawler/spiders/reports.py, crawler/middlewares.py)
MAX_LISTING_PAGES = 500            # REPORTS_MAX_LISTING_PAGES: listing pages per portal (a pagination trap stops here)
RETRY_AFTER_MAX = 60.0             # REPORTS_RETRY_AFTER_MAX: longest Retry-After honoured, seconds

# Discovery (crawler/discovery.py, through the spider)
DISCOVERY_BUDGET = 80              # REPORTS_DISCOVERY_BUDGET: requests per portal's walk
DISCOVERY_MAX_DEPTH = 4            # REPORTS_DISCOVERY_MAX_DEPTH: clicks from the home page
DISCOVERY_CONCURRENCY = 2          # REPORTS_DISCOVERY_CONCURRENCY: pages of one walk in flight at once

# Parse (pipelines/parse.py): processes parsing report pages (REPORTS_PARSE_WORKERS; -1: one fewer
# than the machine's cores, at least one; 0: in the reactor thread), and how many pages may be in
# their hands at once (REPORTS_PARSE_QUEUE; 0: twice the workers, plus two).
PARSE_WORKERS = -1
PARSE_QUEUE = 0

# Store (pipelines/store.py, pipelines/db)
STORE_RAW_HTML = True              # REPORTS_STORE_RAW_HTML: keep each version's raw page
# Most items one store transaction holds (REPORTS_STORE_BATCH): the store writes whatever arrived
# while it wrote the last batch, up to this many, in one transaction.
STORE_BATCH = 100
# MinHash Jaccard at which two bodies are copies: a same-publisher, same-year body is a repost
# (REPORTS_REPOST_SIMILARITY), and the coverage page counts a year over year pair as largely copied.
REPOST_SIMILARITY = 0.9

# Attachments (pipelines/attachments.py, crawler/extract/documents.py, crawler/converters.py)
ATTACHMENTS_ENABLED = True         # REPORTS_ATTACHMENTS_ENABLED
FILES_STORE = "data/files"         # REPORTS_FILES_STORE: a directory or any FilesPipeline store URI (s3://…)
ATTACHMENT_MAXSIZE = 50 * MB       # REPORTS_ATTACHMENT_MAXSIZE: bytes per attachment; larger ones are refused
ATTACHMENT_RETRIES = 2             # REPORTS_ATTACHMENT_RETRIES
SOFFICE_TIMEOUT = 120.0            # seconds for one LibreOffice conversion (DOC/WPS/RTF -> DOCX)

# Distributed crawls (crawler/distributed.py)
REDIS_WORKER_TTL = 30              # REPORTS_REDIS_WORKER_TTL: seconds before a silent worker's requests are requeued

# Extensions (crawler/extensions.py)
PROGRESS_INTERVAL = 1.0            # REPORTS_PROGRESS_INTERVAL: seconds between progress lines

# Browser rendering of listing pages (crawler/rendering.py)
BROWSER_TIMEOUT = 30.0             # REPORTS_BROWSER_TIMEOUT: seconds a page may take to render
BROWSER_EXECUTABLE = "/usr/bin/chromium"   # REPORTS_BROWSER_EXECUTABLE: Debian's Chromium; nothing downloaded
