"""``align review``: serve a corpus for review in the browser, and read a review without
serving it (export, agreement)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from align.cli.common import CONTEXT, AlignGroup, emit


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


@click.group(cls=ReviewGroup, invoke_without_command=True, context_settings=CONTEXT)
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
@click.option(
    "--session-hours", type=click.FloatRange(min=0, min_open=True), default=12.0, show_default=True,
    help="With --team: a session ends after this many hours without a request (and a week after sign-in at most).",
)
@click.pass_context
def review(ctx: click.Context, corpus: str, host: str, port: int | None, reviewer: str, team: str | None,
           double: bool, glossary: str | None, session_hours: float) -> None:
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
    if not team and ctx.get_parameter_source("session_hours") is click.core.ParameterSource.COMMANDLINE:
        raise click.UsageError("--session-hours applies to the sign-ins of a --team; alone, there is no session")
    from align.review import serve

    serve(Path(corpus), host=host, port=port, reviewer=reviewer, team=Path(team) if team else None, double=double,
          glossary=Path(glossary) if glossary else None, session_hours=session_hours)


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
    emit(json.dumps(figures.to_dict(), indent=2) + "\n" if as_json else figures.format())
