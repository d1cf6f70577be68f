"""The CLI contract: each command's forms, outputs and exit codes (0 ok, 1 bad data, 2 usage)."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

from align.cli import main
from align.formats import read_beads
from conftest import SEED_EN, SEED_FR, SEED_GOLD

BEAD_LINE = re.compile(r"^\[[\d, ]*\]:\[[\d, ]*\]$")


def invoke(*args: str, input: str | bytes | None = None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input, catch_exceptions=False)


def assert_one_line_error(result, exit_code: int = 1, mentions: str = ""):
    assert result.exit_code == exit_code, result.output
    assert "Traceback" not in result.output
    message = result.stderr.strip()
    assert message.startswith("error:") and "\n" not in message, message
    assert mentions in message


# --- segment ---------------------------------------------------------------------------------


def test_segment_lines_gives_the_seed_sentences():
    result = invoke("segment", SEED_FR, "--lang", "fr")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 12
    assert lines[1] == "Partager"
    assert lines[2].startswith("Nous, ministres")


def test_segment_jsonl_offsets_point_into_the_original():
    original = SEED_FR.read_text(encoding="utf-8")
    result = invoke("segment", SEED_FR, "--lang", "fr", "--format", "jsonl")
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in rows] == list(range(len(rows)))
    for row in rows:
        assert original[row["start"] : row["end"]] == row["text"]


def test_segment_reads_stdin():
    result = invoke("segment", "-", "--lang", "en", input="Mr. Smith arrived. He sat down.\n")
    assert result.stdout.splitlines() == ["Mr. Smith arrived.", "He sat down."]


def test_segment_decodes_windows_1252_with_a_notice(tmp_path):
    path = tmp_path / "legacy.txt"
    path.write_bytes("Le général est arrivé. Il a dîné à l’Élysée.\r\n".encode("cp1252"))
    result = invoke("segment", path, "--lang", "fr")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == ["Le général est arrivé.", "Il a dîné à l’Élysée."]
    assert "notice:" in result.stderr and "cp1252" in result.stderr


def test_segment_bom_and_crlf_leave_no_trace(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + "Titre\r\n\r\nUne phrase. Une autre.\r\n".encode("utf-8"))
    result = invoke("segment", path, "--lang", "fr")
    assert result.stdout.splitlines() == ["Titre", "Une phrase.", "Une autre."]


@pytest.mark.parametrize(
    "content, mentions", [(None, "no such file"), (b"", "empty"), (b"\x00\x01\x02binary\x00", "binary")]
)
def test_segment_bad_input_is_one_line_exit_1(tmp_path, content, mentions):
    path = tmp_path / "input.txt"
    if content is not None:
        path.write_bytes(content)
    assert_one_line_error(invoke("segment", path, "--lang", "fr"), mentions=mentions)


def test_usage_errors_exit_2():
    assert invoke("segment", SEED_FR, "--lang", "de").exit_code == 2
    assert invoke("pair", SEED_FR).exit_code == 2
    assert invoke("evaluate", "alignment", "--gold", SEED_GOLD).exit_code == 2


# --- evaluate --------------------------------------------------------------------------------


def test_evaluate_alignment_pools_and_prints(tmp_path):
    gold = tmp_path / "gold"
    pred = tmp_path / "pred"
    gold.write_text("[0]:[0]\n[1]:[1, 2]\n[2]:[]\n[3]:[3]\n")
    pred.write_text("[0]:[0]\n[1]:[1]\n[]:[2]\n[2, 3]:[3]\n")
    result = invoke("evaluate", "alignment", "--gold", gold, "--pred", pred, "--json")
    scores = json.loads(result.stdout)["pooled"]
    # predicted: [0]:[0] exact; [1]:[1] overlaps gold [1]:[1,2]; [2,3]:[3] overlaps [3]:[3];
    # []:[2] is no gold bead (the gold leaves out source 2) and counts against precision.
    assert scores["strict"]["precision"] == pytest.approx(1 / 4)
    assert scores["strict"]["recall"] == pytest.approx(1 / 3)
    assert scores["lax"]["precision"] == pytest.approx(3 / 4)
    assert scores["lax"]["recall"] == pytest.approx(1.0)
    pooled = invoke("evaluate", "alignment", "--gold", gold, "--gold", SEED_GOLD, "--pred", pred, "--pred", SEED_GOLD)
    # pooled strict: precision (1 + 12) / (4 + 12), the seed gold's two unaligned lines being
    # right too; recall (1 + 10) / (3 + 10)
    pooled_row = next(line for line in pooled.stdout.splitlines() if line.startswith("pooled"))
    assert pooled_row.split()[1:3] == [f"{13 / 16:.3f}", f"{11 / 13:.3f}"]


def test_evaluate_alignment_rejects_malformed_beads(tmp_path):
    bad = tmp_path / "bad"
    bad.write_text("[0]:[0]\n0 - 1\n")
    assert_one_line_error(invoke("evaluate", "alignment", "--gold", bad, "--pred", SEED_GOLD), mentions=":2:")


def test_evaluate_translation_scores_and_checks_lengths(tmp_path):
    hyp = tmp_path / "hyp"
    ref = tmp_path / "ref"
    hyp.write_text("The cat sat on the mat.\nIt is raining today.\n")
    ref.write_text("The cat sat on the mat.\nToday it rains.\n")
    result = invoke("evaluate", "translation", "--hyp", hyp, "--ref", ref, "--json")
    assert result.exit_code == 0
    text = result.stdout
    assert "BLEU" in text and "chrF" in text and "nrefs:1" in text
    short = tmp_path / "short"
    short.write_text("Only one line.\n")
    assert_one_line_error(invoke("evaluate", "translation", "--hyp", short, "--ref", ref))


# --- pair ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def presegmented(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pair")
    fr = folder / "doc.fr"
    en = folder / "doc.en"
    fr.write_text(
        "Le chat dort sur le canapé.\nIl pleut depuis trois jours à Paris.\n"
        "Les enfants jouent dans le jardin.\nLe train part à 8 heures.\n"
    )
    en.write_text(
        "The cat is sleeping on the sofa.\nIt has been raining in Paris for three days.\n"
        "The children are playing in the garden.\nThe train leaves at 8 o'clock.\n"
    )
    return fr, en


def test_pair_presegmented_prints_only_beads(presegmented):
    fr, en = presegmented
    result = invoke("pair", "--presegmented", fr, en)
    lines = result.stdout.splitlines()
    assert all(BEAD_LINE.match(line) for line in lines)
    assert lines == ["[0]:[0]", "[1]:[1]", "[2]:[2]", "[3]:[3]"]


def test_pair_jsonl_and_tsv(presegmented):
    fr, en = presegmented
    rows = [json.loads(x) for x in invoke("pair", "--presegmented", fr, en, "--format", "jsonl").stdout.splitlines()]
    assert rows[1]["src"].startswith("Il pleut") and rows[1]["tgt"].startswith("It has been")
    assert {"src_ids", "tgt_ids", "score", "bead", "flags", "draft"} <= rows[0].keys()
    assert all(0.0 <= r["score"] <= 1.0 for r in rows)
    tsv = invoke("pair", "--presegmented", fr, en, "--format", "tsv").stdout.splitlines()
    assert tsv[0].split("\t")[:2] == ["source", "target"] and len(tsv) == 5


def test_pair_max_bead_limits_merges(tmp_path):
    fr, en = tmp_path / "doc.fr", tmp_path / "doc.en"
    fr.write_text("Le chat dort sur le canapé et il rêve de souris toute la nuit.\nLe train part à 8 heures.\n")
    en.write_text("The cat is sleeping on the sofa.\nIt dreams of mice all night.\nThe train leaves at 8 o'clock.\n")
    assert invoke("pair", "--presegmented", fr, en).stdout.splitlines()[0] == "[0]:[0, 1]"
    only_pairs = invoke("pair", "--presegmented", "--max-bead", "2", fr, en).stdout.splitlines()
    assert "[0, 1]" not in " ".join(only_pairs) and "[1]:[2]" in only_pairs
    assert invoke("pair", "--presegmented", "--max-bead", "9", fr, en).exit_code == 2


def test_pair_group_unaligned_gives_one_bead_per_run_left_out(tmp_path):
    fr, en = tmp_path / "doc.fr", tmp_path / "doc.en"
    fr.write_text("Le chat dort sur le canapé.\nLe train part à 8 heures.\n")
    en.write_text("The cat is sleeping on the sofa.\nThe stock market fell sharply in Tokyo today.\n"
                  "Parliament voted on the budget late on Tuesday.\nThe train leaves at 8 o'clock.\n")
    assert invoke("pair", "--presegmented", fr, en).stdout.splitlines() == ["[0]:[0]", "[]:[1]", "[]:[2]", "[1]:[3]"]
    grouped = invoke("pair", "--presegmented", "--group-unaligned", fr, en).stdout.splitlines()
    assert grouped == ["[0]:[0]", "[]:[1, 2]", "[1]:[3]"]


@pytest.mark.slow
@pytest.mark.parametrize("rescore", ["--rescore", "--stretches"])
def test_pair_rescore_keeps_the_seed_gold(rescore):
    """With translation-likelihood rescoring, of pairs or also of whole stretches, the seed
    still aligns as its gold says."""
    lines = invoke("pair", rescore, SEED_FR, SEED_EN).stdout.splitlines()
    gold = [f"{list(b.src)}:{list(b.tgt)}" for b in read_beads(SEED_GOLD)]
    assert lines == gold


@pytest.mark.parametrize("rescore", ["--rescore", "--stretches"])
def test_pair_rescore_refuses_other_language_pairs(presegmented, rescore):
    fr, en = presegmented
    result = invoke("pair", "--presegmented", rescore, "--tgt-lang", "de", fr, en)
    assert_one_line_error(result, mentions="French→English only")


def test_pair_with_drafts_checks_their_count(presegmented, tmp_path):
    fr, en = presegmented
    drafts = tmp_path / "drafts"
    drafts.write_text("The cat sleeps on the couch.\n")
    assert_one_line_error(invoke("pair", "--presegmented", fr, en, "--drafts", drafts), mentions="1 drafts for 4")
    drafts.write_text("The cat sleeps on the couch.\nIt rains in Paris for 3 days.\nKids play.\nThe train goes.\n")
    rows = [
        json.loads(x)
        for x in invoke("pair", "--presegmented", fr, en, "--drafts", drafts, "--format", "jsonl").stdout.splitlines()
    ]
    assert rows[0]["draft"] == "The cat sleeps on the couch."
    assert any(flag.startswith("draft:") and "8" in flag for flag in rows[3]["flags"])  # the 8 was dropped


# --- run -------------------------------------------------------------------------------------


def test_run_without_drafts_writes_the_corpus(tmp_path):
    out = tmp_path / "run"
    result = invoke("run", SEED_FR, "--reference", SEED_EN, "--out", out, "--no-translate", "--quiet")
    assert result.exit_code == 0, result.output
    for name in ("segments.fr.jsonl", "segments.en.jsonl", "pairs.jsonl", "alignment.txt", "corpus.tsv",
                 "corpus.tmx", "report.md", "report.json"):
        assert (out / name).stat().st_size > 0, name
    assert not (out / "drafts.jsonl").exists()
    assert [b.to_vecalign() for b in read_beads(out / "alignment.txt")] == [
        b.to_vecalign() for b in read_beads(SEED_GOLD)
    ]


def test_run_refuses_a_reference_in_another_language(tmp_path):
    german = tmp_path / "de.txt"
    german.write_text("Wir verurteilen die militärische Zusammenarbeit zwischen Nordkorea und Russland aufs Schärfste.\n")
    out = tmp_path / "run"
    result = invoke("run", SEED_FR, "--reference", german, "--out", out, "--no-translate")
    assert_one_line_error(result, mentions="German")
    assert not out.exists()


@pytest.mark.parametrize("command", ["pair", "check"])
def test_pair_and_check_refuse_english_given_as_french(command):
    result = invoke(command, SEED_EN, SEED_EN)
    assert_one_line_error(result, mentions="English")


def test_console_script_reports_errors_without_traceback(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "align", "segment", str(tmp_path / "missing.txt"), "--lang", "fr"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert result.stderr.strip() == f"error: {tmp_path / 'missing.txt'}: no such file"


@pytest.mark.slow
def test_run_with_the_embedded_defaults_matches_gold_and_reuses_the_cache(tmp_path):
    # --quality fast: the embedded Gemma, as where `setup --best` was not run. The default (auto)
    # would join and run the 1.5B model (about 6x the CPU time), whose drafts test_presets checks.
    out = tmp_path / "run"
    first = invoke("run", SEED_FR, "--reference", SEED_EN, "--out", out, "--quality", "fast", "--quiet")
    assert first.exit_code == 0, first.output
    assert read_beads(out / "alignment.txt") == read_beads(SEED_GOLD)
    report = json.loads((out / "report.json").read_text())
    assert report["counts"] == report["counts"] | {"source_segments": 12, "reference_segments": 10, "beads": 12}
    assert report["draft_quality"]["pairs"] == 10
    drafts = (out / "drafts.en.txt").read_text().splitlines()
    assert len(drafts) == 12 and all(d.strip() for d in drafts)
    tmx = (out / "corpus.tmx").read_text()
    assert tmx.count("<tu") >= 10
    invoke("run", SEED_FR, "--reference", SEED_EN, "--out", out, "--quality", "fast", "--quiet")
    second = json.loads((out / "report.json").read_text())
    assert second["seconds"]["translate"] < 1.0


def test_batch_runs_a_manifest_and_reports_failures(tmp_path):
    german = tmp_path / "de.txt"
    german.write_text("Wir verurteilen die militärische Zusammenarbeit zwischen Nordkorea und Russland aufs Schärfste.\n")
    manifest = tmp_path / "pairs.csv"
    manifest.write_text(f"id,source,reference\nseed,{SEED_FR},{SEED_EN}\nwrong,{SEED_FR},{german}\n")
    out = tmp_path / "corpus"
    result = invoke("batch", manifest, "--out", out, "--no-translate", "--workers", "1", "--quiet")
    assert result.exit_code == 0, result.output
    assert "1 ok, 1 failed" in result.stdout
    assert "looks like German" in (out / "summary.tsv").read_text()
    rows = [json.loads(line) for line in (out / "corpus.jsonl").read_text().splitlines()]
    assert len(rows) == 12 and {r["doc"] for r in rows} == {"seed"}
    assert json.loads((out / "docs" / "seed" / "pairs.jsonl").read_text().splitlines()[0])["doc"] == "seed"
    assert invoke("batch", manifest, "--out", out, "--workers", "0").exit_code == 2


def test_export_import_round_trip_and_report(tmp_path):
    from align.formats import write_corpus
    from align.records import Pair

    run = tmp_path / "run"
    pairs = [Pair("d", [0], [0], "Le chat & <le> chien.", "The cat & <the> dog.", None, 0.8),
             Pair("d", [1], [], "Partager", "", None, 0.3, "1-0", ["low-confidence"])]
    write_corpus(pairs, run / "pairs.jsonl", "jsonl")
    tmx = tmp_path / "corpus.tmx"
    assert invoke("export", run, "--to", "tmx", "--out", tmx).exit_code == 0
    imported = tmp_path / "imported"
    assert invoke("import", tmx, "--out", imported).exit_code == 0
    again = tmp_path / "again.tmx"
    invoke("export", imported, "--to", "tmx", "--out", again)
    assert again.read_bytes() == tmx.read_bytes()
    moses = invoke("export", run, "--to", "moses", "--out", tmp_path / "m")
    assert moses.stdout.split() == [str(tmp_path / "m.fr"), str(tmp_path / "m.en")]
    broken = tmp_path / "broken.tmx"
    broken.write_text("<tmx><body><tu><tuv xml:lang='fr'><seg>x</seg></tu></body></tmx>")
    assert_one_line_error(invoke("import", broken, "--out", tmp_path / "x"), mentions="broken.tmx")
    assert not (tmp_path / "x").exists()
    result = invoke("report", run)
    assert result.exit_code == 0 and (run / "report.html").exists()


@pytest.mark.parametrize(
    "args",
    [("review", "missing"), ("report", "missing"), ("export", "missing", "--to", "tsv", "--out", "x.tsv"),
     ("import", "missing.tmx", "--out", "x"), ("run", "missing.txt"), ("translate", "missing.txt")],
)
def test_missing_inputs_are_bad_data_not_usage_errors(tmp_path, args):
    result = invoke(*[str(tmp_path / a) if a.startswith(("missing", "x")) else a for a in args])
    assert_one_line_error(result, mentions="missing")
