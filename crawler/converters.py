"""Legacy office files (DOC, WPS, RTF) converted to DOCX by LibreOffice.

The one subprocess that reading attachments needs, kept out of `crawler/extract` (pure): the
extractors take a `convert_legacy(data, suffix) -> DOCX bytes` argument, and the callers (the
attachments pipeline, the parse command, the demo) hand in `legacy_converter()`.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable

from crawler.defaults import SOFFICE_TIMEOUT

_CONVERT_LOCK = threading.Lock()


def converter_path() -> str | None:
    """The LibreOffice binary, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_with_soffice(data: bytes, suffix: str, target: str = "docx", soffice: str | None = None,
                         timeout: float = SOFFICE_TIMEOUT) -> bytes:
    """Run `soffice --headless --convert-to TARGET` on the bytes (a file named document+suffix)
    in a private temp dir and return the converted file.

    One conversion at a time per process (LibreOffice's profile is not shareable); the
    profile lives in the temp dir, so no state leaks between runs.
    """
    with _CONVERT_LOCK, tempfile.TemporaryDirectory(prefix="reports-convert-") as workdir:
        source = os.path.join(workdir, "document" + suffix)
        with open(source, "wb") as handle:
            handle.write(data)
        outdir = os.path.join(workdir, "out")
        command = [soffice or converter_path() or "soffice", f"-env:UserInstallation=file://{workdir}/profile",
                   "--headless", "--norestore", "--convert-to", target, "--outdir", outdir, source]
        done = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        converted = os.path.join(outdir, "document." + target)
        if not os.path.exists(converted):
            raise RuntimeError(f"soffice produced no {target} (exit {done.returncode}): "
                               f"{done.stderr.decode('utf-8', 'replace')[:200]}")
        with open(converted, "rb") as handle:
            return handle.read()


def legacy_converter(timeout: float = SOFFICE_TIMEOUT) -> Callable[[bytes, str], bytes] | None:
    """The `convert_legacy` argument of `crawler.extract.documents.read_document`: DOC/WPS/RTF
    bytes and their suffix -> DOCX bytes; None when LibreOffice is not installed."""
    soffice = converter_path()
    if soffice is None:
        return None

    def convert_legacy(data: bytes, suffix: str) -> bytes:
        return convert_with_soffice(data, suffix, "docx", soffice, timeout)

    return convert_legacy
