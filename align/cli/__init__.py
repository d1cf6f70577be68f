"""The ``align`` command: a thin click layer over the library, one module per kind of command
(:mod:`~align.cli.documents`, :mod:`~align.cli.pairs`, :mod:`~align.cli.corpus`,
:mod:`~align.cli.review`) added to the ``main`` group here.

Exit codes: 0 success, 1 bad data (one-line message, no traceback), 2 usage error.
"""

from __future__ import annotations

import click

from align import __version__
from align.cli.common import CONTEXT, AlignGroup
from align.cli.corpus import evaluate, export_corpus, import_corpus, report
from align.cli.documents import extract, segment, translate
from align.cli.pairs import batch, check, pair, run
from align.cli.review import review


@click.group(cls=AlignGroup, context_settings=CONTEXT)
@click.version_option(__version__, prog_name="align")
def main() -> None:
    """French→English translation and alignment workbench.

    \b
    Example (the whole job on one document):
      align run source/dprk-troops-2024-11-05.fr.txt \\
          --reference translations/dprk-troops-2024-11-05.en.txt --out out/dprk
    """


for command in (
    extract, segment, translate, pair, check, run, batch, evaluate, report, export_corpus, import_corpus, review,
):
    main.add_command(command)
