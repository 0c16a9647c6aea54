"""Text similarity of report bodies: MinHash signatures (datasketch) over character shingles.

Used to recognise near-identical reposts (other page chrome, whitespace, a changed date line)
and to measure how much of a report was copied from the same publisher's previous-year report.

Shingles are the character 5-grams of the body with all whitespace removed (Chinese has no word
spaces). Each is hashed by a polynomial over its code points, computed for all shingles at once
with numpy, and the 32-bit hashes go to datasketch's MinHash (whose permutations do the rest):
the same text gives the same signature in every process, so signatures can be stored.
"""
from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
from datasketch import LeanMinHash, MinHash

NUM_PERM = 128
SHINGLE = 5
_WS = re.compile(r"\s+")
_BASE = np.uint64(1_000_003)
_MASK32 = np.uint64(0xFFFFFFFF)


def shingle_hashes(text: str, size: int = SHINGLE) -> np.ndarray:
    """The distinct 32-bit hashes of the text's character `size`-grams (whitespace removed)."""
    compact = _WS.sub("", text or "")
    codes = np.frombuffer(compact.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if codes.size == 0:
        return np.zeros(0, dtype=np.uint64)
    if codes.size < size:
        size = codes.size
    count = codes.size - size + 1
    hashes = np.zeros(count, dtype=np.uint64)
    for k in range(size):                     # wraps mod 2**64, as a polynomial hash may
        hashes = hashes * _BASE + codes[k:k + count]
    return np.unique(hashes & _MASK32)


def _identity(value):
    return value


@lru_cache(maxsize=1)
def _template() -> MinHash:
    """A MinHash with the permutations of seed 1, drawn once and reused (drawing them is costly)."""
    return MinHash(num_perm=NUM_PERM, seed=1)


def body_minhash(text: str) -> LeanMinHash:
    template = _template()
    m = MinHash(num_perm=NUM_PERM, seed=1, hashfunc=_identity,    # the shingles come hashed
                permutations=template.permutations, scheme=template.scheme)
    hashes = shingle_hashes(text)
    if hashes.size:
        m.update_batch(hashes)
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
