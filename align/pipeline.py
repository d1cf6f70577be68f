"""The main job: read → segment → translate → align → evaluate → write a run directory.

The source and the reference may be any supported document (align.documents), each in its own
format; a bilingual file (XLIFF, PO) with translations filled in is its own reference.

Every output is written atomically; drafts and embeddings go through the content-addressed
cache, so a rerun (or a run resumed after an interruption) redoes no model work.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import jsonlines

from align.aligner import STRETCH_WEIGHT, Alignment, Rescoring, align_sentences
from align.blocks import segment_document
from align.cache import Cache
from align.documents import Document, read_document
from align.embed import Embedder, get_embedder
from align.errors import DataError
from align.evaluate import score_translation
from align.fidelity import FIDELITY_EMBEDDER, SpanLikelihood, check_pairs
from align.formats import format_beads, write_corpus
from align.language import require_language
from align.likelihood import embedded_likelihood, names_likelihood
from align.progress import ProgressCallback, progress_bar
from align.records import DEFAULT_MAX_BEAD, LOW_CONFIDENCE_SCORE, Draft, Pair, Segment
from align.report import write_report
from align.textio import atomic_writer, write_text_atomic
from align.translate import get_translator, load_tm, read_glossary, translate_sentences
from align.translate.presets import quality_backend

DRAFT_FLAG_PREFIX = "draft:"


@dataclass
class RunOptions:
    backend: str = "gguf"
    model: str | None = None
    quality: str = "fast"  # auto, fast or best: the embedded translator (align.translate.presets)
    embedder: str = "use"
    draft_embedder: str = "minilm"
    translate: bool = True
    max_bead: int = DEFAULT_MAX_BEAD  # most sentences in one bead, both sides together
    group_unaligned: bool = False  # a run of sentences left out on one side: one bead
    rescore: bool = False  # re-decide close stretches by translation likelihood (align.likelihood)
    stretches: bool = False  # rescoring also scores each close stretch whole (implies rescore)
    languages: tuple[str, str] = ("fr", "en")  # of source and target (rescoring is French→English only)
    doc: str | None = None  # document name in the corpus rows; default: from the source file name
    input_format: str | None = None  # of the source document; default: recognised by content
    reference_format: str | None = None  # of the reference document; default: recognised by content
    glossary: str | None = None  # TSV or TBX of terms the drafts must use (align.translate.glossary)
    tm: tuple[str, ...] = ()  # translation memories: exact matches reused, fuzzy ones lent (align.translate.tm)
    tm_threshold: int = 75  # least fuzzy match percentage
    exports: bool = True  # per-document corpus.tsv, corpus.tmx and report.html (batch merges instead)
    cache: Cache = field(default_factory=Cache.default)
    show_progress: bool = False
    notify: Callable[[str], None] = lambda message: None

    def __post_init__(self) -> None:
        self.rescore = self.rescore or self.stretches
        if self.rescore and self.languages != ("fr", "en"):  # refused before any work is done
            raise DataError("--rescore: the translation likelihood is French→English only")


_DOCUMENT_SUFFIXES = (
    ".txt", ".html", ".htm", ".xhtml", ".docx", ".odt", ".pdf", ".epub", ".srt", ".vtt", ".xlf", ".xliff", ".po", ".md",
)


def document_name(path: Path) -> str:
    """``dprk-troops-2024-11-05.fr.txt`` (or ``.docx`` …) → ``dprk-troops-2024-11-05``."""
    name = path.name
    for suffix in (path.suffix.lower() if path.suffix.lower() in _DOCUMENT_SUFFIXES else "", ".fr", ".en"):
        name = name.removesuffix(suffix) if suffix else name
    return name or path.stem


def write_jsonl(path: Path, rows: Sequence[dict]) -> None:
    with atomic_writer(path) as fh:
        jsonlines.Writer(fh, compact=True, flush=False).write_all(rows)


def draft_sentences(lines: Sequence[str], options: RunOptions) -> list[Draft]:
    translator = get_translator(*quality_backend(options.quality, options.backend, options.model, len(lines)))
    glossary = read_glossary(options.glossary) if options.glossary else None
    memory = load_tm(options.tm, options.tm_threshold) if options.tm else None
    with progress_bar("translating", options.show_progress) as tick:
        return translate_sentences(lines, translator, options.cache, tick, glossary=glossary, memory=memory,
                                   embedder=get_embedder(FIDELITY_EMBEDDER, options.cache))


def align_lines(
    src: Sequence[str], tgt: Sequence[str], drafts: Sequence[str] | None, options: RunOptions
) -> Alignment:
    embedder = get_embedder(options.embedder, options.cache)
    draft_embedder = get_embedder(options.draft_embedder, options.cache) if drafts else None
    return align_sentences(
        src, tgt, embedder, drafts=drafts, draft_embedder=draft_embedder, max_bead=options.max_bead,
        group_unaligned=options.group_unaligned,
        rescoring=Rescoring(embedded_likelihood(options.cache), stretch_weight=STRETCH_WEIGHT if options.stretches else 0.0)
        if options.rescore else None,
    )


def build_pairs(
    doc: str,
    src: Sequence[str],
    tgt: Sequence[str],
    alignment: Alignment,
    drafts: Sequence[Draft] | None = None,
    locators: Sequence[dict | None] | None = None,
    embedder: Embedder | None = None,
    likelihood: SpanLikelihood | None = None,
) -> list[Pair]:
    """Corpus rows for each bead: joined texts, joined drafts, bead and draft flags, the
    reference's fidelity flags (:mod:`align.fidelity`, sharper with an ``embedder`` and a
    ``likelihood``: a human translation that drops a number is worth knowing), and where the
    bead's first source sentence is in its document (``locators``, one per sentence)."""
    pairs = []
    joined = [(" ".join(src[i] for i in bead.src), " ".join(tgt[i] for i in bead.tgt)) for bead in alignment.beads]
    both = [k for k, bead in enumerate(alignment.beads) if bead.src and bead.tgt]
    reference_flags: list[tuple[str, ...]] = [()] * len(joined)
    checked = check_pairs([joined[k][0] for k in both], [joined[k][1] for k in both], embedder, likelihood)
    for k, flags in zip(both, checked):
        reference_flags[k] = flags
    for bead, fidelity in zip(alignment.beads, reference_flags):
        flags = list(bead.flags) + list(fidelity)
        draft = None
        if drafts is not None and bead.src:
            draft = " ".join(drafts[i].text for i in bead.src)
            flags += [DRAFT_FLAG_PREFIX + f for i in bead.src for f in drafts[i].flags]
        pairs.append(
            Pair(
                doc=doc,
                src_ids=list(bead.src),
                tgt_ids=list(bead.tgt),
                src=" ".join(src[i] for i in bead.src),
                tgt=" ".join(tgt[i] for i in bead.tgt),
                draft=draft,
                score=round(float(bead.score), 4),
                bead=bead.kind,
                flags=list(dict.fromkeys(flags)),
                locator=locators[bead.src[0]] if locators is not None and bead.src else None,
            )
        )
    return pairs


def draft_quality(pairs: Sequence[Pair]) -> dict | None:
    """chrF/BLEU of drafts against the reference sentences they were aligned with."""
    aligned = [p for p in pairs if p.draft is not None and p.src_ids and p.tgt_ids]
    if not aligned:
        return None
    scores = score_translation([p.draft for p in aligned], [p.tgt for p in aligned])
    return {"pairs": len(aligned), "metrics": scores.to_dict()["metrics"]}


def read_side(
    path: Path | str, lang: str, notify: Callable[[str], None], input_format: str | None = None
) -> tuple[Document, list[Segment]]:
    """Read one side's document, check its language, and split it into sentences."""
    document = read_document(path, input_format)
    if document.notice:
        notify(document.notice)
    return checked_side(document, lang)


def checked_side(document: Document, lang: str) -> tuple[Document, list[Segment]]:
    require_language(document.text, lang, document.path)
    return document, segment_document(document, lang)


def run_document(source: Path, reference: Path | None, out: Path, options: RunOptions) -> dict:
    """Run the whole pipeline on one document; returns the report (also written to ``out``)."""
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[stage] = round(now - clock, 3)
        clock = now

    doc = options.doc or document_name(source)
    src_document, src_segments = read_side(source, "fr", options.notify, options.input_format)
    if reference:
        tgt_document, tgt_segments = read_side(reference, "en", options.notify, options.reference_format)
    elif src_document.has_targets:  # a CAT tool's bilingual file checks its own translations
        tgt_document, tgt_segments = checked_side(src_document.target_side(), "en")
    else:
        tgt_document, tgt_segments = None, None
    lap("segment")
    src_lines = [s.line for s in src_segments]

    drafts = draft_sentences(src_lines, options) if options.translate else None
    lap("translate")

    report: dict = {
        "document": doc,
        "source": str(source),
        "reference": str(reference) if reference else None,
        "formats": {"source": src_document.format, "reference": tgt_document.format if tgt_document else None},
        "counts": {"source_segments": len(src_segments)},
    }
    if options.glossary:  # the HTML report (and review) mark its terms; absolute, to work from anywhere
        report["glossary"] = str(Path(options.glossary).resolve())
    write_text_atomic(out / "text.fr.txt", src_document.text)  # what the segments' offsets point into
    write_jsonl(out / "segments.fr.jsonl", [s.to_dict() for s in src_segments])
    if drafts is not None:
        write_jsonl(out / "drafts.jsonl", [{"id": i, **d.to_dict()} for i, d in enumerate(drafts)])
        write_text_atomic(out / "drafts.en.txt", "".join(d.text + "\n" for d in drafts))
        report["counts"]["flagged_drafts"] = sum(1 for d in drafts if d.flags)
        report["flagged_drafts"] = [
            {"id": i, "source": d.source, "draft": d.text, "flags": list(d.flags)}
            for i, d in enumerate(drafts)
            if d.flags
        ]

    if tgt_document is not None:
        tgt_lines = [s.line for s in tgt_segments]
        write_text_atomic(out / "text.en.txt", tgt_document.text)
        write_jsonl(out / "segments.en.jsonl", [s.to_dict() for s in tgt_segments])
        alignment = align_lines(src_lines, tgt_lines, [d.text for d in drafts] if drafts else None, options)
        lap("align")
        pairs = build_pairs(
            doc, src_lines, tgt_lines, alignment, drafts, [s.locator for s in src_segments],
            get_embedder(FIDELITY_EMBEDDER, options.cache), names_likelihood(options.cache),
        )
        write_corpus(pairs, out / "pairs.jsonl", "jsonl")
        write_text_atomic(out / "alignment.txt", format_beads(alignment.beads))
        if options.exports:
            write_corpus(pairs, out / "corpus.tsv", "tsv")
            write_corpus(pairs, out / "corpus.tmx", "tmx")
        report["counts"].update(reference_segments=len(tgt_segments), beads=len(pairs))
        report["embedder"] = options.embedder
        report["bead_types"] = dict(Counter(p.bead for p in pairs).most_common())
        report["verdict"] = alignment.verdict
        report["low_confidence"] = [
            {"src_ids": p.src_ids, "tgt_ids": p.tgt_ids, "score": p.score, "src": p.src, "tgt": p.tgt}
            for p in sorted(pairs, key=lambda p: p.score)
            if p.score < LOW_CONFIDENCE_SCORE
        ]
        report["draft_quality"] = draft_quality(pairs)
        lap("evaluate")
    report["seconds"] = timings
    write_text_atomic(out / "report.json", json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    write_text_atomic(out / "report.md", render_report(report))
    if tgt_document is not None and options.exports:
        write_report(out)
    return report


def render_report(report: dict) -> str:
    """A short Markdown summary a person reads first."""
    lines = [f"# Run report: {report['document']}", ""]
    lines += [f"- {key.replace('_', ' ')}: {value}" for key, value in report["counts"].items()]
    if report.get("verdict"):
        lines += ["", f"**Warning:** {report['verdict']}"]
    if report.get("bead_types"):
        lines += ["", "## Bead types", ""]
        lines += [f"- {kind}: {n}" for kind, n in report["bead_types"].items()]
    quality = report.get("draft_quality")
    if quality:
        lines += ["", "## Drafts against the aligned reference", ""]
        lines += [f"- pairs scored: {quality['pairs']}"]
        lines += [f"- {m['name']}: {m['score']:.1f} ({m['signature']})" for m in quality["metrics"].values()]
    if "low_confidence" in report:
        lines += ["", f"## Low-confidence pairs (score < {LOW_CONFIDENCE_SCORE})", ""]
        if not report["low_confidence"]:
            lines.append("None.")
        for p in report["low_confidence"]:
            lines.append(f"- {p['src_ids']}:{p['tgt_ids']} score {p['score']:.2f}: {p['src'][:80]!r} ↔ {p['tgt'][:80]!r}")
    if report.get("flagged_drafts"):
        lines += ["", "## Flagged drafts", ""]
        for d in report["flagged_drafts"]:
            lines.append(f"- #{d['id']} {', '.join(d['flags'])}: {d['draft'][:100]!r}")
    lines += ["", "## Seconds per stage", ""]
    lines += [f"- {stage}: {sec}" for stage, sec in report["seconds"].items()]
    return "\n".join(lines) + "\n"
