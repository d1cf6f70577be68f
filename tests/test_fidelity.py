"""Fidelity flags: invented and lost entities, changed numbers, lost negations, omissions and
additions, in words; the reference side of `align pair`/`run`; `align check`."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from align.cli import main
from align.entities import added_entities, missing_entities
from align.fidelity import FIDELITY_FLAGS, check_pairs, check_translation, describe
from align.negation import negation_lost
from align.quality import check_draft

SEED_SOURCE = (
    "Un soutien direct de ce pays à la guerre d'agression menée par la Russie contre l'Ukraine représenterait "
    "une extension dangereuse du conflit, avec des répercussions graves sur la paix et la sécurité en Europe et "
    "dans la région Indopacifique."
)
SEED_GOOD = (
    "Direct support from this country for Russia's war of aggression against Ukraine would be a dangerous "
    "expansion of the conflict, with serious consequences for peace and security in Europe and the Indo-Pacific region."
)
HIGH_REPRESENTATIVE = "Nous, ministres, et le haut représentant de l'Union européenne, condamnons ce déploiement."


def kinds(flags):
    return {f.split(":", 1)[0] for f in flags}


def test_a_faithful_translation_has_no_fidelity_flags():
    assert check_translation(SEED_SOURCE, SEED_GOOD) == ()
    assert check_translation(HIGH_REPRESENTATIVE, "We, the ministers, and the High Representative of the "
                             "European Union condemn this deployment.") == ()


@pytest.mark.parametrize(
    ("source", "draft", "entity"),
    [
        (SEED_SOURCE, SEED_GOOD.replace("the Indo-Pacific region", "the Indian Ocean"), "Indian Ocean"),
        (HIGH_REPRESENTATIVE, "We, the ministers, and the Head of the European Union condemn this deployment.",
         "Head of the European Union"),
        (HIGH_REPRESENTATIVE, "We, the ministers, and the High Representative of the Union for European Economic "
         "Integration condemn this deployment.", "High Representative of the Union for European Economic Integration"),
        ("Des soldats de la RPDC sont en Russie.", "DPRK soldiers of the DPRK are in Russia.", "DPRK"),
        ("Des soldats de la RPDC sont en Russie.", "The DPRK's soldiers of the DPRK are in Russia.", "DPRK"),
        ("Le ministre Ri Yong Ho a parlé.", "Minister Ri Yong Ho spoke to Angela Merkel.", "Angela Merkel"),
    ],
)
def test_invented_entities_from_the_seed_drafts_are_flagged(source, draft, entity):
    assert f"entity-added:{entity}" in check_draft(source, draft)


def test_a_dropped_or_swapped_name_is_missing():
    source = "Le diplomate Ri Yong Ho a rencontré Sergueï Lavrov à Moscou."
    assert missing_entities(source, "The diplomat Ri Yong Ho met Sergei Lavrov in Moscow.") == []
    swapped = "The diplomat Ri Yong Ho met Antony Blinken in Moscow."
    assert missing_entities(source, swapped) == ["Sergueï Lavrov"]
    assert added_entities(source, swapped) == ["Antony Blinken"]


def test_changed_number_is_flagged_and_said_in_words():
    source = "Ces soldats violent les résolutions 1718, 1874 et 2270 du Conseil de sécurité."
    flags = check_translation(source, "These soldiers breach Security Council resolutions 1718, 1874 and 2207.")
    assert flags == ("number-changed:2270",)
    assert describe(flags[0]) == "The translation does not have the source's number 2270."
    assert check_translation(source, "These soldiers breach Security Council resolutions 1718, 1874 and 2270.") == ()
    assert check_translation("Il a payé 1 500 euros.", "He paid 1,500 euros.") == ()


@pytest.mark.parametrize(
    ("source", "kept", "lost"),
    [
        ("Nous ne reconnaîtrons pas cette annexion.", "We will not recognise this annexation.",
         "We will recognise this annexation."),
        ("Il n'a jamais visité Pyongyang.", "He has never visited Pyongyang.", "He has visited Pyongyang."),
        ("Ils sont partis sans armes.", "They left without weapons.", "They left with weapons."),
    ],
)
def test_a_lost_negation_is_flagged(source, kept, lost):
    assert not negation_lost(source, kept)
    assert "negation-lost" in check_translation(source, lost)


def test_ne_que_is_not_a_negation():
    assert not negation_lost("Il ne reste que deux jours.", "Only two days remain.")


def test_omission_and_addition_by_length():
    source = ("Nous condamnons la coopération militaire croissante entre la RPDC et la Russie, qui viole "
              "plusieurs résolutions du Conseil de sécurité et menace la paix en Europe et en Asie.")
    full = ("We condemn the growing military cooperation between the DPRK and Russia, which violates "
            "several Security Council resolutions and threatens peace in Europe and Asia.")
    assert check_translation(source, full) == ()
    assert "omission" in kinds(check_translation(source, "We condemn the growing military cooperation."))
    longer = full + " The Ministry said that the troops would stay there for many months to come, whatever happens."
    assert "addition" in kinds(check_translation(source, longer))


def test_a_repeated_clause_with_an_invented_continuation_is_flagged():
    source = "les troupes avancent vers la frontière, " * 8
    draft = ("the troops advance towards the border, " * 3
             + "The Ministry of Defence said that the operation would continue")
    flags = check_draft(source.strip(" ,") + ".", draft + ".")
    assert "addition:The Ministry of Defence said that" in flags and "entity-added:Ministry of Defence" in flags
    assert describe("addition:The Ministry of Defence said that") == (
        "The translation adds text the source does not have: 'The Ministry of Defence said that'."
    )
    faithful = ("the troops advance towards the border, " * 8).strip(" ,") + "."
    assert check_draft(source.strip(" ,") + ".", faithful) == ()


def test_every_flag_is_described_in_words():
    for kind in FIDELITY_FLAGS:
        assert describe(f"{kind}:X") != f"{kind}:X"
    assert describe("draft:entity-added:Indian Ocean").startswith("The draft names 'Indian Ocean'")
    assert describe("unknown-flag") == "unknown-flag"


class FakeEmbedder:
    """Renamed entities are close, everything else far apart."""

    name = "fake"
    close = {"mer Morte": 1, "Dead Sea": 1}

    def encode(self, texts):
        import numpy as np

        rows = np.zeros((len(texts), 8), dtype=np.float32)
        for row, text in enumerate(texts):
            rows[row, self.close.get(text, 2 + hash(text) % 6)] = 1.0
        rows[:, 0] += 0.01
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_an_embedder_lets_a_renamed_entity_pass():
    source = "Le niveau de la mer Morte baisse chaque année."
    target = "The level of the Dead Sea falls every year."
    assert {"entity-added:Dead Sea", "entity-missing:Morte"} <= set(check_translation(source, target))
    assert kinds(check_pairs([source], [target], FakeEmbedder())[0]) & {"entity-added", "entity-missing"} == set()


class FakeNameLikelihood:
    """A translation model that finds the names in ``likely`` likely and nothing else."""

    def __init__(self, likely):
        self.likely, self.asked = set(likely), []

    def span_pmi(self, spans):
        names = [target[start:end] for _, target, start, end in spans]
        self.asked += names
        return [10.0 if name in self.likely else 0.0 for name in names]


def test_a_likelihood_lets_an_added_name_the_source_makes_likely_pass_but_never_a_country():
    source = "Selon la vidéosurveillance, elle était rentrée chez elle à 23 h."
    target = "CCTV showed she was back home in Brazil at 11 pm, according to Reuters."
    assert {"entity-added:CCTV", "entity-added:Reuters", "entity-added:Brazil"} <= set(check_translation(source, target))
    names = FakeNameLikelihood({"CCTV", "Brazil"})
    flags = check_pairs([source], [target], likelihood=names)[0]
    assert "entity-added:CCTV" not in flags
    assert {"entity-added:Reuters", "entity-added:Brazil"} <= set(flags)  # invented; a country, from the tables
    assert "Brazil" not in names.asked and "Reuters" in names.asked


def test_a_pair_that_misses_a_source_name_keeps_its_added_names_however_likely():
    # the embedded model finds "Indian Ocean" likely for *Indopacifique*: a related wrong name
    source = "Le conflit menace la sécurité dans la région Indopacifique."
    target = "The conflict threatens security in the Indian Ocean."
    names = FakeNameLikelihood({"Indian Ocean"})
    flags = check_pairs([source], [target], likelihood=names)[0]
    assert {"entity-added:Indian Ocean", "entity-missing:Indopacifique"} <= set(flags) and names.asked == []


def test_with_the_embedded_use_the_seed_inventions_stay_flagged_and_renames_pass():
    from align.embed import get_embedder

    pairs = [
        (SEED_SOURCE, SEED_GOOD.replace("the Indo-Pacific region", "the Indian Ocean")),
        (HIGH_REPRESENTATIVE, "We, the ministers, and the Head of the European Union condemn this deployment."),
        ("Des soldats de la RPDC sont en Russie.", "DPRK soldiers of the DPRK are in Russia."),
        ("Le niveau de la mer Morte baisse chaque année.", "The level of the Dead Sea falls every year."),
        (SEED_SOURCE, SEED_GOOD),
    ]
    flags = check_pairs([s for s, _ in pairs], [t for _, t in pairs], get_embedder("use"))
    assert "entity-added:Indian Ocean" in flags[0]
    assert "entity-added:Head of the European Union" in flags[1]
    assert "entity-added:DPRK" in flags[2]
    assert flags[3] == () and flags[4] == ()


@pytest.mark.parametrize(
    ("source", "renamed", "swapped"),
    [
        # an English name a French phrase renders at USE cosine 0.61: over the English side's 0.55
        ("Selon l'observatoire de la sécheresse, la situation empire.",
         "According to the Drought Monitor, the situation is getting worse.",
         "According to the Lancet Review, the situation is getting worse."),
        # a capitalised French word whose name goes on in lower case: paired in its whole form
        ("Selon l'Observatoire américain de la sécheresse, la situation empire.",
         "According to the U.S. Drought Monitor, the situation is getting worse.",
         "According to the World Bank, the situation is getting worse."),
        ("L'Institution supérieure de contrôle a publié son rapport.",
         "The Supreme Audit Office published its report.",
         "The Lancet Review published its report."),
    ],
)
def test_with_the_embedded_use_a_name_in_other_words_passes_and_a_swapped_one_does_not(source, renamed, swapped):
    from align.embed import get_embedder

    flags = check_pairs([source, source], [renamed, swapped], get_embedder("use"))
    assert flags[0] == ()
    assert any(f.startswith("entity-added:") for f in flags[1])


WMT = Path("/work/shared/data/translate/wmt/newstest2013")


@pytest.mark.slow
@pytest.mark.skipif(not WMT.with_suffix(".fra").exists(), reason="WMT data not available")
def test_with_use_at_most_five_percent_of_human_translations_are_flagged():
    from align.embed import get_embedder

    french = WMT.with_suffix(".fra").read_text(encoding="utf-8").splitlines()[:300]
    english = WMT.with_suffix(".eng").read_text(encoding="utf-8").splitlines()[:300]
    embedder = get_embedder("use")
    assert sum(map(bool, check_pairs(french, english, embedder))) <= 0.05 * len(french)
    dropped = [e.rsplit(",", 1)[0] + "." if e.count(",") else e for e in english]
    changed = [k for k, (e, d) in enumerate(zip(english, dropped)) if len(d) < 0.6 * len(e)]
    flags = check_pairs([french[k] for k in changed], [dropped[k] for k in changed], embedder)
    assert sum("omission" in kinds(f) for f in flags) >= 0.8 * len(changed)


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture()
def parallel(tmp_path):
    src = tmp_path / "doc.fr.txt"
    tgt = tmp_path / "doc.en.txt"
    src.write_text(f"{SEED_SOURCE}\n{HIGH_REPRESENTATIVE}\nLes résolutions 1718 et 2270 sont violées.\n", encoding="utf-8")
    tgt.write_text(
        f"{SEED_GOOD.replace('the Indo-Pacific region', 'the Indian Ocean')}\n"
        "We, the ministers, and the High Representative of the European Union condemn this deployment.\n"
        "Resolutions 1718 and 2207 are breached.\n",
        encoding="utf-8",
    )
    return src, tgt


def test_check_presegmented_jsonl_has_one_record_per_line(parallel):
    result = invoke("check", *parallel, "--presegmented", "--format", "jsonl")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r["src_ids"] for r in rows] == [[0], [1], [2]]
    assert "entity-added:Indian Ocean" in rows[0]["flags"] and rows[1]["flags"] == []
    assert rows[2]["flags"] == ["number-changed:2270"] and rows[2]["messages"][0].startswith("The translation")


def test_check_text_lists_flagged_pairs_with_messages(parallel):
    result = invoke("check", *parallel)
    assert result.exit_code == 0, result.output
    assert "entity-added:Indian Ocean: The translation names 'Indian Ocean'" in result.output
    assert "number-changed:2270" in result.output
    assert result.output.rstrip().endswith("2 of 3 pairs flagged")


def test_check_presegmented_refuses_unequal_line_counts(parallel, tmp_path):
    short = tmp_path / "short.en.txt"
    short.write_text("One line.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(parallel[0]), str(short), "--presegmented"])
    assert result.exit_code == 1 and "1 lines for 3" in result.output and "Traceback" not in result.output


def test_check_with_a_glossary_flags_missing_terms(parallel, tmp_path):
    glossary = tmp_path / "terms.tsv"
    glossary.write_text("haut représentant\tHigh Representative\nrésolution\tUNSC resolution\n", encoding="utf-8")
    result = invoke("check", *parallel, "--presegmented", "--format", "jsonl", "--glossary", glossary)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert rows[1]["flags"] == [] and "term-missing:UNSC resolution" in rows[2]["flags"]


def test_pair_flags_the_reference_side(parallel):
    result = invoke("pair", *parallel, "--presegmented", "--format", "jsonl")
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert "entity-added:Indian Ocean" in rows[0]["flags"] and "number-changed:2270" in rows[2]["flags"]


def test_run_flags_the_reference_side_of_the_seed(tmp_path):
    from conftest import SEED_EN, SEED_FR

    out = tmp_path / "run"
    result = invoke("run", SEED_FR, "--reference", SEED_EN, "--out", out, "--no-translate", "--quiet")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in (out / "pairs.jsonl").read_text(encoding="utf-8").splitlines()]
    # The English signatory list names the United States; the French one does not.
    flagged = [r for r in rows if "entity-added:United States" in r["flags"]]
    assert len(flagged) == 1 and "États-Unis" not in flagged[0]["src"]


def test_a_flag_without_words_is_described_as_it_is_prefix_included():
    from align.fidelity import describe

    assert describe("draft:tm:85") == "draft:tm:85"


def _long_pair(sentences: int) -> tuple[list[str], list[str]]:
    """Sentences that each name someone of their own, a country, a number and a negation."""
    syllables = ["ba", "ko", "ri", "du", "mel", "sa", "tor", "vin", "lu", "pe"]
    french, english = [], []
    for i in range(sentences):
        name = "".join(syllables[int(d)] for d in f"{i:03d}").capitalize()
        country_fr, country_en = [("en Allemagne", "Germany"), ("au Japon", "Japan"), ("au Canada", "Canada")][i % 3]
        french.append(f"Le ministre {name} n'a pas rencontré l'ONU {country_fr} le {i + 1} mai.")
        english.append(f"Minister {name} did not meet the UN in {country_en} on {i + 1} May.")
    return french, english


def test_a_whole_document_on_one_line_is_checked_in_linear_time():
    """A pair of 100 kB (a document on one line, `align check --presegmented`) once took minutes:
    each name, negation and number read all the text before it. What one sentence says wrong
    is still found among 1,400."""
    import time

    french, english = _long_pair(1400)
    english[500] = english[500].replace("501 May", "502 May").replace("did not meet", "met")
    english[700] = english[700].replace("the UN", "the UN and Mr Zabrowski")
    source, target = " ".join(french), " ".join(english)
    assert len(source) > 90_000
    started = time.perf_counter()
    flags = check_translation(source, target)
    elapsed = time.perf_counter() - started
    assert "number-changed:501" in flags
    assert "negation-lost" in flags
    assert any(f.startswith("entity-added:") and "Zabrowski" in f for f in flags)
    assert elapsed < 60, f"{elapsed:.0f} s for one long pair"
