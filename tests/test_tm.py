"""Translation memory as a user feature: files, exact and fuzzy lookup, reuse in drafts, CLI."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from click.testing import CliRunner

from align.cli import main
from align.errors import DataError
from align.formats import write_corpus
from align.records import Pair
from align.translate import translate_sentences
from align.translate.tm import TMIndex, load_tm, match_score, read_tm

PAIRS = [
    ("Le chat dort sur le canapé du salon.", "The cat sleeps on the living-room sofa."),
    ("La bourse de Paris a chuté de 3 % lundi.", "The Paris stock exchange fell 3% on Monday."),
    ("Le gouvernement présentera son budget en octobre.", "The government will present its budget in October."),
]


class RecordingTranslator:
    name = "recording-v1"

    def __init__(self, sources=()):
        self.seen: list[str] = []
        self.sources = tuple(sources)
        self.shown: list[list[tuple[str, str]]] = []

    def with_examples(self, sources):
        copy = RecordingTranslator(self.sources + tuple(sources))
        copy.seen, copy.shown = self.seen, self.shown
        copy.name = self.name + "".join(f":{s.name}" for s in sources)
        return copy

    def translate(self, sentences):
        self.shown.append([pair for source in self.sources for pair in source.examples(sentences)])
        self.seen += sentences
        return [f"draft of {s}" for s in sentences]


def test_match_score_is_word_level_edit_distance_as_cat_tools_count_it():
    assert match_score("Le chat dort .", "Le chat dort .") == 100
    # one word of ten changed: 90 %
    assert match_score("un deux trois quatre cinq six sept huit neuf dix",
                       "un deux trois quatre cinq six sept huit neuf onze") == 90
    assert match_score("Le chat dort.", "Le chien mange vite.") < 50


def test_exact_match_alone_and_fuzzy_matches_above_the_threshold_best_first():
    memory = TMIndex(PAIRS)
    [exact] = memory.lookup("Le chat  dort sur le canapé du salon.")  # whitespace does not count
    assert exact.score == 100 and exact.target == PAIRS[0][1] and exact.flag == "tm:100"
    [fuzzy] = memory.lookup("La bourse de Paris a chuté de 5 % lundi.")
    assert fuzzy.source == PAIRS[1][0] and 75 <= fuzzy.score < 100
    assert memory.lookup("Rien à voir avec tout cela, vraiment.") == []
    assert TMIndex(PAIRS, threshold=95).lookup("La bourse de Paris a chuté de 5 % lundi.") == []


def test_drafts_reuse_exact_matches_verbatim_and_lend_fuzzy_ones_to_the_model():
    memory = TMIndex(PAIRS)
    translator = RecordingTranslator()
    sentences = [PAIRS[0][0], "La bourse de Paris a chuté de 5 % lundi.", "Une phrase toute nouvelle ici."]
    exact, fuzzy, new = translate_sentences(sentences, translator, memory=memory)
    assert exact.text == PAIRS[0][1] and exact.flags == ("tm:100",)
    assert PAIRS[0][0] not in translator.seen  # the model was not asked
    assert fuzzy.flags[-1].startswith("tm:") and 75 <= int(fuzzy.flags[-1][3:]) < 100
    assert translator.shown[0] == [PAIRS[1]]  # the fuzzy match, as an example for the batch
    assert not any(f.startswith("tm:") for f in new.flags)


def test_the_memory_is_part_of_the_cache_key(tmp_path):
    from align.cache import Cache

    cache = Cache(tmp_path / "cache.sqlite3")
    sentence = "La bourse de Paris a chuté de 5 % lundi."
    translate_sentences([sentence], RecordingTranslator(), cache)
    again = RecordingTranslator()
    translate_sentences([sentence], again, cache, memory=TMIndex(PAIRS))
    assert again.seen == [sentence]


def test_memory_formats_tmx_tsv_jsonl_and_later_files_win(tmp_path):
    pairs = [Pair("doc", [i], [i], fr, en) for i, (fr, en) in enumerate(PAIRS)]
    tmx, jsonl, corpus_tsv = tmp_path / "m.tmx", tmp_path / "m.jsonl", tmp_path / "corpus.tsv"
    write_corpus(pairs, tmx, "tmx")
    write_corpus(pairs, jsonl, "jsonl")
    write_corpus(pairs, corpus_tsv, "tsv")
    plain = tmp_path / "plain.tsv"
    plain.write_text(f"# my memory\n{PAIRS[0][0]}\tThe cat is asleep on the sofa.\n", encoding="utf-8")
    for path in (tmx, jsonl, corpus_tsv):
        assert read_tm(path) == PAIRS
    memory = load_tm([tmx, plain])
    assert memory.lookup(PAIRS[0][0])[0].target == "The cat is asleep on the sofa."


def test_accepted_pairs_of_a_review_are_a_memory(tmp_path):
    from align.review import ReviewStore

    corpus = tmp_path / "corpus.jsonl"
    write_corpus([Pair("doc", [i], [i], fr, en) for i, (fr, en) in enumerate(PAIRS)], corpus, "jsonl")
    store = ReviewStore.open(corpus)
    first = store.beads()[0]
    store.change("alice", "accepted", {first.id: first.version},
                 lambda: ("accepted", [replace(first, status="accepted")], first.id))
    store.db.close()
    assert read_tm(tmp_path / "corpus.jsonl.review.sqlite3") == [PAIRS[0]]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.tmx", '<?xml version="1.0"?><tmx version="1.4"><header/><body/></tmx>', "no French-English pairs"),
        ("page.tmx", "<html><body>not a memory</body></html>", "not a TMX file"),
        ("broken.tmx", "<tmx><body>", "not well-formed XML"),
        ("plain.tsv", "une seule colonne\n", "line 1: expected French<TAB>English"),
        ("blank.tsv", "# only a comment\n", "no French-English pairs"),
    ],
)
def test_bad_memories_are_refused_in_one_line(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataError, match=message):
        read_tm(path)


def test_a_tmx_with_an_external_entity_is_refused_and_never_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-CONTENT", encoding="utf-8")
    evil = tmp_path / "evil.tmx"
    evil.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE tmx [<!ENTITY x SYSTEM "file://{secret}">]>\n'
        '<tmx version="1.4"><header srclang="fr"/><body><tu>'
        '<tuv xml:lang="fr"><seg>Bonjour.</seg></tuv><tuv xml:lang="en"><seg>&x;</seg></tuv>'
        "</tu></body></tmx>", encoding="utf-8")
    with pytest.raises(DataError, match="declares XML entities") as error:
        read_tm(evil)
    assert "SECRET" not in str(error.value)


def test_cli_translate_reuses_a_tmx_memory_and_refuses_a_bad_one(tmp_path):
    memory = tmp_path / "memory.tmx"
    write_corpus([Pair("doc", [0], [0], "Bonjour à tous.", "Hello everyone.")], memory, "tmx")
    sentences = tmp_path / "in.txt"
    sentences.write_text("Bonjour à tous.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["translate", str(sentences), "--tm", str(memory), "--format", "jsonl", "--quiet"])
    assert result.exit_code == 0, result.output
    row = json.loads(result.output)
    assert row["text"] == "Hello everyone." and row["flags"] == ["tm:100"]

    bad = tmp_path / "bad.tmx"
    bad.write_text("<html/>", encoding="utf-8")
    result = CliRunner().invoke(main, ["translate", str(sentences), "--tm", str(bad), "--quiet"])
    assert result.exit_code == 1 and result.output.count("\n") == 1 and "not a TMX file" in result.output


def test_the_entity_check_reads_a_tmx_only_up_to_its_root_and_the_reader_the_rest(tmp_path):
    from align.translate.xmlguard import refuse_entities

    broken_after_root = b'<?xml version="1.0"?><tmx version="1.4"><body><tu> <unclosed>'
    refuse_entities(broken_after_root, "memory.tmx")  # nothing after the root can declare an entity
    path = tmp_path / "memory.tmx"
    path.write_bytes(broken_after_root)
    with pytest.raises(DataError, match=r"memory\.tmx:1: not well-formed XML"):
        read_tm(path)
    with pytest.raises(DataError, match="declares XML entities"):
        refuse_entities(b'<!DOCTYPE tmx [<!ENTITY % p SYSTEM "http://example.org/p.dtd"> %p;]><tmx/>', "p.tmx")


def test_a_tmx_is_read_one_unit_at_a_time(tmp_path, monkeypatch):
    import align.tmx as tmx

    memory = tmp_path / "memory.tmx"
    pairs = [(f"Phrase numéro {i}.", f"Sentence number {i}.") for i in range(2000)]
    write_corpus([Pair("doc", [i], [i], fr, en) for i, (fr, en) in enumerate(pairs)], memory, "tmx")
    units_held = []
    read_unit = tmx._tmx_pair

    def counting(tu, index, header_lang):
        units_held.append(len(tu.getparent()))  # units of the body still in memory
        return read_unit(tu, index, header_lang)

    monkeypatch.setattr(tmx, "_tmx_pair", counting)
    assert read_tm(memory) == pairs
    assert len(units_held) == 2000 and max(units_held) < 200  # (the parser reads ahead by a buffer)
