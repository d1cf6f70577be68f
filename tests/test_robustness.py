"""A fast part of eval/robustness.py's table as a regression test: hostile inputs get a one-line
``error:`` (exit 1) or a usage error (exit 2), never a traceback; usable ones get exit 0."""

from __future__ import annotations

import sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "eval"))
import robustness  # noqa: E402

# (command, input) rows that need no model, so each is a second or two.
REFUSED = [
    ("segment FILE", "binary (PNG bytes)"),
    ("segment FILE", "UTF-8 BOM, then invalid bytes"),
    ("segment FILE", "UTF-16 without BOM"),
    ("segment FILE", "a directory"),
    ("segment FILE", "PNG named .docx"),
    ("segment FILE", "truncated DOCX"),
    ("segment FILE", "DOCX zip bomb (100 kB → 100 MB)"),
    ("import FILE.tmx", "external entity (XXE)"),
    ("import FILE.tmx", "billion laughs"),
    ("import FILE.tmx", "truncated (last third cut off)"),
    ("import FILE.tsv", "wrong columns (unknown header)"),
    ("export FILE.jsonl", "JSON array, not an object"),
    ("export FILE.jsonl", "JSON nested 100,000 deep"),
    ("import FILE.tsv", "locator nested 100,000 deep"),
    ("evaluate alignment --gold FILE (with --src/--tgt)", "not bead lines"),
    ("evaluate translation --hyp FILE", "fewer lines than the other side"),
    ("batch FILE.csv", "wrong columns (no reference)"),
    ("segment - < FILE", "binary (PNG bytes)"),
    ("export CORPUS --out PATH", "output under a file"),
    ("export CORPUS --out PATH", "output is an existing folder"),
]
ACCEPTED = [
    ("segment FILE", "UTF-16 with BOM (Notepad 'Unicode')"),
    ("segment FILE", "UTF-32 with BOM"),
    ("segment - < FILE", "UTF-16 with BOM (Notepad 'Unicode')"),
    ("import FILE.tsv", "UTF-16 with BOM (Notepad 'Unicode')"),
]


def _rows(wanted: list[tuple[str, str]]) -> list[robustness.Row]:
    commands = {c.label: c for c in robustness.COMMANDS}
    inputs = {b.name: b for b in robustness.BAD_INPUTS}
    return [robustness.Row(commands[command], inputs[name]) for command, name in wanted]


@pytest.fixture(scope="module")
def outcomes() -> dict[tuple[str, str], robustness.Outcome]:
    ran = robustness.run_rows(_rows(REFUSED + ACCEPTED), timeout=60)
    return {(o.row.command.label, o.row.bad.name): o for o in ran}


def test_every_row_names_a_known_command_and_input() -> None:
    assert len(_rows(REFUSED + ACCEPTED)) == len(REFUSED + ACCEPTED)
    assert all(row.command.kind in row.bad.kinds for row in _rows(REFUSED + ACCEPTED))


@pytest.mark.parametrize("key", REFUSED, ids=[f"{c} × {i}" for c, i in REFUSED])
def test_hostile_input_gets_one_error_line(outcomes, key: tuple[str, str]) -> None:
    outcome = outcomes[key]
    assert not outcome.traceback, outcome.stderr
    assert outcome.exit in ("1", "2"), outcome.stderr
    errors = [line for line in outcome.stderr.splitlines() if line.startswith(("error:", "Error:"))]
    assert len(errors) == 1 and outcome.message.startswith(("error:", "Error:")), outcome.stderr


@pytest.mark.parametrize("key", ACCEPTED, ids=[f"{c} × {i}" for c, i in ACCEPTED])
def test_usable_input_is_accepted(outcomes, key: tuple[str, str]) -> None:
    outcome = outcomes[key]
    assert outcome.exit == "0" and not outcome.traceback, outcome.stderr


def test_the_table_marks_tracebacks_and_lists_them_first() -> None:
    row = _rows([("segment FILE", "binary (PNG bytes)")])[0]
    crashed = robustness.Outcome(row, "1", "ValueError: boom", True, 0.5, "Traceback (most recent call last):\n...")
    fine = robustness.Outcome(row, "1", "error: x: not a text file", False, 0.5, "error: x: not a text file\n")
    table = robustness.format_table([fine, crashed], [], "python eval/robustness.py", 1.0, 60)
    assert "**Tracebacks: 1;" in table
    to_fix = table.split("## Runs that need fixing")[1].split("## All runs")[0]
    assert "ValueError: boom" in to_fix and "not a text file" not in to_fix
    assert "| `segment FILE` | binary (PNG bytes) | 1 | ValueError: boom | yes |" in table
