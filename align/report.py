"""A self-contained HTML report of a run, readable offline.

Plots a person would rather look at than read — the alignment path over the similarity matrix,
the distribution of pair confidence, draft quality per pair — are rendered with matplotlib to
PNG and inlined, next to tables of the lowest-confidence pairs and the flagged drafts.
"""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path
from typing import Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (backend must be chosen first)
import numpy as np  # noqa: E402
from jinja2 import Environment, PackageLoader, select_autoescape  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from align.cache import Cache  # noqa: E402
from align.documents import locator_label  # noqa: E402
from align.errors import DataError  # noqa: E402
from align.evaluate import score_translation  # noqa: E402
from align.fidelity import describe  # noqa: E402
from align.formats import json_objects, read_corpus  # noqa: E402
from align.highlight import TermMarks, term_marks  # noqa: E402
from align.records import Pair  # noqa: E402
from align.textio import read_text, write_text_atomic  # noqa: E402

MATRIX_PIXELS = 600  # larger documents are max-pooled down to this many cells a side
TABLE_ROWS = 25


def _png(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _pooled(matrix: np.ndarray, cells: int) -> tuple[np.ndarray, float, float]:
    """Max-pool ``matrix`` to at most ``cells`` a side; returns it with the row/column scale."""
    rows, cols = matrix.shape
    fy, fx = max(1, -(-rows // cells)), max(1, -(-cols // cells))
    if fy == fx == 1:
        return matrix, 1.0, 1.0
    padded = np.full((-(-rows // fy) * fy, -(-cols // fx) * fx), matrix.min(), dtype=matrix.dtype)
    padded[:rows, :cols] = matrix
    pooled = padded.reshape(padded.shape[0] // fy, fy, padded.shape[1] // fx, fx).max(axis=(1, 3))
    return pooled, float(fy), float(fx)


def alignment_plot(similarity: np.ndarray, pairs: Sequence[Pair]) -> str:
    """The bead path drawn over the sentence similarity matrix (French rows, English columns)."""
    pooled, fy, fx = _pooled(similarity, MATRIX_PIXELS)
    fig, ax = plt.subplots(figsize=(7, 7 * max(0.4, min(2.5, similarity.shape[0] / max(1, similarity.shape[1])))))
    image = ax.imshow(pooled, cmap="Greys", aspect="auto", interpolation="nearest",
                      extent=(-0.5, similarity.shape[1] - 0.5, similarity.shape[0] - 0.5, -0.5))
    fig.colorbar(image, ax=ax, fraction=0.04, label="cosine similarity")
    for pair in pairs:
        if pair.src_ids and pair.tgt_ids:
            colour = "tab:blue" if pair.bead == "1-1" else "tab:orange"
            x, y = min(pair.tgt_ids) - 0.5, min(pair.src_ids) - 0.5
            ax.add_patch(Rectangle((x, y), len(pair.tgt_ids), len(pair.src_ids), fill=False, lw=1.2, ec=colour))
        elif pair.src_ids:  # every sentence of a run left out (grouped runs have several)
            ax.plot([-0.5] * len(pair.src_ids), pair.src_ids, ">", color="tab:red", ms=5, clip_on=False)
        else:
            ax.plot(pair.tgt_ids, [-0.5] * len(pair.tgt_ids), "v", color="tab:red", ms=5, clip_on=False)
    ax.set_xlabel("English sentence")
    ax.set_ylabel("French sentence")
    ax.set_title("Alignment path (blue 1-1, orange merges, red unaligned)")
    return _png(fig)


def confidence_plot(pairs: Sequence[Pair]) -> str:
    fig, ax = plt.subplots(figsize=(7, 2.8))
    ax.hist([p.score for p in pairs], bins=20, range=(0, 1), color="tab:blue", edgecolor="white")
    ax.set_xlabel("pair confidence")
    ax.set_ylabel("pairs")
    return _png(fig)


def draft_plot(chrf: Sequence[float]) -> str:
    fig, ax = plt.subplots(figsize=(7, 2.8))
    ax.bar(range(len(chrf)), chrf, color=["tab:red" if s < 30 else "tab:blue" for s in chrf])
    ax.set_xlabel("aligned pair (document order)")
    ax.set_ylabel("draft chrF")
    ax.set_ylim(0, 100)
    return _png(fig)


def _sentences(path: Path) -> list[str]:
    return [" ".join(str(row["text"]).split()) for _, row in json_objects(read_text(path).text, str(path), ("text",))]


def run_summary(run_dir: Path) -> dict:
    """A run's report.json, or nothing when it has none; a damaged one is refused in one line."""
    path = run_dir / "report.json"
    if not path.exists():
        return {}
    try:
        summary = json.loads(read_text(path).text)
    except (json.JSONDecodeError, RecursionError):
        summary = None
    if not isinstance(summary, dict):
        raise DataError(f"{path}: not the JSON object align run writes; run align run again to rewrite it")
    return summary


def similarity_matrix(run_dir: Path, embedder_name: str) -> np.ndarray | None:
    """Cosine similarities of all sentence pairs, from the (cached) embeddings of the run."""
    from align.embed import get_embedder

    src_file, tgt_file = run_dir / "segments.fr.jsonl", run_dir / "segments.en.jsonl"
    if not (src_file.exists() and tgt_file.exists()):
        return None
    embedder = get_embedder(embedder_name, Cache.default())
    return embedder.encode(_sentences(src_file)) @ embedder.encode(_sentences(tgt_file)).T


def render_html(run_dir: Path, similarity: np.ndarray | None = None, marks: TermMarks | None = None) -> str:
    """The report page for ``run_dir`` (a directory written by ``align run``); ``marks``
    highlights a glossary's terms in the tables."""
    if not (run_dir / "pairs.jsonl").exists():
        raise DataError(f"{run_dir}: no pairs.jsonl here; is it a directory written by 'align run'?")
    pairs = read_corpus(run_dir / "pairs.jsonl")
    summary = run_summary(run_dir)
    scored = [p for p in pairs if p.draft is not None and p.src_ids and p.tgt_ids]
    draft_scores = [s.chrf for s in score_translation([p.draft for p in scored], [p.tgt for p in scored]).sentences] if scored else []
    plots = {"confidence": confidence_plot(pairs)}
    if similarity is not None:
        plots["alignment"] = alignment_plot(similarity, pairs)
    if draft_scores:
        plots["drafts"] = draft_plot(draft_scores)
    worst_drafts = sorted(zip(draft_scores, scored), key=lambda item: item[0])[:TABLE_ROWS]
    environment = Environment(loader=PackageLoader("align"), autoescape=select_autoescape(default=True))
    environment.filters["where"] = locator_label  # page, chapter, cue time: where to look in the original
    environment.filters["words"] = describe  # a flag such as number-changed:2270 in a sentence
    marks = marks or TermMarks()
    environment.filters["french"] = marks.french
    environment.filters["english"] = marks.english
    return environment.get_template("report.html.j2").render(
        title=summary.get("document", run_dir.name),
        summary=summary,
        plots=plots,
        low_confidence=sorted(pairs, key=lambda p: p.score)[:TABLE_ROWS],
        flagged=[p for p in pairs if p.flags][:TABLE_ROWS * 4],
        worst_drafts=worst_drafts,
        pair_count=len(pairs),
        terms_marked=marks.glossary is not None,
    )


def write_report(run_dir: Path, similarity: np.ndarray | None = None, glossary: Path | None = None) -> Path:
    """Write ``report.html`` into ``run_dir``; computes the similarity matrix when not given.
    Terms of ``glossary`` (default: the one ``align run --glossary`` recorded) are marked."""
    if similarity is None:
        embedder = run_summary(run_dir).get("embedder", "use")
        similarity = similarity_matrix(run_dir, embedder)
    target = run_dir / "report.html"
    write_text_atomic(target, render_html(run_dir, similarity, term_marks(glossary, run_dir)))
    return target
