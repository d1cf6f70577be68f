"""Commands on what runs produce: score it (evaluate), show it (report), and move corpora
between tools (export, import)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from align.cli.common import CONTEXT, AlignGroup, emit, read_sentences
from align.errors import DataError


@click.group(cls=AlignGroup, context_settings=CONTEXT)
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
            src_sents=read_sentences(srcs[i]) if srcs else None,
            tgt_sents=read_sentences(tgts[i]) if tgts else None,
            gold_file=gold,
            pred_file=pred,
        )
        for i, (gold, pred) in enumerate(zip(golds, preds))
    ]
    report = evaluate_docs(docs)
    emit(json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n" if as_json else report.format(max_errors))


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
        emit(json.dumps(comparison.to_dict(), indent=2) + "\n" if as_json else comparison.format())
        return
    scores = score_translation(hyps, refs, hyp_name=hyp, ref_name=ref)
    emit(json.dumps(scores.to_dict(worst), indent=2, ensure_ascii=False) + "\n" if as_json else scores.format(worst))


@click.command(context_settings=CONTEXT)
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


def _corpus_file(path: Path) -> Path:
    """A run directory stands for its pairs.jsonl."""
    if not path.exists():
        raise DataError(f"{path}: no such file or run directory")
    return path / "pairs.jsonl" if path.is_dir() else path


@click.command("export", context_settings=CONTEXT)
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


@click.command("import", context_settings=CONTEXT)
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
