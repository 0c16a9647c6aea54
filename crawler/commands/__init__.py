"""Scrapy project commands (settings.COMMANDS_MODULE): `scrapy crawl` with readable errors.

`errors` holds what a failed command prints, for these commands and for `python -m crawler`."""
