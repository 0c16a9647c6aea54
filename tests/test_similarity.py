"""MinHash signatures of report bodies: stable across processes, so stored ones stay comparable."""
from __future__ import annotations

from pathlib import Path

from datasketch import LeanMinHash, MinHash

from crawler.extract import similarity

SEEDS = Path(__file__).parent / "fixtures" / "seeds"


def _seed_text(name: str) -> str:
    return next(SEEDS.glob(f"{name}_*.txt")).read_text(encoding="utf-8")


def test_signature_is_datasketchs_own_minhash_of_the_shingle_hashes():
    """The cached permutations give the signature a fresh datasketch MinHash (seed 1) gives."""
    text = _seed_text("001")
    fresh = MinHash(num_perm=similarity.NUM_PERM, seed=1, hashfunc=lambda value: value)
    fresh.update_batch(similarity.shingle_hashes(text))
    assert similarity.to_bytes(similarity.body_minhash(text)) == similarity.to_bytes(LeanMinHash(fresh))


def test_same_text_same_signature_other_text_far():
    a, b = _seed_text("001"), _seed_text("003")
    assert similarity.similarity(similarity.body_minhash(a), similarity.body_minhash(" \n".join(a.split()))) == 1.0
    assert similarity.similarity(similarity.body_minhash(a), similarity.body_minhash(b)) < 0.5
    restored = similarity.from_bytes(similarity.to_bytes(similarity.body_minhash(a)))
    assert similarity.similarity(restored, similarity.body_minhash(a)) == 1.0
