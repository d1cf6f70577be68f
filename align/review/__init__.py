"""Review workbench: a web page for accepting, fixing and re-aligning pairs, alone or as a team.

Modules, following the data: ``beads`` (a pair as the reviewer reshapes it, and the pure
operations on it), ``actions`` (what a page may ask for), ``store`` (SQLite, every decision
durable), ``accounts`` (team, sign-in links, sessions), ``agreement`` (double review: kappa,
disagreements, adjudication), ``gold`` (accepted pairs and the settled alignment as gold),
``web`` (pages and routes), ``server`` (the process); the page's assets in ``assets/``.
"""

from align.review.beads import ReviewBead, split_sentences
from align.review.server import open_review, serve
from align.review.store import ReviewStore
from align.review.web import build_app, create_app

__all__ = ["ReviewBead", "ReviewStore", "build_app", "create_app", "open_review", "serve", "split_sentences"]
