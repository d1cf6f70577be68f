"""`align check`: fidelity flags on any French→English translation, pair by pair.

What Xbench or Verifika do for translators: the two sides are aligned (or taken line by line
when they are already parallel), each pair is checked by :mod:`align.fidelity`, and with a
glossary each pair whose source has a term whose English the translation lacks is flagged
``term-missing`` too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, Sequence

from align.errors import DataError
from align.fidelity import SpanLikelihood, check_pairs, describe


class TermChecker(Protocol):
    """What a glossary (align.translate.glossary.Glossary) offers here."""

    def missing(self, source: str, draft: str) -> tuple[str, ...]: ...


@dataclass
class CheckedPair:
    """One input line or bead: sentence ids on each side (0-based), texts and flags."""

    src_ids: list[int]
    tgt_ids: list[int]
    src: str
    tgt: str
    flags: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "src_ids": self.src_ids, "tgt_ids": self.tgt_ids, "src": self.src, "tgt": self.tgt,
            "flags": self.flags, "messages": [describe(f) for f in self.flags],
        }


def check_beads(
    src: Sequence[str],
    tgt: Sequence[str],
    beads: Sequence[tuple[Sequence[int], Sequence[int]]],
    embedder=None,
    glossary: TermChecker | None = None,
    likelihood: SpanLikelihood | None = None,
) -> list[CheckedPair]:
    """Each bead's joined sides checked (``embedder`` and ``likelihood``: see
    :func:`align.fidelity.check_pairs`); a sentence left out on one side has no flags (the
    aligner already says it has no partner)."""
    pairs = [
        CheckedPair(list(s), list(t), " ".join(src[i] for i in s), " ".join(tgt[i] for i in t)) for s, t in beads
    ]
    both = [p for p in pairs if p.src_ids and p.tgt_ids]
    for pair, flags in zip(both, check_pairs([p.src for p in both], [p.tgt for p in both], embedder, likelihood)):
        pair.flags = list(flags) + (list(glossary.missing(pair.src, pair.tgt)) if glossary else [])
    return pairs


def check_lines(
    src: Sequence[str], tgt: Sequence[str], embedder=None, glossary: TermChecker | None = None, names=("SRC", "TGT"),
    likelihood: SpanLikelihood | None = None,
) -> list[CheckedPair]:
    """Line ``i`` of ``tgt`` checked as the translation of line ``i`` of ``src``."""
    if len(src) != len(tgt):
        raise DataError(
            f"{names[1]}: {len(tgt)} lines for {len(src)} in {names[0]}; --presegmented takes line i as the "
            "translation of line i (leave it out to align the two)"
        )
    return check_beads(src, tgt, [([i], [i]) for i in range(len(src))], embedder, glossary, likelihood)


def format_report(pairs: Sequence[CheckedPair]) -> str:
    """Every flagged pair with its flags in words, then a count."""
    lines = []
    flagged = [p for p in pairs if p.flags]
    for pair in flagged:
        ids = f"{','.join(map(str, pair.src_ids))}:{','.join(map(str, pair.tgt_ids))}"
        lines += [f"[{ids}] {pair.src}", f"{' ' * (len(ids) + 2)} {pair.tgt}"]
        lines += [f"  - {flag}: {describe(flag)}" for flag in pair.flags]
        lines.append("")
    lines.append(f"{len(flagged)} of {len(pairs)} pairs flagged")
    return "\n".join(lines) + "\n"
