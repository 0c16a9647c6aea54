"""Packaging for `scrapyd-deploy`: the egg Scrapyd runs the crawler from.

The egg holds the `crawler` and `pipelines` packages with their data files (registry TOML,
demo seed texts and their metadata, detail-URL shapes, export column meanings) and the Alembic
migrations. Scrapyd imports the egg as a zip file, so the migrations go in as the package
`pipelines.migrations` (from the top-level `migrations/` directory), where
`pipelines.migrations_files.migrations_path()` finds them as package resources. The
dependencies are not in the egg: install requirements.txt on the Scrapyd host.
"""
from setuptools import find_packages, setup

setup(
    name="gov-reports",
    version="0.1",
    packages=[
        *find_packages(include=["crawler", "crawler.*", "pipelines", "pipelines.*"]),
        "pipelines.migrations",
        "pipelines.migrations.versions",
    ],
    package_dir={
        "pipelines.migrations": "migrations",
        "pipelines.migrations.versions": "migrations/versions",
    },
    package_data={
        "crawler.registry": ["*.toml", "*.csv"],
        "crawler": ["templates/*.jinja"],
        "crawler.demo": ["seeds/*.txt", "seeds/reports.toml"],
        "crawler.families": ["shapes.toml"],
        "pipelines": ["export_columns.toml"],
        "pipelines.migrations": ["script.py.mako"],
    },
    entry_points={"scrapy": ["settings = crawler.settings"]},
    zip_safe=True,
)
