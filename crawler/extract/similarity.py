"""Text similarity of report bodies: MinHash signatures (datasketch) over character shingles.

Used to recognise near-identical reposts (other page chrome, whitespace, a changed date line)
and to measure how much of a report was copied from the same publisher's previous-year report.
"""
from __future__ import annotations

import re

import numpy as np
from datasketch import LeanMinHash, MinHash

NUM_PERM = 128
SHINGLE = 5
_WS = re.compile(r"\s+")


def shingles(text: str, size: int = SHINGLE) -> set[str]:
    """Character n-grams of the text with all whitespace removed (Chinese has no word spaces)."""
    compact = _WS.sub("", text or "")
    if len(compact) <= size:
        return {compact} if compact else set()
    return {compact[i:i + size] for i in range(len(compact) - size + 1)}


def body_minhash(text: str) -> LeanMinHash:
    m = MinHash(num_perm=NUM_PERM, seed=1)
    m.update_batch([s.encode("utf-8") for s in shingles(text)])
    return LeanMinHash(m)


def to_bytes(signature: LeanMinHash) -> bytes:
    buf = bytearray(signature.bytesize())
    signature.serialize(buf)
    return bytes(buf)


def from_bytes(data: bytes) -> LeanMinHash:
    return LeanMinHash.deserialize(bytearray(data))


def similarity(a: bytes | LeanMinHash, b: bytes | LeanMinHash) -> float:
    """Estimated Jaccard similarity of two bodies' shingle sets (0..1)."""
    a = from_bytes(a) if isinstance(a, (bytes, bytearray)) else a
    b = from_bytes(b) if isinstance(b, (bytes, bytearray)) else b
    return float(np.mean(a.hashvalues == b.hashvalues))
