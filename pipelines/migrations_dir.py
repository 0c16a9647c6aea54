"""Where the Alembic migrations are on disk, also when the code runs from a zipped egg.

In a checkout the migrations are the top-level `migrations/` directory. In the egg that
`scrapyd-deploy` builds (setup.py) they are packaged as `pipelines/migrations/`, and Scrapyd
imports that egg as a zip file, which Alembic cannot read: it lists and loads its scripts
from a directory. So out of a zip they are copied once per process into a temporary
directory, removed when the process exits.
"""
from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent


def migrations_dir() -> Path:
    """The Alembic script directory: the checkout's, the installed package's, or the egg's copied out."""
    checkout = PACKAGE_ROOT.parent / "migrations"
    if checkout.is_dir():
        return checkout
    packaged = files("pipelines") / "migrations"
    if isinstance(packaged, Path):            # installed unzipped (pip install .)
        return packaged
    return _copied_out_of_archive()


@functools.cache
def _copied_out_of_archive() -> Path:
    packaged = files("pipelines") / "migrations"
    if not packaged.is_dir():
        raise FileNotFoundError(f"no Alembic migrations packaged at {packaged}")
    target = Path(tempfile.mkdtemp(prefix="gov-reports-migrations-"))
    atexit.register(shutil.rmtree, target, ignore_errors=True)
    _copy_tree(packaged, target)
    return target


def _copy_tree(source: Traversable, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for entry in source.iterdir():
        if entry.name == "__pycache__":
            continue
        if entry.is_dir():
            _copy_tree(entry, target / entry.name)
        else:
            (target / entry.name).write_bytes(entry.read_bytes())
