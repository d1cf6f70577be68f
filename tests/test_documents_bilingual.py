"""Subtitles (SRT, WebVTT) and bilingual CAT files (XLIFF 1.2 / 2.0, PO): read, write back, refuse.

Every fixture is built here from the seed statement: its sentences spread over subtitle cues
(one sentence over two cues), or made the units of an XLIFF or PO file with some of the English
reference's sentences as targets.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from align.blocks import segment_document, texts_by_block
from align.documents import detect_format, read_document, writer_for
from align.errors import DataError
from conftest import SEED_EN, SEED_FR

srt = pytest.importorskip("srt")
webvtt = pytest.importorskip("webvtt")
pytest.importorskip("translate.storage.pypo")


def seed_sentences() -> list[str]:
    return [s.text for s in segment_document(read_document(SEED_FR), "fr") if s.text != "Partager"]


def reference_sentences() -> list[str]:
    return [s.text for s in segment_document(read_document(SEED_EN), "en")]


# --- subtitles -----------------------------------------------------------------------------

SPLIT_SENTENCE = 2  # this sentence runs over two cues, its first cue on two lines


def spoken_sentences() -> list[str]:
    """The statement as it is read out: its sentences without the title, which has no full stop
    and would run on into the first sentence, as an unpunctuated cue does."""
    return seed_sentences()[1:]


def cue_texts() -> list[str]:
    cues = []
    for index, sentence in enumerate(spoken_sentences()):
        if index == SPLIT_SENTENCE:
            words = sentence.split()
            third = len(words) // 3
            cues.append(" ".join(words[:third]) + "\n" + " ".join(words[third:2 * third]))
            cues.append(" ".join(words[2 * third:]))
        else:
            cues.append(sentence)
    return cues


def _seconds(value: float) -> datetime.timedelta:
    return datetime.timedelta(seconds=value)


@pytest.fixture()
def seed_srt(tmp_path: Path) -> Path:
    subtitles = [srt.Subtitle(n, _seconds(3 * n), _seconds(3 * n + 2.5), text) for n, text in enumerate(cue_texts(), 1)]
    path = tmp_path / "seed.srt"
    path.write_text(srt.compose(subtitles), encoding="utf-8")
    return path


@pytest.fixture()
def seed_vtt(tmp_path: Path) -> Path:
    cues = [
        f"c{n}\n00:00:{3 * n:02d}.000 --> 00:00:{3 * n + 2:02d}.500 align:start\n"
        + (f"<v Ministre>{text}" if n == 1 else text.replace(" ", " <i>", 1) + "</i>" if n == 2 else text)
        for n, text in enumerate(cue_texts(), 1)
    ]
    path = tmp_path / "seed.vtt"
    path.write_text("WEBVTT\n\n" + "\n\n".join(cues) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("fixture", ["seed_srt", "seed_vtt"])
def test_subtitles_give_the_sentences_of_the_text(fixture: str, request: pytest.FixtureRequest) -> None:
    path = request.getfixturevalue(fixture)
    assert detect_format(path) == path.suffix[1:]
    document = read_document(path)
    assert document.flowing and {b.kind for b in document.blocks} == {"cue"}
    assert len(document.blocks) == len(spoken_sentences()) + 1
    segments = segment_document(document, "fr")
    assert [s.text for s in segments] == spoken_sentences()
    over_two = segments[SPLIT_SENTENCE]
    assert over_two.locator["blocks"] == [SPLIT_SENTENCE, SPLIT_SENTENCE + 1]
    assert over_two.locator["until"]["cue"] == SPLIT_SENTENCE + 2


def test_srt_keeps_the_original_timings(seed_srt: Path) -> None:
    original = list(srt.parse(seed_srt.read_text(encoding="utf-8")))
    blocks = read_document(seed_srt).blocks
    assert [(b.locator["start"], b.locator["end"]) for b in blocks] == [
        (srt.timedelta_to_srt_timestamp(s.start), srt.timedelta_to_srt_timestamp(s.end)) for s in original
    ]
    assert blocks[0].locator == {"cue": 1, "start": "00:00:03,000", "end": "00:00:05,500"}


def _translate_by_sentence(path: Path, out: Path) -> list[str]:
    document = read_document(path)
    segments = segment_document(document, "fr")
    translations = [f"Sentence {n} in English, rendered here." for n in range(len(segments))]
    writer_for(document.format).write(document, texts_by_block(document, segments, translations), str(out))
    return translations


def test_srt_draft_has_same_timings_and_the_translation(seed_srt: Path, tmp_path: Path) -> None:
    out = tmp_path / "draft.srt"
    translations = _translate_by_sentence(seed_srt, out)
    original = list(srt.parse(seed_srt.read_text(encoding="utf-8")))
    draft = list(srt.parse(out.read_text(encoding="utf-8")))
    assert [(s.index, s.start, s.end) for s in draft] == [(s.index, s.start, s.end) for s in original]
    assert " ".join(" ".join(s.content.split()) for s in draft) == " ".join(translations)
    # the cue that had two lines has two again; every cue of the split sentence got words
    assert draft[SPLIT_SENTENCE].content.count("\n") == 1
    assert draft[SPLIT_SENTENCE + 1].content.strip()


def test_vtt_draft_keeps_ids_timings_settings_and_voice(seed_vtt: Path, tmp_path: Path) -> None:
    out = tmp_path / "draft.vtt"
    translations = _translate_by_sentence(seed_vtt, out)
    original, draft = webvtt.read(str(seed_vtt)), webvtt.read(str(out))
    assert [(c.identifier, c.start, c.end) for c in draft] == [(c.identifier, c.start, c.end) for c in original]
    assert "align:start" in out.read_text(encoding="utf-8")
    assert draft.captions[0].voice == "Ministre"
    assert " ".join(" ".join(c.text.split()) for c in draft) == " ".join(translations)


def test_subtitle_markup_is_not_text(seed_vtt: Path) -> None:
    texts = [b.text for b in read_document(seed_vtt).blocks]
    assert not any("<" in text for text in texts)


def test_bad_subtitles_are_refused_in_one_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.srt"
    broken.write_text("1\n00:00:01,000 --> 00:00:02,000\nBonjour.\n\n2\n00:00:0x --> 00:00:03,000\nSalut.\n",
                      encoding="utf-8")
    with pytest.raises(DataError, match=r"broken\.srt: not a valid SRT file \(unexpected text at line 5\)") as info:
        read_document(broken, "srt")
    assert "\n" not in str(info.value)
    empty = tmp_path / "empty.vtt"
    empty.write_text("WEBVTT\n\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"empty\.vtt: no subtitle cues"):
        read_document(empty)
    not_vtt = tmp_path / "not.vtt"
    not_vtt.write_text("Bonjour.\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"not\.vtt: not a valid WebVTT file"):
        read_document(not_vtt, "vtt")


# --- XLIFF and PO --------------------------------------------------------------------------

# Units whose target is filled, with the English sentence of the French one (the English has no
# title: French sentence i is English sentence i - 1); unit 3's target is marked not translated yet.
TRANSLATED = (1, 2, 4)
UNTRANSLATED = 3


def reference_of(index: int) -> str:
    return reference_sentences()[index - 1]


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def xliff12(tmp_path: Path) -> Path:
    french = seed_sentences()
    units = []
    for index, sentence in enumerate(french):
        target = ""
        if index in TRANSLATED:
            target = f'<target state="translated">{_escape(reference_of(index))}</target>'
        elif index == UNTRANSLATED:
            target = '<target state="needs-translation">à traduire</target>'
        units.append(f'<trans-unit id="s{index + 1}"><source>{_escape(sentence)}</source>{target}</trans-unit>')
    path = tmp_path / "seed.xlf"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">'
        '<file original="dprk.txt" source-language="fr" target-language="en" datatype="plaintext"><body>'
        + "".join(units) + "</body></file></xliff>\n",
        encoding="utf-8",
    )
    return path


def xliff20(tmp_path: Path) -> Path:
    french = seed_sentences()
    units = []
    for index, sentence in enumerate(french):
        state, target = "", ""
        if index in TRANSLATED:
            state, target = ' state="final"', f"<target>{_escape(reference_of(index))}</target>"
        elif index == UNTRANSLATED:
            state, target = ' state="initial"', "<target>à traduire</target>"
        units.append(
            f'<unit id="u{index + 1}"><segment{state}><source>{_escape(sentence)}</source>{target}</segment></unit>'
        )
    path = tmp_path / "seed2.xlf"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="fr" trgLang="en">'
        '<file id="f1">' + "".join(units) + "</file></xliff>\n",
        encoding="utf-8",
    )
    return path


def po_catalogue(tmp_path: Path) -> Path:
    from translate.storage.pypo import pofile

    french = seed_sentences()
    catalogue = pofile()
    catalogue.init_headers(charset="UTF-8", encoding="8bit")
    for index, sentence in enumerate(french):
        unit = catalogue.addsourceunit(sentence)
        unit.addlocation(f"dprk.txt:{index + 1}")
        if index in TRANSLATED:
            unit.target = reference_of(index)
        elif index == UNTRANSLATED:
            unit.target = "à traduire"
            unit.markfuzzy(True)
    path = tmp_path / "seed.po"
    path.write_bytes(bytes(catalogue))
    return path


BUILDERS = {"xliff12": xliff12, "xliff20": xliff20, "po": po_catalogue}


@pytest.mark.parametrize("kind", BUILDERS)
def test_cat_file_units_are_blocks_and_targets_the_reference(kind: str, tmp_path: Path) -> None:
    path = BUILDERS[kind](tmp_path)
    assert detect_format(path) == ("po" if kind == "po" else "xliff")
    document = read_document(path)
    assert [b.text for b in document.blocks] == seed_sentences()
    assert {b.kind for b in document.blocks} == {"unit"}
    expected = [reference_of(i) if i in TRANSLATED else None for i in range(len(document.blocks))]
    assert [b.target for b in document.blocks] == expected
    assert [b.text for b in document.target_side().blocks] == [reference_of(i) for i in TRANSLATED]
    assert [s.text for s in segment_document(document, "fr")] == seed_sentences()


def test_unit_locators(tmp_path: Path) -> None:
    assert read_document(xliff12(tmp_path)).blocks[0].locator == {"unit": "s1"}
    assert read_document(xliff20(tmp_path)).blocks[1].locator == {"unit": "u2"}
    assert read_document(po_catalogue(tmp_path)).blocks[2].locator == {"unit": 3, "references": "dprk.txt:3"}


@pytest.mark.parametrize("kind", ["xliff12", "xliff20"])
def test_xliff_drafts_are_written_as_targets_to_review(kind: str, tmp_path: Path) -> None:
    from translate.storage.xliff import xlifffile
    from translate.storage.xliff2 import Xliff2File

    path = BUILDERS[kind](tmp_path)
    document = read_document(path)
    drafts = {block.id: f"Draft {block.id} & more" for block in document.blocks}
    out = tmp_path / "draft.xlf"
    writer_for("xliff").write(document, drafts, str(out))
    store = (xlifffile if kind == "xliff12" else Xliff2File).parsestring(out.read_bytes())
    units = [u for u in store.units if not u.isheader()]
    assert [str(u.target) for u in units] == list(drafts.values())
    assert [str(u.source) for u in units] == seed_sentences()
    if kind == "xliff12":
        states = {u.xmlelement.find(u.namespaced("target")).get("state") for u in units}
        assert states == {"needs-review-translation"}
    else:
        assert {u.xmlelement.get("state") for u in units} == {"translated"}
    assert [b.target for b in read_document(out).blocks] == list(drafts.values())


def test_po_drafts_are_written_fuzzy(tmp_path: Path) -> None:
    from translate.storage.pypo import pofile

    document = read_document(po_catalogue(tmp_path))
    drafts = {block.id: f"Draft {block.id}" for block in document.blocks if block.id != 1}
    out = tmp_path / "draft.po"
    writer_for("po").write(document, drafts, str(out))
    units = [u for u in pofile.parsestring(out.read_bytes()).units if not u.isheader()]
    assert [str(u.source) for u in units] == seed_sentences()
    assert str(units[1].target) == reference_of(1) and not units[1].isfuzzy()  # untouched
    assert [(str(u.target), u.isfuzzy()) for n, u in enumerate(units) if n != 1] == [(d, True) for d in drafts.values()]


def test_po_plural_and_obsolete_messages(tmp_path: Path) -> None:
    path = tmp_path / "plural.po"
    path.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Un missile."\nmsgid_plural "Des missiles."\nmsgstr[0] ""\nmsgstr[1] ""\n\n'
        '#~ msgid "Ancien."\n#~ msgstr "Old."\n',
        encoding="utf-8",
    )
    document = read_document(path)
    assert [b.text for b in document.blocks] == ["Un missile."]
    out = tmp_path / "out.po"
    writer_for("po").write(document, {0: "A missile."}, str(out))
    assert 'msgstr[0] "A missile."' in out.read_text(encoding="utf-8")


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE xliff [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file original="a" source-language="fr"
datatype="plaintext"><body><trans-unit id="1"><source>&lol3;</source></trans-unit></body></file></xliff>
"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE xliff [<!ENTITY secret SYSTEM "file://{secret}">]>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file original="a" source-language="fr"
datatype="plaintext"><body><trans-unit id="1"><source>&secret;</source></trans-unit></body></file></xliff>
"""


@pytest.mark.parametrize("attack", ["billion_laughs", "external_entity"])
def test_xliff_entities_are_refused_never_resolved(attack: str, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET", encoding="utf-8")
    path = tmp_path / "attack.xlf"
    content = BILLION_LAUGHS if attack == "billion_laughs" else EXTERNAL_ENTITY.format(secret=secret)
    path.write_text(content, encoding="utf-8")
    assert detect_format(path) == "xliff"
    with pytest.raises(DataError, match=r"attack\.xlf: refused: .* declares XML entities") as info:
        read_document(path)
    assert "\n" not in str(info.value) and "TOP SECRET" not in str(info.value)


def test_broken_cat_files_are_refused_in_one_line(tmp_path: Path) -> None:
    truncated = tmp_path / "cut.xlf"
    truncated.write_bytes(xliff12(tmp_path).read_bytes()[:300])
    with pytest.raises(DataError, match=r"cut\.xlf: the XLIFF file is not well-formed XML"):
        read_document(truncated)
    broken = tmp_path / "broken.po"
    broken.write_text('msgid "Bonjour"\nmsgstr "Hello\n', encoding="utf-8")
    with pytest.raises(DataError, match=r"broken\.po: ") as info:
        read_document(broken)
    assert "\n" not in str(info.value)


def test_xliff_files_groups_and_untranslatable_units(tmp_path: Path) -> None:
    path = tmp_path / "multi.xlf"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">'
        '<file original="a.html" source-language="fr" datatype="html"><body>'
        '<trans-unit id="1"><source>Bonjour <g id="b">le</g> monde.</source></trans-unit>'
        '<trans-unit id="2" translate="no"><source>NE PAS TRADUIRE</source></trans-unit>'
        '<group id="g"><trans-unit id="3"><source>Dans un groupe.</source></trans-unit></group></body></file>'
        '<file original="b.html" source-language="fr" datatype="html"><body>'
        '<trans-unit id="1"><source>Deuxième fichier.</source></trans-unit></body></file></xliff>\n',
        encoding="utf-8",
    )
    document = read_document(path)
    assert [(b.text, b.locator) for b in document.blocks] == [
        ("Bonjour le monde.", {"unit": "1", "file": "a.html"}),
        ("Dans un groupe.", {"unit": "3", "file": "a.html"}),
        ("Deuxième fichier.", {"unit": "1", "file": "b.html"}),
    ]
    out = tmp_path / "out.xlf"
    writer_for("xliff").write(document, {2: "Second file."}, str(out))
    assert [b.target for b in read_document(out).blocks] == [None, None, "Second file."]
    assert "NE PAS TRADUIRE" in out.read_text(encoding="utf-8")
