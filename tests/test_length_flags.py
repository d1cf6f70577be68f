"""Omission and addition flags weigh how well the longer side's clauses are rendered (issue 28
item 5): a free translation of every clause passes at a length ratio that flags a cut clause."""

import numpy as np
import pytest

from align.fidelity import (
    _ENGLISH_CLAUSE_RE,
    _FRENCH_CLAUSE_RE,
    LENGTH_MODEL,
    MAX_CLAUSES,
    LengthModel,
    _without_each_clause,
    check_pairs,
    check_translation,
    clause_gains,
    length_flags,
)

TRAVELLERS = ("Les voyageurs se précipitent sur les billets bon marché comme des enfants sur des bonbons, "
              "et ensuite ils passent des heures à attendre dans les aéroports.")
MUSEUM = "L'entrée du musée est gratuite et les photos sont interdites."
MUSEUM_FREE = "Admission to the museum is free of charge, and taking photographs is strictly not allowed."


def kinds(flags):
    return {f.split(":", 1)[0] for f in flags}


def test_the_clause_gain_moves_the_bar_both_ways():
    source = "Le ministre a annoncé une baisse des impôts pour les ménages modestes dès l'an prochain."
    target = "The minister announced tax cuts for poorer households."
    z = LENGTH_MODEL.zscore(source, target)
    assert -LENGTH_MODEL.clause_limit < z < -LENGTH_MODEL.clause_gate
    assert length_flags(source, target, clause_gain=-0.05) == []  # every clause rendered
    assert length_flags(source, target, clause_gain=0.1)[0].startswith("omission")  # one clause stands apart
    longer = "The minister announced that taxes would be cut next year for the households that earn least, he said."
    assert LENGTH_MODEL.clause_gate < LENGTH_MODEL.zscore(source, longer) < LENGTH_MODEL.clause_limit
    assert length_flags(source, longer, clause_gain=-0.05) == []
    assert length_flags(source, longer, clause_gain=0.1)[0].startswith("addition")


def test_an_addition_needs_a_longer_lead_than_an_omission_when_the_clauses_are_weighed():
    """Free renderings run long more often than short (fitted on the dev slices: addition
    recall 0.93 kept, a tenth of the false additions gone)."""
    source = "Le ministre a annoncé une baisse des impôts pour les ménages modestes dès l'an prochain."
    target = "The minister announced that taxes would be cut from next year onwards for the households that earn the least, he told reporters."
    assert LENGTH_MODEL.clause_limit < LENGTH_MODEL.zscore(source, target) < LENGTH_MODEL.addition_clause_limit
    assert length_flags(source, target, clause_gain=0.0) == []
    assert kinds(length_flags(source, target, clause_gain=0.02)) == {"addition"}  # a clause that stands apart


def test_without_an_embedder_the_length_limits_stay():
    source = "Le ministre a annoncé une baisse des impôts pour les ménages modestes dès l'an prochain."
    assert "omission" in kinds(check_translation(source, "The minister announced tax cuts."))
    assert check_translation(source, "The minister announced tax cuts for poorer households from next year.") == ()


@pytest.mark.parametrize(
    ("text", "clause_re", "clauses"),
    [
        (TRAVELLERS, _FRENCH_CLAUSE_RE, 2),  # ", et" is one cut
        ("Il a signé le contrat et il est reparti aussitôt.", _FRENCH_CLAUSE_RE, 2),  # "et" alone
        ("Le maire, qui s'était opposé au projet, a donné son accord.", _FRENCH_CLAUSE_RE, 3),
        ("Il est parti (sans un mot) parce que la réunion durait.", _FRENCH_CLAUSE_RE, 3),
        (MUSEUM_FREE + " Guided tours start at ten.", _ENGLISH_CLAUSE_RE, 3),  # a sentence is a clause
        ("The mayor agreed to the stadium, which he had long opposed.", _ENGLISH_CLAUSE_RE, 2),
        ("Le Premier ministre a démissionné.", _FRENCH_CLAUSE_RE, 0),  # one clause: nothing to leave out
    ],
)
def test_each_clause_is_left_out_in_turn(text, clause_re, clauses):
    shortened = _without_each_clause(text, clause_re)
    assert len(shortened) == clauses
    assert all(len(s) < len(text) for s in shortened)


def test_a_long_bead_is_cut_into_at_most_max_clauses_parts():
    text = " ".join(f"Sentence number {i} says one thing." for i in range(40))
    shortened = _without_each_clause(text, _ENGLISH_CLAUSE_RE)
    assert len(shortened) == 14 <= MAX_CLAUSES  # 40 sentences in parts of 3
    assert all("Sentence number 39" in s for s in shortened[:-1]) and "Sentence number 39" not in shortened[-1]


class CountingEmbedder:
    """Bag-of-letters vectors; counts the texts it is asked for."""

    name = "counting"

    def __init__(self):
        self.texts = []

    def encode(self, texts):
        self.texts += list(texts)
        rows = np.zeros((len(texts), 26), dtype=np.float32)
        for row, text in enumerate(texts):
            for c in text.lower():
                if "a" <= c <= "z":
                    rows[row, ord(c) - 97] += 1
        return rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-9)


def test_clauses_are_embedded_only_for_pairs_whose_length_is_off():
    embedder = CountingEmbedder()
    sources = [MUSEUM, TRAVELLERS, TRAVELLERS]
    targets = ["Admission to the museum is free, and photos are banned.",  # ratio near the mean
               "Travellers grab cheap tickets like kids grab sweets.", "Travellers grab cheap tickets."]
    vectors = embedder.encode(sources), embedder.encode(targets)
    embedder.texts.clear()
    gains = clause_gains(sources, targets, *vectors, embedder)
    assert gains[0] == 0.0 and gains[1] != 0.0
    assert sorted(embedder.texts) == sorted(set(_without_each_clause(TRAVELLERS, _FRENCH_CLAUSE_RE)))  # once each


def test_with_use_a_free_translation_passes_and_a_cut_or_added_clause_is_flagged():
    from align.embed import get_embedder

    pairs = [
        (TRAVELLERS, "Travellers grab cheap tickets like kids grab sweets, then wait for hours at airports."),
        (TRAVELLERS, "Travellers grab cheap tickets like kids grab sweets."),
        (MUSEUM, MUSEUM_FREE),
        (MUSEUM, MUSEUM_FREE + " Guided tours start at ten."),
    ]
    flags = check_pairs([s for s, _ in pairs], [t for _, t in pairs], get_embedder("use"))
    # the free translations are as far from the mean length as the old limits flagged
    assert LENGTH_MODEL.zscore(*pairs[0]) < -LENGTH_MODEL.omission_limit
    assert LENGTH_MODEL.zscore(*pairs[2]) > LENGTH_MODEL.addition_limit
    assert flags[0] == () and flags[2] == ()
    assert kinds(flags[1]) == {"omission"} and kinds(flags[3]) == {"addition"}


DEBRIEFING = "Comment se sont passés les examens médicaux et le debriefing DGSE ?"


@pytest.mark.parametrize(
    ("source", "target", "flagged"),
    [
        # a bracket that glosses a name the other side keeps as it is adds nothing…
        (DEBRIEFING, "How did the medical examinations and the debriefing with the DGSE (Directorate General for External "
         "Security) go?", False),
        ("Le défi de la commission scolaire Marguerite-Bourgeoys", "The challenge facing the Commission Scolaire "
         "Marguerite-Bourgeoys (Marguerite Bourgeoys School Board).", False),
        ("Les juges ont validé le mandat du Patient Protection and Affordable Care Act (loi sur la protection des malades "
         "et les soins abordables).", "The justices upheld the Patient Protection and Affordable Care Act's mandate.", False),
        # …a bracket that says more, or follows a name the other side does not keep, does
        (DEBRIEFING, "How did the medical examinations and the debriefing with the DGSE (who had flown in from Paris the "
         "day before) go?", True),
        (DEBRIEFING, "How did the medical examinations and the debriefing with the French secret service (Directorate "
         "General for External Security) go?", True),
    ],
)
def test_a_bracket_glossing_a_kept_name_is_no_addition_or_omission(source, target, flagged):
    assert bool(length_flags(source, target)) is flagged


def test_a_gloss_is_left_out_of_the_clauses_and_of_the_similarity_they_are_weighed_against():
    embedder = CountingEmbedder()
    target = ("How did the medical examinations and the debriefing with the DGSE (Directorate General for External Security) "
              "go, after all those months spent in a cell in the desert?")
    vectors = embedder.encode([DEBRIEFING]), embedder.encode([target])
    embedder.texts.clear()
    clause_gains([DEBRIEFING], [target], *vectors, embedder)
    stripped = target.replace(" (Directorate General for External Security)", "")
    assert stripped in embedder.texts  # the similarity the variants are weighed against
    assert embedder.texts and not any("Directorate" in t for t in embedder.texts)


BALI = "Colère provoquée par la peine prononcée à l'encontre d'un des poseurs de bombe de Bali"


def test_a_headline_may_be_shorter_in_english_but_not_cut():
    assert length_flags(BALI, "Anger over Bali bomb plotter's sentence", clause_gain=0.0) == []
    assert kinds(length_flags(BALI + ".", "Anger over Bali bomb plotter's sentence.", clause_gain=0.0)) == {"omission"}
    assert kinds(length_flags(BALI, "Anger in Bali", clause_gain=0.0)) == {"omission"}
    # a headline longer in English is weighed as a sentence is
    assert LENGTH_MODEL.zscore("Agir coûte cher", "To remedy this is very expensive") == LengthModel(
        headline_shift=0.0).zscore("Agir coûte cher", "To remedy this is very expensive")


LRU = ("Depuis la loi d’autonomie des universités (LRU) de 2007, la hiérarchie administrative universitaire, qui reste "
       "issue en grande majorité des rangs des chercheur·euse·s s’est professionnalisée au risque de se couper des "
       "préoccupations des salarié·e·s de la recherche qui travaillent dans les labos.")
# Qwen's draft (--quality best): a clause dropped and a sentence of its own appended, so that
# its length ratio looks like any translation's.
LRU_DRAFT = ("Since the 2007 autonomy law (LRU), the administrative hierarchy of universities has become more "
             "professionalized at the risk of cutting off the concerns of researchers working in labs. This has led "
             "to a decline in the quality of research and a reduction in the number of researchers.")
SVARC = ("Récemment, le premier ministre a déclaré que l'ODS n'allait pas importuner les entrepreneurs avec des "
         "contrôles du soi-disant système Švarc - qu'est-ce que cela signifie ?")
SVARC_SPLIT = ("Recently, the Prime Minister declared that the ODS would not impede entrepreneurs with so-called "
               "system Švarc controls. What does this mean?")


def test_with_use_a_sentence_of_its_own_is_an_addition_and_a_sentence_split_in_two_is_not():
    from align.embed import get_embedder
    from align.fidelity import added_sentences

    assert abs(LENGTH_MODEL.zscore(LRU, LRU_DRAFT)) < LENGTH_MODEL.clause_gate  # no length check looks at it
    embedder = get_embedder("use")
    assert added_sentences([LRU, SVARC, LRU], [LRU_DRAFT, SVARC_SPLIT, LRU_DRAFT.split(" This")[0]], embedder) == [
        "This has led to a decline", None, None]
    flags = check_pairs([LRU, SVARC], [LRU_DRAFT, SVARC_SPLIT], embedder)
    assert flags == [("addition:This has led to a decline",), ()]


def test_a_long_target_costs_a_bounded_number_of_embeddings_for_added_sentences():
    from align.fidelity import added_sentences

    embedder = CountingEmbedder()
    target = " ".join(f"Sentence number {i} says something new." for i in range(100))  # a document on one line
    added_sentences(["Une seule phrase, sans point final"], [target], embedder)
    assert len(embedder.texts) <= MAX_CLAUSES + 2  # the source, the target, the target less each run (not 100)
    assert len(set(embedder.texts)) == len(embedder.texts)  # each once
