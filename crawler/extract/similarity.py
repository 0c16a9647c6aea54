"""Text similarity of report bodies: MinHash signatures (datasketch) over character shingles.

Used to recognise near-identical reposts (other page chrome, whitespace, a changed date line)
and to measure how much of a report was copied from the same publisher's previous-year report.

Shingles are the character 5-grams of the body with all whitespace removed (Chinese has no word
spaces). Each is hashed by a polynomial over its code points, computed for all shingles at once
with numpy; the signature holds, for each of datasketch's MinHash permutations, the least permuted
hash, also computed with numpy: the same values MinHash.update_batch gives (tests/test_similarity.py
compares them). The same text gives the same signature in every process, so signatures can be stored.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
from datasketch import LeanMinHash, MinHash

NUM_PERM = 128
SHINGLE = 5
SEED = 1
SCHEME = "affine32"        # datasketch 2's default: a MurmurHash3 pre-mix, then h -> a*h + b mod 2**32
_BASE = np.uint32(1_000_003)
_EMPTY = np.uint32(0xFFFFFFFF)
_SHINGLES_AT_ONCE = 8192   # a block of NUM_PERM x 8192 uint32 (4 MB) is permuted at a time


def _distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted (np.unique's result, by sorting: faster than its hash table here)."""
    ordered = np.sort(values)
    keep = np.empty(ordered.size, dtype=bool)
    keep[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def shingle_hashes(text: str, size: int = SHINGLE) -> np.ndarray:
    """The distinct 32-bit hashes (uint32) of the text's character `size`-grams (whitespace removed).

    The polynomial is computed mod 2**32, which gives the low 32 bits of the same polynomial mod 2**64."""
    compact = "".join((text or "").split())
    codes = np.frombuffer(compact.encode("utf-32-le"), dtype=np.uint32)
    if codes.size == 0:
        return np.zeros(0, dtype=np.uint32)
    if codes.size < size:
        size = codes.size
    count = codes.size - size + 1
    hashes = codes[:count].copy()
    for k in range(1, size):
        hashes *= _BASE
        hashes += codes[k:k + count]
    return _distinct(hashes)


def _premix(hashes: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer, which datasketch applies to each hash before permuting it."""
    mixed = hashes ^ (hashes >> np.uint32(16))
    mixed *= np.uint32(0x85EBCA6B)
    mixed ^= mixed >> np.uint32(13)
    mixed *= np.uint32(0xC2B2AE35)
    mixed ^= mixed >> np.uint32(16)
    return mixed


@lru_cache(maxsize=1)
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """datasketch's permutations of seed SEED (a, b as columns), drawn once (drawing them is costly)."""
    a, b = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME).permutations
    return a[:, np.newaxis], b[:, np.newaxis]


def body_minhash(text: str) -> LeanMinHash:
    """The body's signature: what datasketch's MinHash(seed=SEED).update_batch gives for
    shingle_hashes(text), computed a block of shingles at a time instead of a call per shingle."""
    a, b = _permutations()
    mixed = _premix(shingle_hashes(text))
    least = np.full(NUM_PERM, _EMPTY, dtype=np.uint32)
    for start in range(0, mixed.size, _SHINGLES_AT_ONCE):
        permuted = a * mixed[start:start + _SHINGLES_AT_ONCE]
        permuted += b
        np.minimum(least, permuted.min(axis=1), out=least)
    return LeanMinHash(seed=SEED, hashvalues=least, scheme=SCHEME)


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
