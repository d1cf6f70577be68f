"""The opt-in second pass: close stretches of the path re-decided by a translation model's
likelihood of each rival reading (:mod:`align.likelihood`), where the embeddings cannot decide."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

from align.aligner.pathsearch import Search, Step
from align.aligner.weights import BeadType
from align.likelihood import TranslationLikelihood


# The weight of a whole stretch's score where it is asked for, and of its French-less baseline:
# chosen by leave-one-novel-out on the TransRead novels (eval/results/align.md, "Whole-stretch scoring").
STRETCH_WEIGHT = 0.0075
STRETCH_BASELINE = 0.5
# Where gain + PMI already part the best two readings by more, the stretch score is not asked for:
# on the novels every decision it changed lay within 0.25, so 0.25 leaves them all as they were
# and asks for 42 % of the stretch readings (eval/results/align.md, "Stretches asked only where close").
STRETCH_MARGIN = 0.25


@dataclass(frozen=True)
class Rescoring:
    """The translation-likelihood second pass (:func:`rescore_path`): a stretch of at most
    ``span`` sentences a side is re-decided when a rival reading's gain is within ``gap`` of
    the best, by gain + ``weight`` × the PMI (nats) summed over the reading's pair beads.

    Set on Text+Berg dev through a German→French variant since removed (the base model with a
    prompt naming the languages; on test it did not help). Dev strict F1 at weight 0.015 / 0.02
    / 0.03 with gap 0.3 was 0.915 / 0.920 / 0.906, and at gap 0.1 / 0.15 / 0.2 / 0.3 / 0.5 with
    weight 0.02 it was 0.898 / 0.909 / 0.913 / 0.920 / 0.921, against 0.907 without; a wider
    gap costs more likelihood passes (342 pairs at 0.3, 723 at 0.5). On the French–English
    novels, leave-one-novel-out choice over the same range matched these defaults.

    ``span`` 6 and ``rivals`` 8 (from 4 and 4) let a stretch hold longer beads and more rival
    readings: on the novels strict F1 rises with ``--stretches`` (0.9543 → 0.9553 cold, 0.9565
    warm; no novel loses) and with the PMI alone (0.9504 → 0.9519 cold), lax falls by about 0.0006; every
    leave-one-novel-out fold chose them (eval/results/align.md, "Longer stretches").
    """

    likelihood: TranslationLikelihood
    weight: float = 0.02
    gap: float = 0.3
    span: int = 6
    rivals: int = 8  # readings compared at most
    # × each close reading's whole stretch scored at once (TranslationLikelihood.stretch_log_likelihoods);
    # 0 leaves it out, as it about doubles the PMI's likelihood passes
    stretch_weight: float = 0.0
    # × the same layout's score with the French left out, subtracted: what the bead structure
    # alone makes likely (a merged bead's English runs on in one line), not what the French says
    stretch_baseline: float = STRETCH_BASELINE
    # stretches are scored only where the best two readings by gain + PMI lie within this margin
    # (in gain units); math.inf scores every close stretch
    stretch_margin: float = STRETCH_MARGIN


Reading = tuple[float, tuple[Step, ...]]


def _readings(found: Search, start: tuple[int, int], end: tuple[int, int], limit: int) -> list[Reading]:
    """The ``limit`` highest-gain bead sequences from boundary ``start`` to ``end``, best first:
    the search's dynamic programme, keeping several partial paths per cell."""
    assert found.gains is not None and found.qualities is not None, "search(..., keep_gains=True)"
    band, (i0, j0), (i1, j1) = found.band, start, end
    fitting = [(t, kind) for t, kind in enumerate(found.types) if kind[0] <= i1 - i0 and kind[1] <= j1 - j0]
    best: dict[tuple[int, int], list[Reading]] = {start: [(0.0, ())]}
    for i in range(i0, i1 + 1):
        for j in range(j0, j1 + 1):
            if (i, j) == start:
                continue
            if not band.lo[i] <= j < band.hi[i]:  # as in the search, no path leaves the band
                best[i, j] = []
                continue
            cell = band.cell(i, j)
            options = []
            for t, (a, b) in fitting:  # bead types first: on a tie the search prefers them too
                if i - a >= i0 and j - b >= j0:
                    gain, step = float(found.gains[t, cell]), Step((a, b), i, j, float(found.qualities[t, cell]))
                    options += [(g + gain, r + (step,)) for g, r in best[i - a, j - b]]
            if j > j0:
                options += [(g, r + (Step((0, 1), i, j, 0.0),)) for g, r in best[i, j - 1]]
            options.sort(key=lambda option: -option[0])
            best[i, j] = _distinct_pairs(options)[:limit]
    return best[end]


def _pair_key(steps: Sequence[Step]) -> tuple[tuple[BeadType, int, int], ...]:
    return tuple((s.kind, s.i, s.j) for s in steps if s.kind[0] and s.kind[1])


def _distinct_pairs(readings: Sequence[Reading]) -> list[Reading]:
    """The best of each set of readings with the same pair beads: they differ only in the order
    of the sentences left out (1-0 then 0-1, or 0-1 then 1-0), which gains the same and means
    the same; without this they would crowd real rivals out."""
    seen: set[tuple[tuple[BeadType, int, int], ...]] = set()
    distinct = []
    for reading in readings:
        key = _pair_key(reading[1])
        if key not in seen:
            seen.add(key)
            distinct.append(reading)
    return distinct


def rescore_path(found: Search, src: Sequence[str], tgt: Sequence[str], rescoring: Rescoring) -> list[Step]:
    """The search's path with each close stretch of two consecutive beads re-decided by
    translation likelihood, left to right (a replaced stretch's last bead opens the next one).

    Only readings whose embedding gain is within ``gap`` of the best are compared, so the
    likelihood model runs where the embeddings cannot decide; the beads of the original path's
    close stretches are scored in one batch. With a ``stretch_weight`` each reading is also
    scored whole, its beads laid out in one prompt: the per-bead PMI of a 2-2 bead and of two
    1-1 beads rest on different unconditional baselines, a whole stretch's English on none;
    it is asked for only where gain + PMI leave the best two readings within ``stretch_margin``.
    """

    readings_of: dict[tuple[tuple[int, int], tuple[int, int]], list[Reading]] = {}

    def window_readings(corner: tuple[int, int], window: Sequence[Step]) -> list[Reading]:
        end = (window[-1].i, window[-1].j)
        if len(window) < 2 or max(end[0] - corner[0], end[1] - corner[1]) > rescoring.span:
            return []
        if (corner, end) not in readings_of:
            readings = _readings(found, corner, end, rescoring.rivals)
            close = [r for r in readings if readings[0][0] - r[0] <= rescoring.gap]
            readings_of[corner, end] = close if len(close) > 1 else []
        return readings_of[corner, end]

    def texts(step: Step) -> tuple[str, str]:
        src_ids, tgt_ids = step.sentences()
        return " ".join(src[k] for k in src_ids), " ".join(tgt[k] for k in tgt_ids)

    def pair_steps(readings: Sequence[Reading]) -> list[Step]:
        return [step for _, steps in readings for step in steps if step.kind[0] and step.kind[1]]

    pmi: dict[tuple[str, str], float] = {}

    def score(steps: Sequence[Step]) -> None:
        wanted = [pair for pair in dict.fromkeys(texts(s) for s in steps) if pair not in pmi]
        pmi.update(zip(wanted, rescoring.likelihood.pmi(wanted)))

    stretch: dict[tuple[tuple[str, str], ...], float] = {}

    def layout(reading: Reading) -> tuple[tuple[str, str], ...]:
        return tuple(texts(step) for step in reading[1])

    def blanked(beads: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
        return tuple(("", tgt) for _, tgt in beads)

    def score_stretches(readings: Sequence[Reading]) -> None:
        if readings:
            layouts = list(map(layout, readings))
            if rescoring.stretch_baseline:
                layouts += [blanked(beads) for beads in layouts]
            wanted = [r for r in dict.fromkeys(layouts) if r not in stretch]
            stretch.update(zip(wanted, rescoring.likelihood.stretch_log_likelihoods(wanted)))

    def stretch_score(reading: Reading) -> float:
        beads = layout(reading)
        baseline = stretch[blanked(beads)] if rescoring.stretch_baseline else 0.0
        return stretch[beads] - rescoring.stretch_baseline * baseline

    def by_pmi(reading: Reading) -> float:
        return reading[0] + rescoring.weight * sum(pmi[texts(s)] for s in pair_steps([reading]))

    def contested(close: Sequence[Reading]) -> bool:
        """Whether the stretch score is read for these readings: the best two by gain + PMI lie
        within ``stretch_margin`` (their PMIs scored already)."""
        if not rescoring.stretch_weight:
            return False
        first, second = sorted(map(by_pmi, close), reverse=True)[:2]
        return first - second <= rescoring.stretch_margin

    def chosen(close: Sequence[Reading]) -> Reading:
        """The best reading by gain + weight × PMI (+ stretch_weight × its stretch's score less
        its baseline, where the readings are contested and every one has a score); the first of
        equals: the embeddings' order breaks ties."""
        score(pair_steps(close))
        stretches = [0.0] * len(close)
        if contested(close):
            score_stretches(close)
            stretches = [stretch_score(r) for r in close]
            if any(math.isnan(value) for value in stretches):
                stretches = [0.0] * len(close)
        combined = [by_pmi(reading) + rescoring.stretch_weight * value for reading, value in zip(close, stretches)]
        return close[combined.index(max(combined))]

    corners = [(0, 0)] + [(s.i, s.j) for s in found.steps]
    first_pass = [close for k in range(len(found.steps)) if (close := window_readings(corners[k], found.steps[k : k + 2]))]
    score(pair_steps([r for close in first_pass for r in close]))
    score_stretches([r for close in first_pass if contested(close) for r in close])
    done: list[Step] = []
    pending = list(found.steps)
    corner = (0, 0)
    while pending:
        close = window_readings(corner, pending[:2])
        if close:
            best = chosen(close)
            if _pair_key(best[1]) != _pair_key(pending[:2]):
                pending[:2] = best[1]
        step = pending.pop(0)
        done.append(step)
        corner = (step.i, step.j)
    return done
