"""MinHash signatures of report bodies: stable across processes, so stored ones stay comparable."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np
from datasketch import LeanMinHash, MinHash

from crawler.extract import similarity
from crawler.extract.encoding import decode_html
from crawler.extract.report import report_from_html

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = FIXTURES / "seeds"


def _seed_text(name: str) -> str:
    return next(SEEDS.glob(f"{name}_*.txt")).read_text(encoding="utf-8")


def _shingle_hashes_as_first_defined(text: str) -> np.ndarray:
    """The shingle hashes as the signatures in the databases were made: whitespace removed by a
    regular expression, the polynomial over code points in uint64, its low 32 bits, np.unique."""
    codes = np.frombuffer(re.sub(r"\s+", "", text).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if codes.size == 0:
        return np.zeros(0, dtype=np.uint64)
    size = min(similarity.SHINGLE, codes.size)
    count = codes.size - size + 1
    hashes = np.zeros(count, dtype=np.uint64)
    for k in range(size):
        hashes = hashes * np.uint64(1_000_003) + codes[k:k + count]
    return np.unique(hashes & np.uint64(0xFFFFFFFF))


def _datasketchs_signature(text: str) -> bytes:
    """A fresh datasketch MinHash (seed 1, its default scheme) updated with the shingle hashes."""
    fresh = MinHash(num_perm=similarity.NUM_PERM, seed=1, hashfunc=lambda value: value)
    hashes = _shingle_hashes_as_first_defined(text)
    if hashes.size:
        fresh.update_batch(hashes)
    return similarity.to_bytes(LeanMinHash(fresh))


def _texts() -> list[str]:
    """Empty, short, whitespace-only and odd texts, the seed reports, their concatenation (more
    shingles than one block), and the bodies of the saved real pages and of generated demo pages."""
    from crawler.demo.columns.large import LargePortalSet, LargeSite
    short = ["", "a", "ab c", "中文", "中文中文", "中文中文中", "中文中文中文", " \n\t\u3000 ", "\x00\x00\x00\x00\x00",
             "𠀀𠀁𠀂 𠀃𠀄𠀅", "x" * 1000, "年报" * 3000]
    seeds = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    pages = [decode_html(path.read_bytes(), None)[0] for path in sorted((FIXTURES / "real").glob("*.html"))]
    portal_set = LargePortalSet(5000)
    site = LargeSite(portal_set)
    pages += [decode_html(site.handle("GET", portal_set.report_path(n), {}, b"").body, None)[0]
              for n in range(0, 5000, 250)]
    bodies = [report_from_html(page, "http://127.0.0.1/report.html")["body_text"] for page in pages]
    return short + seeds + ["\n".join(seeds * 3)] + bodies


def test_shingle_hashes_are_the_first_defined_ones():
    for text in _texts():
        assert similarity.shingle_hashes(text).tolist() == _shingle_hashes_as_first_defined(text).tolist()


def test_signature_is_datasketchs_own_minhash_of_the_shingle_hashes():
    """The signature computed here is byte for byte the one datasketch's update_batch gives."""
    for text in _texts():
        assert similarity.to_bytes(similarity.body_minhash(text)) == _datasketchs_signature(text), text[:40]


def test_signature_bytes_of_a_seed_report_are_the_stored_ones():
    """The bytes stored for seed report 001 since signatures were first stored (a change of
    datasketch or of the shingles would make every stored signature incomparable)."""
    stored = "f1a1a3f1ae24d3ac0bc35a107227a9a1864402d663364698f39a272c69334f05"
    assert hashlib.sha256(similarity.to_bytes(similarity.body_minhash(_seed_text("001")))).hexdigest() == stored


def test_same_text_same_signature_other_text_far():
    a, b = _seed_text("001"), _seed_text("003")
    assert similarity.similarity(similarity.body_minhash(a), similarity.body_minhash(" \n".join(a.split()))) == 1.0
    assert similarity.similarity(similarity.body_minhash(a), similarity.body_minhash(b)) < 0.5
    restored = similarity.from_bytes(similarity.to_bytes(similarity.body_minhash(a)))
    assert similarity.similarity(restored, similarity.body_minhash(a)) == 1.0
