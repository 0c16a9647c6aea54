"""The table model shared by every reader (HTML, flattened text, DOCX, PDF, XLS).

A `Table` is a rectangular grid of cell texts. Merged cells are resolved: a
cell spanning several grid positions has its text either repeated in every
position it covers (HTML and DOCX readers) or only in its first position with
'' elsewhere (flattened text, PDF). Parsers downstream accept both.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Table:
    rows: list[list[str]]      # rectangular grid of cell texts
    caption: str = ""          # the text just before the table (its heading), if known
