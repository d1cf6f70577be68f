"""Glossary: files, matching through inflection, the check, and how terms reach the model."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from align.cli import main
from align.errors import DataError
from align.translate import translate_sentences
from align.translate.glossary import Glossary, Term, french_stem, read_glossary
from conftest import ROOT

SEED_GLOSSARY = ROOT / "translations" / "dprk-troops-2024-11-05.glossary.tsv"
TERMS = [
    Term("haut représentant", "High Representative"),
    Term("Indopacifique", "Indo-Pacific"),
    Term("troupe nord-coréenne", "North Korean troops"),
    Term("troupe", "troops"),
]


class EchoTranslator:
    """Fake backend: the source back, bracketed, so a test sees what the model was given."""

    name = "echo-v1"

    def __init__(self):
        self.seen: list[str] = []

    def translate(self, sentences):
        self.seen += sentences
        return [f"<{s}>" for s in sentences]


class ExampleRecorder(EchoTranslator):
    """Fake few-shot backend: records the examples a batch would be shown."""

    def __init__(self, sources=()):
        super().__init__()
        self.sources = tuple(sources)
        self.shown: list[list[tuple[str, str]]] = []
        self.name = "examples-v1" + "".join(f":{s.name}" for s in self.sources)

    def with_examples(self, sources):
        copy = ExampleRecorder(self.sources + tuple(sources))
        copy.seen, copy.shown = self.seen, self.shown
        return copy

    def translate(self, sentences):
        self.shown.append([pair for source in self.sources for pair in source.examples(sentences)])
        return super().translate(sentences)


def test_terms_are_found_through_inflection_and_longest_first():
    glossary = Glossary(TERMS)
    text = "le déploiement de troupes nord-coréennes dans l’Indopacifique; les troupes du haut représentant"
    found = [(m.term.english, text[m.start : m.end]) for m in glossary.find(text)]
    assert found == [
        ("North Korean troops", "troupes nord-coréennes"),
        ("Indo-Pacific", "Indopacifique"),
        ("troops", "troupes"),
        ("High Representative", "haut représentant"),
    ]
    assert french_stem("coréennes") == french_stem("coréen") and french_stem("internationaux") == "international"
    assert glossary.find("un haut, représentant") == []  # a comma between the words breaks the term


def test_a_draft_without_a_terms_english_is_flagged():
    glossary = Glossary(TERMS)
    source = "Le haut représentant parle de l'Indopacifique."
    assert glossary.missing(source, "The High Representative speaks of the Indo-Pacific.") == ()
    assert glossary.missing(source, "The head of the EU speaks of the Indian Ocean.") == (
        "term-missing:High Representative", "term-missing:Indo-Pacific",
    )
    assert glossary.missing("Une troupe.", "A troop.") == ()  # English plural or singular both count


def test_english_renderings_are_found_for_highlighting():
    glossary = Glossary(TERMS)
    text = "The High Representative sent troops to the Indo-Pacific."
    assert [text[m.start : m.end] for m in glossary.find_english(text)] == [
        "High Representative", "troops", "Indo-Pacific",
    ]


def test_gloss_puts_terms_in_english_with_their_elided_article():
    glossary = Glossary([*TERMS, Term("Union européenne", "European Union")])
    assert glossary.gloss("le haut représentant de l’Union européenne, en Indopacifique") == (
        "le High Representative de European Union, en Indo-Pacific"
    )


def test_gloss_mode_gives_any_backend_the_terms_in_english_and_flags_what_is_missing():
    translator = EchoTranslator()
    source = "Le haut représentant parle."
    [draft] = translate_sentences([source], translator, glossary=Glossary(TERMS), glossary_mode="gloss")
    assert translator.seen[0] == "Le High Representative parle."
    assert draft.text == "<Le High Representative parle.>" and not any(f.startswith("term-missing") for f in draft.flags)

    class Forgetful(EchoTranslator):
        def translate(self, sentences):
            self.seen += sentences
            return ["The head speaks." for _ in sentences]

    [flagged] = translate_sentences([source], Forgetful(), glossary=Glossary(TERMS))
    assert "term-missing:High Representative" in flagged.flags


def test_prompt_mode_shows_the_batchs_terms_as_examples_then_retries_glossed():
    translator = ExampleRecorder()
    sources = ["Le haut représentant parle.", "Rien à signaler."]
    translate_sentences(sources, translator, glossary=Glossary(TERMS), glossary_mode="prompt")
    assert translator.shown[0] == [("haut représentant", "High Representative")]
    assert translator.seen[:2] == sources  # the sources themselves, not glossed
    # the echo lacks "High Representative": retried once from the glossed source
    assert translator.seen[2:] == ["Le High Representative parle."]


def test_the_glossary_is_part_of_the_cache_key(tmp_path):
    from align.cache import Cache

    cache = Cache(tmp_path / "cache.sqlite3")
    first = EchoTranslator()
    translate_sentences(["Le haut représentant parle."], first, cache)
    second = EchoTranslator()
    translate_sentences(["Le haut représentant parle."], second, cache, glossary=Glossary(TERMS))
    assert second.seen == ["Le High Representative parle."]


def test_tsv_file_with_notes_comments_and_duplicates(tmp_path):
    path = tmp_path / "terms.tsv"
    path.write_text("# seed terms\nhaut représentant\tHigh Representative\tEU title\n\n"
                    "RPDC\tDPRK\nhaut représentant\tHigh Representative\n", encoding="utf-8")
    glossary = read_glossary(path)
    assert [(t.french, t.english, t.note) for t in glossary.terms] == [
        ("haut représentant", "High Representative", "EU title"), ("RPDC", "DPRK", ""),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("RPDC\tDPRK\nune ligne sans tabulation\n", r"line 2: expected French<TAB>English\[<TAB>note\], got 1 field"),
        ("RPDC\tDPRK\nOTAN\t\n", "line 2: empty French or English term"),
        ("a\tb\tc\td\n", "line 1: .* got 4 field"),
        ("troupe\ttroops\ntroupes\tsoldiers\n", "lines 1 and 2: 'troupes' is given as both 'troops' and 'soldiers'"),
        ("# nothing\n", "no terms"),
    ],
)
def test_bad_glossary_files_are_refused_in_one_line(tmp_path, content, message):
    path = tmp_path / "terms.tsv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataError, match=message):
        read_glossary(path)


TBX = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX" xml:lang="fr">
  <martifHeader><fileDesc><sourceDesc><p>test</p></sourceDesc></fileDesc></martifHeader>
  <text><body>
    <termEntry id="t1">
      <langSet xml:lang="fr"><tig><term>haut représentant</term></tig></langSet>
      <langSet xml:lang="en-GB"><tig><term>High Representative</term></tig></langSet>
    </termEntry>
    <termEntry id="t2">
      <langSet xml:lang="en"><tig><term>Indo-Pacific</term></tig></langSet>
      <langSet xml:lang="fr-FR"><tig><term>Indopacifique</term></tig></langSet>
    </termEntry>
  </body></text>
</martif>
"""


def test_tbx_glossary_pairs_terms_by_language(tmp_path):
    path = tmp_path / "terms.tbx"
    path.write_text(TBX, encoding="utf-8")
    assert [(t.french, t.english) for t in read_glossary(path).terms] == [
        ("haut représentant", "High Representative"), ("Indopacifique", "Indo-Pacific"),
    ]


def test_tbx_with_an_external_entity_is_refused_unread(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET", encoding="utf-8")
    path = tmp_path / "evil.tbx"
    path.write_text(TBX.replace('<?xml version="1.0" encoding="UTF-8"?>',
                                f'<?xml version="1.0"?>\n<!DOCTYPE martif [<!ENTITY x SYSTEM "file://{secret}">]>')
                    .replace("High Representative", "&x;"), encoding="utf-8")
    with pytest.raises(DataError, match="declares XML entities"):
        read_glossary(path)


def test_tbx_using_an_entity_of_an_external_dtd_is_refused_not_read_without_its_text(tmp_path):
    path = tmp_path / "dtd.tbx"
    path.write_text(TBX.replace('<?xml version="1.0" encoding="UTF-8"?>',
                                '<?xml version="1.0"?>\n<!DOCTYPE martif SYSTEM "TBXcoreStructV02.dtd">')
                    .replace("High Representative", "High&nbsp;Representative"), encoding="utf-8")
    with pytest.raises(DataError, match=r"uses the XML entity &nbsp;, which is never resolved"):
        read_glossary(path)
    path.write_text(path.read_text(encoding="utf-8").replace("&nbsp;", "&#160;"), encoding="utf-8")
    assert read_glossary(path).terms[0].english == "High\u00a0Representative"  # character references are text


def test_cli_translate_with_a_bad_glossary_exits_1_in_one_line(tmp_path):
    sentences = tmp_path / "in.txt"
    sentences.write_text("Bonjour.\n", encoding="utf-8")
    glossary = tmp_path / "bad.tsv"
    glossary.write_text("RPDC\tDPRK\nRPDC DPRK\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["translate", str(sentences), "--glossary", str(glossary), "--quiet"])
    assert result.exit_code == 1
    assert result.output.strip() == f"error: glossary {glossary}, line 2: expected French<TAB>English[<TAB>note], " \
                                     "got 1 field(s) in 'RPDC DPRK'"


def test_seed_glossary_covers_the_seeds_invented_entities():
    glossary = read_glossary(SEED_GLOSSARY)
    source = (ROOT / "source" / "dprk-troops-2024-11-05.fr.txt").read_text(encoding="utf-8")
    found = {m.term.english for m in glossary.find(source)}
    assert {"High Representative of the European Union", "Indo-Pacific", "DPRK", "troops"} <= found


def test_run_options_pass_glossary_and_memory_to_the_drafts(tmp_path, monkeypatch):
    import align.pipeline as pipeline
    from align.cache import Cache
    from align.formats import write_corpus
    from align.records import Pair

    glossary = tmp_path / "terms.tsv"
    glossary.write_text("haut représentant\tHigh Representative\n", encoding="utf-8")
    memory = tmp_path / "memory.tmx"
    write_corpus([Pair("doc", [0], [0], "Bonjour à tous.", "Hello everyone.")], memory, "tmx")
    translator = EchoTranslator()
    monkeypatch.setattr(pipeline, "get_translator", lambda backend, model: translator)
    options = pipeline.RunOptions(glossary=str(glossary), tm=(str(memory),), cache=Cache(None))
    reused, glossed = pipeline.draft_sentences(["Bonjour à tous.", "Le haut représentant parle."], options)
    assert reused.text == "Hello everyone." and reused.flags == ("tm:100",)
    assert translator.seen == ["Le High Representative parle."]
