"""Commands on a French document and its English translation: align them (pair), check the
translation's fidelity (check), the whole job on one pair (run) or on many (batch)."""

from __future__ import annotations

from pathlib import Path

import click

from align.cli.common import (
    CONTEXT,
    alignment_and_aids_options,
    DOCUMENTS_HELP,
    backend_option,
    embedder_option,
    emit,
    group_unaligned_option,
    input_format_option,
    jsonl,
    max_bead_option,
    model_option,
    notifier,
    quality_option,
    quiet_option,
    read_sentences,
    rescore_option,
    stretches_option,
    translate_option,
)
from align.documents import FORMATS
from align.errors import DataError


def _sentences_of(file: str, lang: str, presegmented: bool, notify, input_format: str | None = None):
    """The sentences of one side of a pair (its language checked, as run does), and where each
    one is in its document."""
    from align.pipeline import read_side

    if presegmented:
        lines = read_sentences(file)
        return lines, [None] * len(lines)
    _, segments = read_side(file, lang, notify, input_format)
    return [s.line for s in segments], [s.locator for s in segments]


@click.command(context_settings=CONTEXT)
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

    notify = notifier(quiet)
    src_lines, locators = _sentences_of(src, src_lang, presegmented, notify, src_format)
    tgt_lines, _ = _sentences_of(tgt, tgt_lang, presegmented, notify, tgt_format)
    drafts = None
    if drafts_file:
        from align.quality import check_draft

        texts = read_sentences(drafts_file)
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

        emit(format_beads(alignment.beads))
        return
    pairs = build_pairs(document_name(Path(src)), src_lines, tgt_lines, alignment, drafts, locators)
    if fmt == "jsonl":
        emit(jsonl([p.to_dict() for p in pairs]))
    else:
        from align.formats import format_corpus

        emit(format_corpus(pairs, "tsv"))


@click.command(context_settings=CONTEXT)
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
    from align.likelihood import names_likelihood
    from align.pipeline import RunOptions, align_lines

    notify = notifier(quiet)
    terms = None
    if glossary:
        from align.translate.glossary import read_glossary

        terms = read_glossary(glossary)
    src_lines, _ = _sentences_of(src, "fr", presegmented, notify)
    tgt_lines, _ = _sentences_of(tgt, "en", presegmented, notify)
    options = RunOptions(embedder=embedder, notify=notify)
    similarity = get_embedder(FIDELITY_EMBEDDER, options.cache)
    likelihood = names_likelihood(options.cache)
    if presegmented:
        pairs = check_lines(src_lines, tgt_lines, similarity, terms, names=(src, tgt), likelihood=likelihood)
    else:
        alignment = align_lines(src_lines, tgt_lines, None, options)
        if alignment.verdict:
            notify(alignment.verdict)
        pairs = check_beads(src_lines, tgt_lines, [(b.src, b.tgt) for b in alignment.beads], similarity, terms,
                            likelihood)
    emit(jsonl([p.to_dict() for p in pairs]) if fmt == "jsonl" else format_report(pairs))


@click.command(context_settings=CONTEXT, epilog=DOCUMENTS_HELP)
@click.argument("source", type=click.Path())
@click.option("--reference", type=click.Path(), help="English reference translation to align with (any document format).")
@input_format_option
@click.option("--reference-format", type=click.Choice(FORMATS), help="The reference's format [default: by content].")
@click.option("--out", type=click.Path(file_okay=False), help="Output directory [default: out/<document>].")
@backend_option
@model_option
@embedder_option
@translate_option
@quality_option("auto")
@alignment_and_aids_options
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
        notify=notifier(quiet),
    )
    summary = run_document(Path(source), Path(reference) if reference else None, out_dir, options)
    if not quiet:
        click.echo(f"wrote {out_dir}/ ({', '.join(f'{k}={v}' for k, v in summary['counts'].items())})", err=True)


@click.command(context_settings=CONTEXT)
@click.argument("manifest", type=click.Path())
@click.option("--out", required=True, type=click.Path(file_okay=False), help="Output directory.")
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True)
@click.option("--address", help="Ray cluster address (with --engine ray); default: start a local Ray.")
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True, help="Worker processes/actors.")
@translate_option
@click.option("--tmx", is_flag=True, help="Also write the merged corpus as TMX.")
@backend_option
@model_option
@embedder_option
@quality_option("fast")
@alignment_and_aids_options
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
    emit(summary.format_table())
