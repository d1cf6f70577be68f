"""The ``align`` command: a thin click layer over the library.

Exit codes: 0 success, 1 bad data (one-line message, no traceback), 2 usage error.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Sequence

import click

from align import __version__
from align.documents import FORMATS
from align.errors import DataError
from align.records import DEFAULT_MAX_BEAD

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
quiet_option = click.option("--quiet", "-q", is_flag=True, help="No progress or notices on stderr.")
input_format_option = click.option(
    "--input-format", type=click.Choice(FORMATS),
    help="The document's format [default: recognised by its content, not its name].",
)
DOCUMENTS_HELP = (
    "Documents: plain text, HTML pages (main content only), DOCX and ODT (tracked changes read as "
    "accepted; headers, footers and page-number fields left out), PDF (text layer), EPUB, SRT and "
    "WebVTT subtitles, XLIFF and PO (their targets are the reference), Markdown."
)
max_bead_option = click.option(
    "--max-bead", type=click.IntRange(2, 8), default=DEFAULT_MAX_BEAD, show_default=True,
    help="Most sentences in one bead, both sides together (6 allows 1-5, 2-4, 3-3, 4-2, 5-1).",
)
group_unaligned_option = click.option(
    "--group-unaligned", is_flag=True,
    help="A run of sentences left out on one side is one bead ([]:[5,6,7]), not one bead each.",
)
rescore_option = click.option(
    "--rescore", is_flag=True,
    help="French-English: re-decide the merges and omissions the embeddings leave close by "
    "translation likelihood under the embedded gemma3-270m (slow: about 0.25 s a sentence on 2 cores).",
)
glossary_option = click.option(
    "--glossary", type=click.Path(dir_okay=False),
    help="Terms the drafts must use: TSV (French<TAB>English[<TAB>note]) or TBX. Matched through "
    "inflection; a draft that lacks a term's English is retried, then flagged term-missing:<term>.",
)
tm_option = click.option(
    "--tm", "tms", multiple=True, type=click.Path(),
    help="Translation memory (repeatable): TMX, TSV, corpus JSONL, or a review store / run directory "
    "(its accepted pairs). A sentence it holds is reused (flag tm:100); fuzzy matches are flagged "
    "tm:<percent> and shown to the model as examples.",
)
def quality_option(default: str):
    """``--quality``: which embedded translator (align.translate.presets)."""
    return click.option(
        "--quality", type=click.Choice(["auto", "fast", "best"]), default=default, show_default=True,
        help="Embedded translator: fast (Gemma 3 270M), best (Qwen2.5 1.5B: better, slower), or auto "
        "(best for documents of up to 100 sentences when its packages are installed).",
    )


tm_threshold_option = click.option(
    "--tm-threshold", type=click.IntRange(1, 100), default=75, show_default=True,
    help="Least fuzzy match percentage (word-level edit distance, as CAT tools count it).",
)
stretches_option = click.option(
    "--stretches", is_flag=True,
    help="With --rescore (implied): also score each close stretch's readings whole, every bead in "
    "the prompt at once, where the choice is still close (more accurate; about 0.25 s more a sentence).",
)


def _notice(quiet: bool):
    return (lambda message: None) if quiet else (lambda message: click.echo(f"notice: {message}", err=True))


def _emit(text: str) -> None:
    sys.stdout.write(text)


def _jsonl(rows: Sequence[dict]) -> str:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


class AlignGroup(click.Group):
    """Turns DataError into a one-line message with exit code 1."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except DataError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(1)
        except KeyboardInterrupt:
            click.echo("interrupted: rerun the same command to resume", err=True)
            ctx.exit(130)


@click.group(cls=AlignGroup, context_settings=CONTEXT)
@click.version_option(__version__, prog_name="align")
def main() -> None:
    """French→English translation and alignment workbench.

    \b
    Example (the whole job on one document):
      align run source/dprk-troops-2024-11-05.fr.txt \\
          --reference translations/dprk-troops-2024-11-05.en.txt --out out/dprk
    """


@main.command(context_settings=CONTEXT, epilog=DOCUMENTS_HELP)
@click.argument("file", type=click.Path(allow_dash=True))
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["lines", "jsonl"]), default="lines", show_default=True)
@input_format_option
@quiet_option
def segment(file: str, lang: str, fmt: str, input_format: str | None, quiet: bool) -> None:
    """Split FILE (any document, or - for text on stdin) into sentences; JSONL records give each
    sentence's block, kind and locator (page, chapter, cue …) and offsets into the extracted text.

    \b
    Example:
      align segment source/dprk-troops-2024-11-05.fr.txt --lang fr --format jsonl
    """
    from align.blocks import segment_document
    from align.documents import read_document

    document = read_document(file, input_format)
    if document.notice:
        _notice(quiet)(document.notice)
    segments = segment_document(document, lang)
    if fmt == "jsonl":
        _emit(_jsonl([s.to_dict() for s in segments]))
    else:
        _emit("".join(s.line + "\n" for s in segments))


def _read_sentences(file: str) -> list[str]:
    """One sentence per line, or the JSONL records written by ``align segment``."""
    from align.formats import json_objects
    from align.textio import read_text

    text = read_text(file).text
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines[0].startswith("{"):
        return lines
    return [" ".join(str(row["text"]).split()) for _, row in json_objects(text, file, ("text",))]


@main.command(context_settings=CONTEXT, epilog=DOCUMENTS_HELP)
@click.argument("file", type=click.Path(allow_dash=True))
@click.option("--backend", default="gguf", show_default=True, help="gguf (embedded default), transformers or ctranslate2.")
@click.option("--model", help="GGUF file, hub id (e.g. Helsinki-NLP/opus-mt-fr-en), local model dir, or CTranslate2 dir.")
@click.option("--format", "fmt", type=click.Choice(["lines", "jsonl"]), default="lines", show_default=True)
@click.option("--no-cache", is_flag=True, help="Neither read nor write the draft cache.")
@click.option("--out", type=click.Path(dir_okay=False), help="Write the translated document here, in FILE's own format.")
@quality_option("fast")
@input_format_option
@glossary_option
@tm_option
@tm_threshold_option
@quiet_option
def translate(
    file: str, backend: str, model: str | None, fmt: str, no_cache: bool, out: str | None, quality: str,
    input_format: str | None, glossary: str | None, tms: tuple[str, ...], tm_threshold: int, quiet: bool,
) -> None:
    """Translate French into English drafts: a text file of one sentence per line (or JSONL from
    `align segment`), or any document, which is segmented first. With --out, the draft of the
    whole document is written in its own format (DOCX, ODT, Markdown, SRT, WebVTT, XLIFF, PO,
    text): the same structure and styles, each block's text replaced by its drafts.

    \b
    Examples:
      align segment source/doc.fr.txt | align translate - --format jsonl
      align translate letter.fr.docx --out letter.en.docx
    """
    from align.cache import Cache
    from align.documents import detect_format
    from align.progress import interactive, progress_bar
    from align.translate import get_translator, load_tm, read_glossary, translate_sentences
    from align.translate.presets import quality_backend

    terms = read_glossary(glossary) if glossary else None
    memory = load_tm(tms, tm_threshold) if tms else None
    document = None
    if out is not None or (file != "-" and (input_format or detect_format(file)) != "text"):
        from align.blocks import check_writable
        from align.pipeline import read_side

        document, segments = read_side(file, "fr", _notice(quiet), input_format)
        if out is not None:
            check_writable(document, out)
        sentences = [s.line for s in segments]
    else:
        sentences = _read_sentences(file)
    translator = get_translator(*quality_backend(quality, backend, model, len(sentences)))
    with progress_bar("translating", interactive(quiet)) as tick:
        drafts = translate_sentences(sentences, translator, Cache(None) if no_cache else Cache.default(), tick,
                                     glossary=terms, memory=memory)
    if out is not None:
        from align.blocks import write_translation

        write_translation(document, segments, [d.text for d in drafts], out)
        if not quiet:
            click.echo(f"wrote {out}", err=True)
        return
    if fmt == "jsonl":
        _emit(_jsonl([{"id": i, **d.to_dict()} for i, d in enumerate(drafts)]))
    else:
        _emit("".join(" ".join(d.text.split()) + "\n" for d in drafts))


@main.command(context_settings=CONTEXT, epilog=DOCUMENTS_HELP)
@click.argument("file", type=click.Path(allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(["text", "jsonl"]), default="text", show_default=True)
@input_format_option
@quiet_option
def extract(file: str, fmt: str, input_format: str | None, quiet: bool) -> None:
    """Show what is read from FILE: its blocks in order, each with its kind (heading, paragraph,
    list-item, table-cell, footnote, cue, unit …) and locator (page, chapter, paragraph and
    style, cue times, unit id, element path).

    \b
    Example:
      align extract page.html --format jsonl
    """
    from align.documents import locator_label, read_document

    document = read_document(file, input_format)
    if document.notice:
        _notice(quiet)(document.notice)
    if fmt == "jsonl":
        _emit(_jsonl([asdict(block) for block in document.blocks]))
        return
    _emit("".join(
        f"{block.id}\t{block.kind}\t{locator_label(block.locator)}\t{' '.join(block.text.split())}\n"
        for block in document.blocks
    ))


def _sentences_of(file: str, lang: str, presegmented: bool, notify, input_format: str | None = None):
    """The sentences of one side of a pair (its language checked, as run does), and where each
    one is in its document."""
    from align.pipeline import read_side

    if presegmented:
        lines = _read_sentences(file)
        return lines, [None] * len(lines)
    _, segments = read_side(file, lang, notify, input_format)
    return [s.line for s in segments], [s.locator for s in segments]


@main.command(context_settings=CONTEXT)
@click.argument("src", type=click.Path(allow_dash=True))
@click.argument("tgt", type=click.Path(allow_dash=True))
@click.option("--presegmented", is_flag=True, help="Both files hold one sentence per line.")
@click.option("--drafts", "drafts_file", type=click.Path(), help="English drafts, one per source sentence.")
@click.option("--format", "fmt", type=click.Choice(["beads", "jsonl", "tsv"]), default="beads", show_default=True)
@click.option("--embedder", default="use", show_default=True, help="use, e5, or a sentence-transformers model.")
@click.option("--src-lang", default="fr", show_default=True, help="Language of SRC when segmenting.")
@click.option("--tgt-lang", default="en", show_default=True, help="Language of TGT when segmenting.")
@click.option("--src-format", type=click.Choice(FORMATS), help="SRC's document format [default: by content].")
@click.option("--tgt-format", type=click.Choice(FORMATS), help="TGT's document format [default: by content].")
@max_bead_option
@group_unaligned_option
@rescore_option
@stretches_option
@quiet_option
def pair(
    src, tgt, presegmented, drafts_file, fmt, embedder, src_lang, tgt_lang, src_format, tgt_format, max_bead,
    group_unaligned, rescore, stretches, quiet,
) -> None:
    """Align the sentences of SRC (French) and TGT (English), two documents in any supported
    formats (a French PDF against an English DOCX), or one sentence per line (--presegmented).

    \b
    Example:
      align pair --presegmented book.fr.sents book.en.sents > book.beads
    """
    from align.pipeline import RunOptions, align_lines, build_pairs, document_name
    from align.records import Draft

    notify = _notice(quiet)
    src_lines, locators = _sentences_of(src, src_lang, presegmented, notify, src_format)
    tgt_lines, _ = _sentences_of(tgt, tgt_lang, presegmented, notify, tgt_format)
    drafts = None
    if drafts_file:
        from align.quality import check_draft

        texts = _read_sentences(drafts_file)
        if len(texts) != len(src_lines):
            raise DataError(f"{drafts_file}: {len(texts)} drafts for {len(src_lines)} source sentences")
        drafts = [Draft(s, d, check_draft(s, d)) for s, d in zip(src_lines, texts)]
    options = RunOptions(
        embedder=embedder, max_bead=max_bead, group_unaligned=group_unaligned, rescore=rescore, stretches=stretches,
        languages=(src_lang, tgt_lang), notify=notify,
    )
    alignment = align_lines(src_lines, tgt_lines, [d.text for d in drafts] if drafts else None, options)
    if alignment.verdict:
        notify(alignment.verdict)
    if fmt == "beads":
        from align.formats import format_beads

        _emit(format_beads(alignment.beads))
        return
    pairs = build_pairs(document_name(Path(src)), src_lines, tgt_lines, alignment, drafts, locators)
    if fmt == "jsonl":
        _emit(_jsonl([p.to_dict() for p in pairs]))
    else:
        from align.formats import format_corpus

        _emit(format_corpus(pairs, "tsv"))


@main.command(context_settings=CONTEXT)
@click.argument("src", type=click.Path(allow_dash=True))
@click.argument("tgt", type=click.Path(allow_dash=True))
@click.option("--presegmented", is_flag=True, help="Line i of TGT translates line i of SRC: checked line by line, not aligned.")
@click.option("--glossary", type=click.Path(dir_okay=False), help="TSV or TBX terms: flag pairs whose translation lacks a term.")
@click.option("--format", "fmt", type=click.Choice(["text", "jsonl"]), default="text", show_default=True)
@click.option("--embedder", default="use", show_default=True, help="Cross-lingual embedder for aligning.")
@quiet_option
def check(src, tgt, presegmented, glossary, fmt, embedder, quiet) -> None:
    """Fidelity check of a translation: list the pairs whose English adds, drops or changes
    content (entities, numbers, negations, omissions, additions), as Xbench or Verifika do.

    \b
    jsonl: one record per input line (--presegmented) or bead, with src, tgt, flags and messages.
    \b
    Example:
      align check source/doc.fr.txt translations/doc.en.txt --glossary terms.tsv
    """
    from align.check import check_beads, check_lines, format_report
    from align.embed import get_embedder
    from align.fidelity import FIDELITY_EMBEDDER
    from align.pipeline import RunOptions, align_lines

    notify = _notice(quiet)
    terms = None
    if glossary:
        from align.translate.glossary import read_glossary

        terms = read_glossary(glossary)
    src_lines, _ = _sentences_of(src, "fr", presegmented, notify)
    tgt_lines, _ = _sentences_of(tgt, "en", presegmented, notify)
    options = RunOptions(embedder=embedder, notify=notify)
    similarity = get_embedder(FIDELITY_EMBEDDER, options.cache)
    if presegmented:
        pairs = check_lines(src_lines, tgt_lines, similarity, terms, names=(src, tgt))
    else:
        alignment = align_lines(src_lines, tgt_lines, None, options)
        if alignment.verdict:
            notify(alignment.verdict)
        pairs = check_beads(src_lines, tgt_lines, [(b.src, b.tgt) for b in alignment.beads], similarity, terms)
    _emit(_jsonl([p.to_dict() for p in pairs]) if fmt == "jsonl" else format_report(pairs))


@main.group(cls=AlignGroup, context_settings=CONTEXT)
def evaluate() -> None:
    """Score alignments against gold beads, or drafts against references."""


@evaluate.command("alignment", context_settings=CONTEXT)
@click.option("--gold", "golds", multiple=True, required=True, type=click.Path(), help="Gold beads (repeatable).")
@click.option("--pred", "preds", multiple=True, required=True, type=click.Path(), help="Predicted beads, same order.")
@click.option("--src", "srcs", multiple=True, type=click.Path(), help="Source sentences per document (for --errors).")
@click.option("--tgt", "tgts", multiple=True, type=click.Path(), help="Target sentences per document (for --errors).")
@click.option("--errors", "max_errors", type=int, default=0, show_default=True, help="List this many errors.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def evaluate_alignment(golds, preds, srcs, tgts, max_errors: int, as_json: bool) -> None:
    """Strict and lax precision/recall/F1 per document and pooled (Vecalign convention),
    with a breakdown by bead type and, with --src/--tgt, the errors with both texts.

    \b
    Example:
      align evaluate alignment --gold eval/gold/dprk-troops-2024-11-05.fr-en.gold \\
          --pred out/dprk-troops-2024-11-05/alignment.txt --errors 5
    """
    from align.evaluate import DocumentAlignment, evaluate_alignment as evaluate_docs
    from align.formats import read_beads

    if len(golds) != len(preds):
        raise click.UsageError(f"{len(golds)} --gold files but {len(preds)} --pred files")
    for option, files in (("--src", srcs), ("--tgt", tgts)):
        if files and len(files) != len(golds):
            raise click.UsageError(f"give one {option} per --gold file, or none")
    docs = [
        DocumentAlignment(
            name=Path(gold).name,
            gold=read_beads(gold),
            pred=read_beads(pred),
            src_sents=_read_sentences(srcs[i]) if srcs else None,
            tgt_sents=_read_sentences(tgts[i]) if tgts else None,
            gold_file=gold,
            pred_file=pred,
        )
        for i, (gold, pred) in enumerate(zip(golds, preds))
    ]
    report = evaluate_docs(docs)
    _emit(json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n" if as_json else report.format(max_errors))


@evaluate.command("translation", context_settings=CONTEXT)
@click.option("--hyp", required=True, type=click.Path(allow_dash=True), help="Drafts, one per line.")
@click.option("--ref", required=True, type=click.Path(), help="References, one per line.")
@click.option("--compare", type=click.Path(), help="A second system's drafts: paired bootstrap test against --hyp.")
@click.option("--worst", type=int, default=10, show_default=True, help="List the drafts with the lowest chrF.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def evaluate_translation(hyp: str, ref: str, compare: str | None, worst: int, as_json: bool) -> None:
    """BLEU, chrF, chrF++ and TER of drafts against references (sacrebleu, with signatures).

    \b
    Example:
      align evaluate translation --hyp drafts.en.txt --ref refs.en.txt --compare other.en.txt
    """
    from align.evaluate import paired_bootstrap, score_translation
    from align.textio import read_text

    hyps = read_text(hyp).text.splitlines()
    refs = read_text(ref).text.splitlines()
    if compare:
        comparison = paired_bootstrap(hyps, read_text(compare).text.splitlines(), refs, names=(hyp, compare))
        _emit(json.dumps(comparison.to_dict(), indent=2) + "\n" if as_json else comparison.format())
        return
    scores = score_translation(hyps, refs, hyp_name=hyp, ref_name=ref)
    _emit(json.dumps(scores.to_dict(worst), indent=2, ensure_ascii=False) + "\n" if as_json else scores.format(worst))


def _corpus_file(path: Path) -> Path:
    """A run directory stands for its pairs.jsonl."""
    if not path.exists():
        raise DataError(f"{path}: no such file or run directory")
    return path / "pairs.jsonl" if path.is_dir() else path


@main.command("export", context_settings=CONTEXT)
@click.argument("corpus", type=click.Path())
@click.option(
    "--to", "fmt", required=True,
    type=click.Choice(["tmx", "tsv", "jsonl", "moses", "xlsx", "docx", "xliff", "srt", "vtt"]),
    help="tmx/tsv/jsonl/moses: the whole corpus; xlsx: a review sheet; docx: a bilingual two-column "
    "table; xliff: XLIFF 1.2 with unconfirmed targets; srt/vtt: subtitles with the source's timings.",
)
@click.option("--out", required=True, type=click.Path(), help="Output file (moses: prefix for OUT.fr / OUT.en).")
@click.option("--src-lang", default="fr-FR", show_default=True)
@click.option("--tgt-lang", default="en-GB", show_default=True)
@click.option(
    "--targets", type=click.Choice(["reference", "draft"]), default="reference", show_default=True,
    help="docx/xliff/srt/vtt: the English to write, the aligned reference or the draft (each falls back to the other).",
)
def export_corpus(corpus: str, fmt: str, out: str, src_lang: str, tgt_lang: str, targets: str) -> None:
    """Convert a corpus (a run directory or a TMX/TSV/JSONL file) to another format.

    \b
    Examples:
      align export out/dprk-troops-2024-11-05 --to tmx --out dprk.tmx
      align export out/dprk-troops-2024-11-05 --to xlsx --out dprk.xlsx
      align export out/film --to srt --targets draft --out film.en.srt
    """
    from align.exports import ExportOptions, export_corpus as export
    from align.formats import read_corpus

    pairs = read_corpus(_corpus_file(Path(corpus)), src_lang=src_lang, tgt_lang=tgt_lang)
    for written in export(pairs, out, fmt, ExportOptions(src_lang, tgt_lang, targets)):
        click.echo(str(written))


@main.command("import", context_settings=CONTEXT)
@click.argument("corpus", type=click.Path(dir_okay=False))
@click.option("--out", required=True, type=click.Path(file_okay=False), help="Directory to hold pairs.jsonl.")
@click.option("--src-lang", default="fr-FR", show_default=True)
@click.option("--tgt-lang", default="en-GB", show_default=True)
def import_corpus(corpus: str, out: str, src_lang: str, tgt_lang: str) -> None:
    """Bring an existing TMX/TSV/JSONL corpus into a directory that review and report understand.

    \b
    Example:
      align import memory.tmx --out imported/ && align review imported/
    """
    from align.formats import read_corpus, write_corpus

    pairs = read_corpus(corpus, src_lang=src_lang, tgt_lang=tgt_lang)
    click.echo(str(write_corpus(pairs, Path(out) / "pairs.jsonl", "jsonl")[0]))


@main.command(context_settings=CONTEXT, epilog=DOCUMENTS_HELP)
@click.argument("source", type=click.Path())
@click.option("--reference", type=click.Path(), help="English reference translation to align with (any document format).")
@input_format_option
@click.option("--reference-format", type=click.Choice(FORMATS), help="The reference's format [default: by content].")
@click.option("--out", type=click.Path(file_okay=False), help="Output directory [default: out/<document>].")
@click.option("--backend", default="gguf", show_default=True, help="Translation backend.")
@click.option("--model", help="Translation model (GGUF file, hub id or local dir).")
@click.option("--embedder", default="use", show_default=True, help="Cross-lingual embedder for alignment.")
@click.option("--translate/--no-translate", default=True, show_default=True, help="Make English drafts.")
@quality_option("auto")
@max_bead_option
@group_unaligned_option
@rescore_option
@stretches_option
@glossary_option
@tm_option
@tm_threshold_option
@quiet_option
def run(
    source, reference, input_format, reference_format, out, backend, model, embedder, translate, quality, max_bead,
    group_unaligned, rescore, stretches, glossary, tms, tm_threshold, quiet,
) -> None:
    """The main job: read SOURCE, segment, translate, align with a reference, evaluate, write a
    run directory. A bilingual XLIFF or PO file with its targets filled in is its own reference.

    \b
    Outputs in OUT: text.{fr,en}.txt (the text read from each document), segments.{fr,en}.jsonl,
    drafts.jsonl, drafts.en.txt, pairs.jsonl, alignment.txt, corpus.tsv, corpus.tmx, report.md,
    report.json, report.html.
    \b
    Example:
      align run source/dprk-troops-2024-11-05.fr.txt \\
          --reference translations/dprk-troops-2024-11-05.en.txt --out out/dprk
    """
    from align.pipeline import RunOptions, document_name, run_document
    from align.progress import interactive

    out_dir = Path(out) if out else Path("out") / document_name(Path(source))
    options = RunOptions(
        backend=backend,
        model=model,
        quality=quality,
        embedder=embedder,
        translate=translate,
        max_bead=max_bead,
        group_unaligned=group_unaligned,
        rescore=rescore,
        stretches=stretches,
        input_format=input_format,
        reference_format=reference_format,
        glossary=glossary,
        tm=tms,
        tm_threshold=tm_threshold,
        show_progress=interactive(quiet),
        notify=_notice(quiet),
    )
    summary = run_document(Path(source), Path(reference) if reference else None, out_dir, options)
    if not quiet:
        click.echo(f"wrote {out_dir}/ ({', '.join(f'{k}={v}' for k, v in summary['counts'].items())})", err=True)


@main.command(context_settings=CONTEXT)
@click.argument("manifest", type=click.Path())
@click.option("--out", required=True, type=click.Path(file_okay=False), help="Output directory.")
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True)
@click.option("--address", help="Ray cluster address (with --engine ray); default: start a local Ray.")
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True, help="Worker processes/actors.")
@click.option("--translate/--no-translate", default=True, show_default=True, help="Make English drafts.")
@click.option("--tmx", is_flag=True, help="Also write the merged corpus as TMX.")
@click.option("--backend", default="gguf", show_default=True, help="Translation backend.")
@click.option("--model", help="Translation model (GGUF file, hub id or local dir).")
@click.option("--embedder", default="use", show_default=True, help="Cross-lingual embedder for alignment.")
@quality_option("fast")
@max_bead_option
@group_unaligned_option
@rescore_option
@stretches_option
@glossary_option
@tm_option
@tm_threshold_option
@quiet_option
def batch(
    manifest, out, engine, address, workers, translate, tmx, backend, model, embedder, quality, max_bead, group_unaligned,
    rescore, stretches, glossary, tms, tm_threshold, quiet,
) -> None:
    """Run the pipeline on every document pair of MANIFEST (CSV/TSV/JSONL with source and
    reference columns, optional id and metadata) and merge the results.

    \b
    Writes OUT/docs/<id>/ per document, OUT/corpus.{jsonl,parquet[,tmx]} and
    OUT/summary.{tsv,parquet}. Rerunning skips finished documents; a failed document is
    reported in the summary and does not stop the others.
    \b
    Example:
      align batch pairs.csv --out corpus/ --no-translate --workers 2
    """
    from align.batch import run_batch
    from align.pipeline import RunOptions
    from align.progress import interactive, progress_bar

    options = RunOptions(
        backend=backend, model=model, quality=quality, embedder=embedder, translate=translate, max_bead=max_bead,
        group_unaligned=group_unaligned, rescore=rescore, stretches=stretches,
        glossary=glossary, tm=tms, tm_threshold=tm_threshold,
    )
    with progress_bar("documents", interactive(quiet)) as tick:
        summary = run_batch(
            Path(manifest), Path(out), engine=engine, address=address, workers=workers,
            translate=translate, tmx=tmx, options=options, progress=tick,
        )  # fmt: skip
    _emit(summary.format_table())


@main.command(context_settings=CONTEXT)
@click.argument("run_dir", type=click.Path(file_okay=False))
@click.option("--glossary", type=click.Path(dir_okay=False),
              help="TSV or TBX terms to mark in the tables [default: the one 'align run --glossary' used].")
def report(run_dir: str, glossary: str | None) -> None:
    """Write RUN_DIR/report.html: plots and tables of a run, one self-contained file.

    \b
    Example:
      align report out/dprk-troops-2024-11-05 --glossary terms.tsv
    """
    from align.report import write_report

    click.echo(str(write_report(Path(run_dir), glossary=Path(glossary) if glossary else None)))


class ReviewGroup(AlignGroup):
    """``align review CORPUS [OPTIONS]`` serves, ``align review CORPUS COMMAND ...`` runs COMMAND.
    A click group reads its own options only before its argument, so those written after
    CORPUS (``align review out/dprk --reviewer alice``) are moved before it."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        takes_value = {name for p in self.params if isinstance(p, click.Option) and not p.is_flag for name in p.opts}
        options, positional, i = [], [], 0
        while i < len(args) and args[i] not in self.commands:
            if not args[i].startswith("-"):
                positional.append(args[i])
            elif args[i] in takes_value:
                options += args[i : i + 2]
                i += 1
            else:
                options.append(args[i])
            i += 1
        return super().parse_args(ctx, options + positional + args[i:])


@main.group(cls=ReviewGroup, invoke_without_command=True, context_settings=CONTEXT)
@click.argument("corpus", type=click.Path())
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind (warns if not local).")
@click.option("--port", type=int, help="Port [default: a free one].")
@click.option(
    "--reviewer", default="reviewer", show_default=True,
    help="The one local reviewer's name in the history (with --team, names come from each sign-in).",
)
@click.option(
    "--team", type=click.Path(dir_okay=False),
    help="TSV of name<TAB>role (reviewer or adjudicator): a shared server with accounts; "
    "prints one private sign-in link per member.",
)
@click.option(
    "--double", is_flag=True,
    help="Double review: each reviewer decides on a copy of their own, unseen by the other; "
    "the adjudicator sees the agreement and settles the disagreements.",
)
@click.option(
    "--glossary", type=click.Path(dir_okay=False),
    help="TSV or TBX terms to mark in the pairs, French and English [default: the one 'align run --glossary' used].",
)
@click.pass_context
def review(ctx: click.Context, corpus: str, host: str, port: int | None, reviewer: str, team: str | None,
           double: bool, glossary: str | None) -> None:
    """Review aligned pairs in the browser: a run directory or a TMX/JSONL/TSV corpus.

    Alone on this machine, or as a team: --team prints one private sign-in link per member,
    and --double has two reviewers decide independently and an adjudicator settle where they
    differ. The commands below read the review without serving it.

    \b
    Examples:
      align review out/dprk --reviewer alice
      align review out/dprk --host 0.0.0.0 --team team.tsv --double
      align review out/dprk export --to gold --out dprk.reviewed.gold
    """
    if ctx.invoked_subcommand is not None:
        return
    if team and ctx.get_parameter_source("reviewer") is click.core.ParameterSource.COMMANDLINE:
        raise click.UsageError("--reviewer names the one local reviewer; with --team names come from each sign-in")
    from align.review import serve

    serve(Path(corpus), host=host, port=port, reviewer=reviewer, team=Path(team) if team else None, double=double,
          glossary=Path(glossary) if glossary else None)


@review.command("export", context_settings=CONTEXT)
@click.option("--to", "fmt", type=click.Choice(("gold", "tmx", "tsv", "jsonl")), required=True,
              help="gold: the settled alignment as bead lines; tmx/tsv/jsonl: the accepted pairs.")
@click.option("--out", required=True, type=click.Path(),
              help="File to write (gold of several documents: a folder, one DOC.gold each).")
@click.option("--include-unreviewed", is_flag=True,
              help="Gold of a shared review: write the pairs nobody decided as they stand instead of refusing.")
@click.pass_context
def review_export(ctx: click.Context, fmt: str, out: str, include_unreviewed: bool) -> None:
    """Write the review's settled alignment as gold bead lines over the original sentence ids
    (merges, splits and moves applied; a rejected pair's sentences left out), or its accepted
    pairs as a corpus. In double review, only what both reviewers did alike or the
    adjudicator settled.

    \b
    Example:
      align review out/dprk export --to gold --out dprk.reviewed.gold
      align evaluate alignment --gold dprk.reviewed.gold --pred other/alignment.txt
    """
    from align.review import ReviewStore
    from align.review.gold import export

    store = ReviewStore.open(Path(ctx.parent.params["corpus"]))  # type: ignore[union-attr]
    for path in export(store, Path(out), fmt, include_unreviewed):
        click.echo(str(path))


@review.command("agreement", context_settings=CONTEXT)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def review_agreement(ctx: click.Context, as_json: bool) -> None:
    """How far the two reviewers of a double review agree: beads cut alike, accept/reject
    decided alike (observed agreement and Cohen's kappa), disagreements settled.

    \b
    Example:
      align review out/dprk agreement
    """
    from align.review import ReviewStore
    from align.review.agreement import DoubleReview

    figures = DoubleReview(ReviewStore.open(Path(ctx.parent.params["corpus"]))).agreement()  # type: ignore[union-attr]
    _emit(json.dumps(figures.to_dict(), indent=2) + "\n" if as_json else figures.format())
