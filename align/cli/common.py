"""What the command modules share: context settings, option decorators, output helpers and the
group class that turns bad data into one line, so each option reads the same on every command."""

from __future__ import annotations

import json
import sys
from typing import Sequence

import click

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

backend_option = click.option("--backend", default="gguf", show_default=True, help="Translation backend.")
model_option = click.option("--model", help="Translation model (GGUF file, hub id or local dir).")
embedder_option = click.option(
    "--embedder", default="use", show_default=True, help="Cross-lingual embedder for alignment."
)
translate_option = click.option(
    "--translate/--no-translate", default=True, show_default=True, help="Make English drafts."
)


def alignment_and_aids_options(command):
    """The aligner's options and the drafts' aids, which ``run`` and ``batch`` both take."""
    for option in (tm_threshold_option, tm_option, glossary_option, stretches_option, rescore_option,
                   group_unaligned_option, max_bead_option):
        command = option(command)
    return command


def notifier(quiet: bool):
    """The ``notify`` callback the library takes: a notice on stderr, or nothing with --quiet."""
    return (lambda message: None) if quiet else (lambda message: click.echo(f"notice: {message}", err=True))


def emit(text: str) -> None:
    """Results go to stdout as they are, so they can be piped on (progress and notices use stderr)."""
    sys.stdout.write(text)


def jsonl(rows: Sequence[dict]) -> str:
    """One JSON object a line, non-ASCII text kept readable."""
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


def read_sentences(file: str) -> list[str]:
    """One sentence per line, or the JSONL records written by ``align segment``."""
    from align.formats import json_objects
    from align.textio import read_text

    text = read_text(file).text
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines[0].startswith("{"):
        return lines
    return [" ".join(str(row["text"]).split()) for _, row in json_objects(text, file, ("text",))]
