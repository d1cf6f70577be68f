"""Commands on one document: what is read from it (extract), its sentences (segment), and
their English drafts (translate)."""

from __future__ import annotations

from dataclasses import asdict

import click

from align.cli.common import (
    CONTEXT,
    DOCUMENTS_HELP,
    emit,
    glossary_option,
    input_format_option,
    jsonl,
    notifier,
    quality_option,
    quiet_option,
    read_sentences,
    tm_option,
    tm_threshold_option,
)


@click.command(context_settings=CONTEXT, epilog=DOCUMENTS_HELP)
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
        notifier(quiet)(document.notice)
    if fmt == "jsonl":
        emit(jsonl([asdict(block) for block in document.blocks]))
        return
    emit("".join(
        f"{block.id}\t{block.kind}\t{locator_label(block.locator)}\t{' '.join(block.text.split())}\n"
        for block in document.blocks
    ))


@click.command(context_settings=CONTEXT, epilog=DOCUMENTS_HELP)
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
        notifier(quiet)(document.notice)
    segments = segment_document(document, lang)
    if fmt == "jsonl":
        emit(jsonl([s.to_dict() for s in segments]))
    else:
        emit("".join(s.line + "\n" for s in segments))


@click.command(context_settings=CONTEXT, epilog=DOCUMENTS_HELP)
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
    from align.embed import get_embedder
    from align.fidelity import FIDELITY_EMBEDDER
    from align.translate.presets import quality_backend

    terms = read_glossary(glossary) if glossary else None
    memory = load_tm(tms, tm_threshold) if tms else None
    document = None
    if out is not None or (file != "-" and (input_format or detect_format(file)) != "text"):
        from align.blocks import check_writable
        from align.pipeline import read_side

        document, segments = read_side(file, "fr", notifier(quiet), input_format)
        if out is not None:
            check_writable(document, out)
        sentences = [s.line for s in segments]
    else:
        sentences = read_sentences(file)
    translator = get_translator(*quality_backend(quality, backend, model, len(sentences)))
    cache = Cache(None) if no_cache else Cache.default()
    with progress_bar("translating", interactive(quiet)) as tick:
        drafts = translate_sentences(sentences, translator, cache, tick, glossary=terms, memory=memory,
                                     embedder=get_embedder(FIDELITY_EMBEDDER, cache))
    if out is not None:
        from align.blocks import write_translation

        write_translation(document, segments, [d.text for d in drafts], out)
        if not quiet:
            click.echo(f"wrote {out}", err=True)
        return
    if fmt == "jsonl":
        emit(jsonl([{"id": i, **d.to_dict()} for i, d in enumerate(drafts)]))
    else:
        emit("".join(" ".join(d.text.split()) + "\n" for d in drafts))
