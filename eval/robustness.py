"""Every command against the inputs a hostile user tries: what each one answers, and no traceback.

Each row runs one ``align …`` command as a subprocess, with a timeout, on one bad input built in
a temporary folder: binary, empty, huge, wrong encoding, truncated, wrong columns, out-of-range
ids, unsafe XML, and the document formats' traps (a PNG named .docx, a zip bomb, a PDF without
text). What a user should see is exit 1 with one ``error:`` line, exit 2 for a usage error, or
exit 0 where the input is usable after all (UTF-16 with a byte-order mark, Windows-1252); a
traceback or a timeout is a bug. The table is written to eval/results/robustness.md.

Usage: .venv/bin/python eval/robustness.py [--only TEXT] [--jobs 2] [--timeout 120] [--out FILE]
"""

from __future__ import annotations

import argparse
import codecs
import io
import json
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Sequence

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "eval" / "results" / "robustness.md"
sys.path.insert(0, str(ROOT))

from align.textio import write_text_atomic  # noqa: E402

TRACEBACK = "Traceback (most recent call last)"
SERVING = "serving"  # the exit column of a server that was still up at the timeout

# ---------------------------------------------------------------------------------------------
# What each kind of input slot holds when it is fine: the bad inputs are made from these.

FRENCH = (
    "Les ministres des Affaires étrangères ont publié une déclaration commune le 5 novembre 2024.\n"
    "Ils condamnent le déploiement de troupes de la RPDC en Russie.\n"
    "Cette coopération menace la paix et la sécurité de l’Europe et de l’Indopacifique.\n"
)
ENGLISH = (
    "The foreign ministers issued a joint statement on 5 November 2024.\n"
    "They condemn the deployment of DPRK troops to Russia.\n"
    "This cooperation threatens peace and security in Europe and the Indo-Pacific.\n"
)
_PAIRS = [
    {"doc": "d", "src_ids": [i], "tgt_ids": [i], "src": fr, "tgt": en, "draft": None, "score": 0.9,
     "bead": "1-1", "flags": [], "status": None}
    for i, (fr, en) in enumerate(zip(FRENCH.splitlines(), ENGLISH.splitlines()))
]
_TMX_UNITS = "".join(
    f'<tu><tuv xml:lang="fr-FR"><seg>{p["src"]}</seg></tuv><tuv xml:lang="en-GB"><seg>{p["tgt"]}</seg></tuv></tu>\n'
    for p in _PAIRS
)
_TMX_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
_TMX_TAIL = (
    '<tmx version="1.4"><header srclang="fr-FR" segtype="sentence" o-tmf="x" adminlang="en" '
    f'datatype="plaintext" creationtool="x" creationtoolversion="1"/>\n<body>\n{_TMX_UNITS}</body></tmx>\n'
)

SAMPLES: dict[str, str] = {
    "text": FRENCH,  # running French text (or a document)
    "english": ENGLISH,  # running English text (or a document)
    "lines": FRENCH,  # one sentence a line
    "beads": "[0]:[0]\n[1]:[1]\n[2]:[2]\n",
    "jsonl": "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in _PAIRS),
    "tsv": "source\ttarget\n" + "".join(f"{p['src']}\t{p['tgt']}\n" for p in _PAIRS),
    "tmx": _TMX_HEAD + _TMX_TAIL,
    "manifest": "id,source,reference\n{rows}",  # rows filled in by _sample
    "team": "Éloïse\treviewer\nbob\tadjudicator\n",
    "glossary": "RPDC\tDPRK\nhaut représentant\tHigh Representative\tthe EU's\n",
}
FILE_KINDS = tuple(SAMPLES)
ALL_KINDS = (*FILE_KINDS, "run")
OUTPUT_KINDS = ("out-file", "out-dir")  # where a command is told to write


# Good files for the slots a row does not attack: placeholder -> (file name, content).
FIXTURES = {
    "fr": ("fr.txt", FRENCH), "en": ("en.txt", ENGLISH), "fr_lines": ("fr.lines", FRENCH),
    "en_lines": ("en.lines", ENGLISH), "beads": ("good.beads", SAMPLES["beads"]),
    "corpus": ("good.jsonl", SAMPLES["jsonl"]), "manifest": ("good.csv", "source,reference\nfr.txt,en.txt\n"),
}


def _segments(text: str) -> str:
    rows = ({"id": i, "text": line, "start": 0, "end": len(line)} for i, line in enumerate(text.splitlines()))
    return "".join(json.dumps(row) + "\n" for row in rows)


# A run directory as `align run` leaves it, as far as report, review and export read it.
GOOD_RUN = {
    "pairs.jsonl": SAMPLES["jsonl"], "segments.fr.jsonl": _segments(FRENCH), "segments.en.jsonl": _segments(ENGLISH),
}


def write_files(folder: Path, files: dict[str, str | bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return folder


def build_fixtures(folder: Path) -> dict[str, str]:
    """Write the fixtures; their paths by placeholder."""
    write_files(folder, dict(FIXTURES.values()))
    return {key: str(folder / name) for key, (name, _) in FIXTURES.items()}


def _sample(kind: str, fixtures: dict[str, str], rows: int = 1) -> str:
    if kind != "manifest":
        return SAMPLES[kind]
    lines = (f"déclaration-{i},{fixtures['fr']},{fixtures['en']}\n" for i in range(rows))
    return SAMPLES["manifest"].format(rows="".join(lines))


# ---------------------------------------------------------------------------------------------
# Bad inputs: each builds its file (or folder) and returns the path to hand the command.


@dataclass(frozen=True)
class Slot:
    """Where a bad input goes: the folder to build in, the kind of file expected, its suffix."""

    folder: Path
    kind: str
    suffix: str
    fixtures: dict[str, str]

    def file(self, name: str = "input", suffix: str | None = None) -> Path:
        return self.folder / f"{name}{self.suffix if suffix is None else suffix}"

    def write(self, data: bytes | str, suffix: str | None = None) -> Path:
        path = self.file(suffix=suffix)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return path

    @property
    def sample(self) -> str:
        return _sample(self.kind, self.fixtures)


@dataclass(frozen=True)
class BadInput:
    name: str
    kinds: tuple[str, ...]  # the slot kinds it makes sense for
    build: Callable[[Slot], Path]


def _content(data: Callable[[Slot], bytes | str], suffix: str | None = None) -> Callable[[Slot], Path]:
    return lambda slot: slot.write(data(slot), suffix)


def _missing(slot: Slot) -> Path:
    return slot.file("missing")


def _directory(slot: Slot) -> Path:
    path = slot.file("folder", "")
    path.mkdir()
    return path


def _under_a_file(slot: Slot) -> Path:
    """An output path whose folder is a file."""
    blocker = slot.write("not a folder\n", ".txt")
    return blocker / f"out{slot.suffix}"


def _huge(slot: Slot) -> bytes:
    """Text kinds: one 1 MB 'sentence' without a full stop; a manifest: a 1 MB path; other
    kinds: about 20 MB of rows."""
    if slot.kind in ("text", "english", "lines"):
        words = ("troupes déployées " if slot.kind != "english" else "troops deployed ").encode("utf-8")
        return words * (1_000_000 // len(words)) + b"\n"
    if slot.kind == "manifest":  # 20 MB of rows would be 20 MB of real work
        return f"source,reference\n{'a/' * 500_000}fr.txt,{slot.fixtures['en']}\n".encode("utf-8")
    if slot.kind == "beads":
        return "".join(f"[{i}]:[{i}]\n" for i in range(1_500_000)).encode("utf-8")
    if slot.kind == "tmx":
        return (_TMX_HEAD + _TMX_TAIL.replace(_TMX_UNITS, _TMX_UNITS * 60_000)).encode("utf-8")
    header, rows = (slot.sample.split("\n", 1) if slot.kind == "tsv" else ("", slot.sample))
    return ((header + "\n" if header else "") + rows * (20_000_000 // len(rows))).encode("utf-8")


def _truncated(slot: Slot) -> bytes:
    data = slot.sample.encode("utf-8")
    return data[: len(data) * 2 // 3]


def _utf8_cut_in_a_character(slot: Slot) -> bytes:
    data = (slot.sample + "Café.\n").encode("utf-8")
    return data[: data.rindex("é".encode("utf-8")) + 1]


def _nested_json(slot: Slot) -> str:
    return "[" * 100_000 + "]" * 100_000 + "\n"


def _xxe_tmx(slot: Slot) -> str:
    return _TMX_HEAD + '<!DOCTYPE tmx [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n' + _TMX_TAIL.replace(
        "<seg>Ils", "<seg>&xxe; Ils", 1
    )


def _billion_laughs(root: str, body: str) -> str:
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    )
    return f'<?xml version="1.0"?>\n<!DOCTYPE {root} [{entities}]>\n{body.replace("LOL", "&lol9;")}'


def _laughs_tmx(slot: Slot) -> str:
    return _billion_laughs("tmx", _TMX_TAIL.replace("<seg>Ils", "<seg>LOL Ils", 1))


def _remote_dtd_tmx(slot: Slot) -> str:
    return _TMX_HEAD + '<!DOCTYPE tmx SYSTEM "http://example.invalid/tmx14.dtd">\n' + _TMX_TAIL


def _deep_xml(slot: Slot) -> str:
    return _TMX_HEAD + _TMX_TAIL.replace("<seg>Ils", "<seg>" + "<hi>" * 50_000 + "Ils" + "</hi>" * 50_000, 1)


def _png() -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


# The parts of a DOCX besides word/document.xml that Word and python-docx need.
_DOCX_PACKAGE = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/'
        'word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.'
        'document.main+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>'
    ),
}


def _docx(document_xml: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in _DOCX_PACKAGE.items():
            archive.writestr(name, text)
        archive.writestr("word/document.xml", document_xml)
    return buffer.getvalue()


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _docx_paragraphs(text: str) -> str:
    paragraphs = "".join(f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>" for line in text.splitlines())
    return f'<?xml version="1.0" encoding="UTF-8"?><w:document {_W}><w:body>{paragraphs}</w:body></w:document>'


def _truncated_docx(slot: Slot) -> bytes:
    data = _docx(_docx_paragraphs(FRENCH))
    return data[: len(data) // 2]


def _zip_bomb_docx(slot: Slot) -> Path:
    """A DOCX whose document.xml inflates 1000-fold to 100 MB (written in chunks, never whole in memory)."""
    path = slot.file("bomb", ".docx")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in _DOCX_PACKAGE.items():
            archive.writestr(name, text)
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            member.write(f'<?xml version="1.0" encoding="UTF-8"?><w:document {_W}><w:body><w:p><w:r><w:t>'.encode())
            chunk = b"lol " * (1 << 18)
            for _ in range(100):
                member.write(chunk)
            member.write(b"</w:t></w:r></w:p></w:body></w:document>")
    return path


def _laughs_docx(slot: Slot) -> bytes:
    body = f"<w:document {_W}><w:body><w:p><w:r><w:t>LOL</w:t></w:r></w:p></w:body></w:document>"
    return _docx(_billion_laughs("w:document", body))


def _laughs_xliff(slot: Slot) -> str:
    return _billion_laughs(
        "xliff",
        '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file source-language="fr" '
        'target-language="en" datatype="plaintext" original="x"><body><trans-unit id="1"><source>LOL</source>'
        "</trans-unit></body></file></xliff>",
    )


def _empty_html(slot: Slot) -> str:
    return (
        '<!DOCTYPE html><html lang="fr"><head><title>Accueil</title><script>var x = 1;</script></head><body>'
        '<nav><a href="/">Accueil</a> <a href="/contact">Contact</a></nav><div id="app"></div>'
        "<footer>© 2024</footer></body></html>\n"
    )


def _pdf(encrypted: bool) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    if encrypted:
        pdf.set_encryption(owner_password="owner", user_password="secret")
        pdf.set_font("helvetica", size=12)
        pdf.cell(text="Les ministres ont publié une déclaration.")
    else:
        pdf.rect(20, 20, 100, 60)  # a drawing, no text: what a scan without OCR looks like to a reader
    return bytes(pdf.output())


def _truncated_epub(slot: Slot) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/epub+zip")
        archive.writestr("META-INF/container.xml", '<?xml version="1.0"?><container version="1.0" '
                         'xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile '
                         'full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
                         "</rootfiles></container>")  # fmt: skip
        archive.writestr("OEBPS/content.opf", "<package/>" + FRENCH * 50)
    data = buffer.getvalue()
    return data[: len(data) * 2 // 3]


def _broken_srt(slot: Slot) -> str:
    return "1\n00:00:01,000 --> 00:00:02,000\nBonjour.\n\n2\n00:00:99,000 --> banana\nAu revoir.\n\nx\n"


def _run_dir(files: dict[str, str | bytes]) -> Callable[[Slot], Path]:
    return lambda slot: write_files(slot.file("run", ""), files)


_OUT_OF_RANGE_PAIRS = (
    SAMPLES["jsonl"].replace('"src_ids": [2]', '"src_ids": [2, 9999]').replace('"tgt_ids": [1]', '"tgt_ids": [-5]')
)

TEXT_KINDS = ("text", "english", "lines")
DOCUMENT_KINDS = ("text",)  # the English side goes through the same readers

BAD_INPUTS: list[BadInput] = [
    # Anything a file slot may be handed.
    BadInput("missing file", ALL_KINDS, _missing),
    BadInput("a directory", FILE_KINDS, _directory),
    BadInput("empty (0 bytes)", FILE_KINDS, _content(lambda s: b"")),
    BadInput("blank (spaces, newlines)", FILE_KINDS, _content(lambda s: b"  \n\r\n \t\n")),
    BadInput("binary (PNG bytes)", FILE_KINDS, _content(lambda s: _png())),
    BadInput("text with NUL bytes", FILE_KINDS, _content(lambda s: s.sample.replace("\n", "\x00\n", 1))),
    BadInput("UTF-16 with BOM (Notepad 'Unicode')", FILE_KINDS, _content(lambda s: codecs.BOM_UTF16_LE + s.sample.encode("utf-16-le"))),
    BadInput("UTF-16 without BOM", FILE_KINDS, _content(lambda s: s.sample.encode("utf-16-le"))),
    BadInput("UTF-32 with BOM", TEXT_KINDS, _content(lambda s: s.sample.encode("utf-32"))),
    BadInput("UTF-8 BOM, then invalid bytes", FILE_KINDS, _content(lambda s: codecs.BOM_UTF8 + (s.sample + "é\n").encode("cp1252"))),
    BadInput("Windows-1252 text", FILE_KINDS, _content(lambda s: s.sample.replace("’", "'").encode("cp1252"))),
    BadInput("UTF-8 cut inside a character", TEXT_KINDS, _content(_utf8_cut_in_a_character)),
    BadInput("truncated (last third cut off)", FILE_KINDS, _content(_truncated)),
    BadInput("huge", FILE_KINDS, _content(_huge)),
    # Running text.
    BadInput("English where French is expected", ("text",), _content(lambda s: ENGLISH * 3)),
    BadInput("French where English is expected", ("english",), _content(lambda s: FRENCH * 3)),
    BadInput("control characters only", TEXT_KINDS, _content(lambda s: "\x1b[31m\x07\x08\n" * 3)),
    BadInput("one line, no letters", TEXT_KINDS, _content(lambda s: "1234 5678 ... !!! ???\n")),
    # Documents (read by content, whatever the name says).
    BadInput("PNG named .docx", DOCUMENT_KINDS, _content(lambda s: _png(), ".docx")),
    BadInput("truncated DOCX", DOCUMENT_KINDS, _content(_truncated_docx, ".docx")),
    BadInput("DOCX zip bomb (100 kB → 100 MB)", DOCUMENT_KINDS, _zip_bomb_docx),
    BadInput("DOCX with billion laughs", DOCUMENT_KINDS, _content(_laughs_docx, ".docx")),
    BadInput("DOCX with no paragraphs", DOCUMENT_KINDS, _content(lambda s: _docx(_docx_paragraphs("")), ".docx")),
    BadInput("XLIFF with billion laughs", DOCUMENT_KINDS, _content(_laughs_xliff, ".xlf")),
    BadInput("HTML page with no content", DOCUMENT_KINDS, _content(_empty_html, ".html")),
    BadInput("encrypted PDF", DOCUMENT_KINDS, _content(lambda s: _pdf(encrypted=True), ".pdf")),
    BadInput("PDF without text (a drawing)", DOCUMENT_KINDS, _content(lambda s: _pdf(encrypted=False), ".pdf")),
    BadInput("truncated EPUB", DOCUMENT_KINDS, _content(_truncated_epub, ".epub")),
    BadInput("SRT with broken timings", DOCUMENT_KINDS, _content(_broken_srt, ".srt")),
    # Sentences, drafts, beads.
    BadInput("fewer lines than the other side", ("lines",), _content(lambda s: FRENCH.splitlines()[0] + "\n")),
    BadInput("JSON lines without 'text'", ("lines",), _content(lambda s: '{"id": 0, "sentence": "Bonjour."}\n')),
    BadInput("JSON line that is not an object", ("lines",), _content(lambda s: '{"text": "Bonjour."}\n[1, 2]\n')),
    BadInput("not bead lines", ("beads",), _content(lambda s: "0-0\n1-1\n")),
    BadInput("out-of-range ids", ("beads",), _content(lambda s: "[0]:[0]\n[1, 7]:[1]\n[2]:[99]\n")),
    BadInput("negative id", ("beads",), _content(lambda s: "[-1]:[0]\n")),
    BadInput("sentence in two beads", ("beads",), _content(lambda s: "[0]:[0]\n[0, 1]:[1]\n[2]:[2]\n")),
    BadInput("40-digit id", ("beads",), _content(lambda s: "[0]:[0]\n[" + "9" * 40 + "]:[1]\n")),
    # Corpora.
    BadInput("not JSON", ("jsonl",), _content(lambda s: "{'src': 'Bonjour'}\n")),
    BadInput("JSON array, not an object", ("jsonl",), _content(lambda s: "[1, 2, 3]\n")),
    BadInput("missing fields", ("jsonl",), _content(lambda s: '{"src": "Bonjour.", "tgt": "Hello."}\n')),
    BadInput("wrong field types", ("jsonl",), _content(lambda s: s.sample.replace('"src_ids": [0]', '"src_ids": "0"'))),
    BadInput("JSON nested 100,000 deep", ("jsonl", "lines"), _content(_nested_json)),
    BadInput("wrong columns (unknown header)", ("tsv",), _content(lambda s: "fr\ten\nBonjour.\tHello.\n")),
    BadInput("row with too few columns", ("tsv",), _content(lambda s: s.sample + "Seulement une colonne\n")),
    BadInput("bad number in a column", ("tsv",), _content(lambda s: "source\ttarget\tscore\nA.\tB.\thigh\n")),
    BadInput("locator nested 100,000 deep", ("tsv",), _content(lambda s: "source\ttarget\tlocator\nA.\tB.\t" + _nested_json(s))),
    BadInput("external entity (XXE)", ("tmx",), _content(_xxe_tmx)),
    BadInput("billion laughs", ("tmx",), _content(_laughs_tmx)),
    BadInput("remote DTD", ("tmx",), _content(_remote_dtd_tmx)),
    BadInput("elements nested 50,000 deep", ("tmx",), _content(_deep_xml)),
    BadInput("HTML, not TMX", ("tmx",), _content(lambda s: _empty_html(s))),
    BadInput("wrong columns (no reference)", ("manifest",), _content(lambda s: "id,source,target\na,x.txt,y.txt\n")),
    BadInput("row with too many fields", ("manifest",), _content(lambda s: s.sample + "b,x.txt,y.txt,extra\n")),
    BadInput("listed files missing", ("manifest",), _content(lambda s: "source,reference\nnope.fr.txt,nope.en.txt\n")),
    BadInput("id that escapes the folder", ("manifest",), _content(lambda s: s.sample.replace("déclaration-0,", "../../escape,"))),
    BadInput("duplicate ids", ("manifest",), _content(lambda s: s.sample + s.sample.split("\n", 1)[1])),
    BadInput("one column", ("glossary",), _content(lambda s: "RPDC\nIndopacifique\n")),
    BadInput("empty English term", ("glossary",), _content(lambda s: "RPDC\t\n")),
    BadInput("TBX with billion laughs", ("glossary",), _content(lambda s: _billion_laughs(
        "martif", '<martif type="TBX"><text><body><termEntry><langSet xml:lang="fr"><tig><term>LOL</term></tig>'
        "</langSet></termEntry></body></text></martif>"), ".tbx")),
    BadInput("unknown role", ("team",), _content(lambda s: "alice\tboss\n")),
    BadInput("one column", ("team",), _content(lambda s: "alice\n")),
    BadInput("same name twice", ("team",), _content(lambda s: s.sample + s.sample.splitlines()[0] + "\n")),
    # Output places.
    BadInput("output under a file", OUTPUT_KINDS, _under_a_file),
    BadInput("output is an existing folder", ("out-file",), _directory),
    # Run directories.
    BadInput("empty directory", ("run",), _run_dir({})),
    BadInput("a file, not a directory", ("run",), _content(lambda s: FRENCH, ".txt")),
    BadInput("pairs.jsonl not JSON", ("run",), _run_dir({**GOOD_RUN, "pairs.jsonl": "{oops\n"})),
    BadInput("pairs.jsonl binary", ("run",), _run_dir({**GOOD_RUN, "pairs.jsonl": _png()})),
    BadInput("pairs ids out of range of the segments", ("run",), _run_dir({**GOOD_RUN, "pairs.jsonl": _OUT_OF_RANGE_PAIRS})),
    BadInput("report.json not JSON", ("run",), _run_dir({**GOOD_RUN, "report.json": "{"})),
    BadInput("report.json a list", ("run",), _run_dir({**GOOD_RUN, "report.json": "[]"})),
    BadInput("segments.fr.jsonl corrupt", ("run",), _run_dir({**GOOD_RUN, "segments.fr.jsonl": '{"id": 0}\nnot json\n'})),
]

# ---------------------------------------------------------------------------------------------
# Commands: ``{input}`` is the bad input, ``{out}`` a fresh folder, the rest good fixtures.


@dataclass(frozen=True)
class Command:
    label: str
    argv: tuple[str, ...]
    kind: str  # what the {input} slot expects
    suffix: str = ".txt"
    serves: bool = False  # a server: still running at the timeout means it accepted the input
    inputs: tuple[str, ...] | None = None  # only these bad inputs (a second slot read like the first)
    stdin: bool = False  # the input is piped in (the command reads "-")


# The English side of pair and run goes through the readers the French side does: a few checks.
SECOND_SIDE = ("missing file", "empty (0 bytes)", "binary (PNG bytes)", "UTF-16 with BOM (Notepad 'Unicode')",
               "French where English is expected")  # fmt: skip

PIPED = ("empty (0 bytes)", "binary (PNG bytes)", "UTF-16 with BOM (Notepad 'Unicode')", "UTF-8 BOM, then invalid bytes",
         "Windows-1252 text", "PNG named .docx")  # fmt: skip

COMMANDS: list[Command] = [
    Command("segment FILE", ("segment", "{input}"), "text"),
    Command("extract FILE", ("extract", "{input}"), "text"),
    Command("segment - < FILE", ("segment", "-"), "text", stdin=True, inputs=PIPED),
    Command("translate FILE", ("translate", "{input}"), "lines"),
    Command("translate FR --glossary FILE", ("translate", "{fr_lines}", "--glossary", "{input}"), "glossary", ".tsv"),
    Command("translate FR --tm FILE.tmx", ("translate", "{fr_lines}", "--tm", "{input}"), "tmx", ".tmx"),
    Command("pair FILE EN", ("pair", "{input}", "{en}"), "text"),
    Command("pair FR FILE", ("pair", "{fr}", "{input}"), "english", inputs=SECOND_SIDE),
    Command("pair --presegmented FR EN --drafts FILE",
            ("pair", "--presegmented", "{fr_lines}", "{en_lines}", "--drafts", "{input}"), "lines"),  # fmt: skip
    Command("check FILE EN", ("check", "{input}", "{en}"), "text"),
    Command("evaluate alignment --gold FILE (with --src/--tgt)",
            ("evaluate", "alignment", "--gold", "{input}", "--pred", "{beads}", "--src", "{fr_lines}",
             "--tgt", "{en_lines}", "--errors", "5"), "beads", ".gold"),  # fmt: skip
    Command("evaluate translation --hyp FILE", ("evaluate", "translation", "--hyp", "{input}", "--ref", "{en_lines}"), "lines"),
    Command("run FILE --reference EN", ("run", "{input}", "--reference", "{en}", "--no-translate", "--out", "{out}"), "text"),
    Command("run FR --reference FILE", ("run", "{fr}", "--reference", "{input}", "--no-translate", "--out", "{out}"), "english",
            inputs=SECOND_SIDE),
    Command("export FILE.jsonl", ("export", "{input}", "--to", "tmx", "--out", "{out}/c.tmx"), "jsonl", ".jsonl"),
    Command("import FILE.tsv", ("import", "{input}", "--out", "{out}"), "tsv", ".tsv"),
    Command("import FILE.tmx", ("import", "{input}", "--out", "{out}"), "tmx", ".tmx"),
    Command("export RUN_DIR", ("export", "{input}", "--to", "tsv", "--out", "{out}/c.tsv"), "run", ""),
    Command("report RUN_DIR", ("report", "{input}"), "run", ""),
    Command("review RUN_DIR", ("review", "{input}"), "run", "", serves=True),
    Command("review RUN_DIR export --to gold", ("review", "{input}", "export", "--to", "gold", "--out", "{out}/r.gold"), "run", ""),
    Command("review RUN --team FILE", ("review", "{run}", "--team", "{input}"), "team", ".tsv", serves=True),
    Command("batch FILE.csv", ("batch", "{input}", "--out", "{out}", "--no-translate", "--workers", "1"), "manifest", ".csv"),
    Command("export CORPUS --out PATH", ("export", "{corpus}", "--to", "tsv", "--out", "{input}"), "out-file", ".tsv"),
    Command("import CORPUS --out PATH", ("import", "{corpus}", "--out", "{input}"), "out-dir", ""),
    Command("run FR --reference EN --out PATH", ("run", "{fr}", "--reference", "{en}", "--no-translate", "--out", "{input}"),
            "out-dir", ""),  # fmt: skip
    Command("batch CSV --out PATH", ("batch", "{manifest}", "--out", "{input}", "--no-translate", "--workers", "1"),
            "out-dir", ""),  # fmt: skip
]


@dataclass(frozen=True)
class Row:
    command: Command
    bad: BadInput


@dataclass(frozen=True)
class Outcome:
    row: Row
    exit: str  # the exit code, or "timeout"
    message: str  # the error line, else the first line of stderr
    traceback: bool
    seconds: float
    stderr: str = ""

    @property
    def acceptable(self) -> bool:
        """Exit 0, or 1/2 with one error line, or a server still serving; never a traceback,
        a crash or a hang."""
        return not self.traceback and self.exit in ("0", "1", "2", SERVING)


def available_commands() -> set[str]:
    """Top-level commands the installed CLI has (others are listed as absent, not run)."""
    from align.cli import main

    return set(main.commands)


def rows(only: str | None = None, commands: Sequence[Command] = COMMANDS) -> list[Row]:
    return [
        Row(command, bad)
        for command in commands
        for bad in BAD_INPUTS
        if command.kind in bad.kinds
        and (command.inputs is None or bad.name in command.inputs)
        and (only is None or only in f"{command.label} {bad.name}")
    ]


def _first_line(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith(("error:", "Error:"))]
    if TRACEBACK in stderr:
        return lines[-1]  # the exception itself
    return (errors or lines or ["—"])[0]


def run_row(row: Row, fixtures: dict[str, str], work: Path, timeout: float) -> Outcome:
    """Build the row's input in its own folder, run the command, and read what it said."""
    folder = Path(tempfile.mkdtemp(prefix="row-", dir=work))
    slot = Slot(folder, row.command.kind, row.command.suffix, fixtures)
    values = {
        **fixtures,
        "input": str(row.bad.build(slot)),
        "out": str(folder / "out"),
        "run": str(write_files(folder / "good-run", GOOD_RUN)),  # one each: review keeps its store there
    }
    argv = [sys.executable, "-m", "align", *(arg.format(**values) for arg in row.command.argv)]
    env = {**os.environ, "ALIGN_CACHE_DIR": str(work / "cache"), "ALIGN_THREADS": "1"}
    started = time.perf_counter()
    with open(values["input"] if row.command.stdin else os.devnull, "rb") as stdin:
        process = subprocess.Popen(argv, cwd=folder, env=env, stdin=stdin, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True, errors="replace", start_new_session=True)  # fmt: skip
        try:
            stdout, stderr = process.communicate(timeout=timeout)
            exit_code = str(process.returncode)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # batch's workers too
            stdout, stderr = process.communicate()
            exit_code = SERVING if row.command.serves else "timeout"
    seconds = time.perf_counter() - started
    message = _first_line(stderr).replace(str(folder) + "/", "").replace(str(Path(fixtures["fr"]).parent) + "/", "")
    return Outcome(row, exit_code, message, TRACEBACK in stderr or TRACEBACK in stdout, seconds, stderr)


def run_rows(
    selected: Sequence[Row], timeout: float, jobs: int = 2, progress: bool = False, serving_timeout: float = 10.0
) -> list[Outcome]:
    with tempfile.TemporaryDirectory(prefix="align-robustness-") as work:
        fixtures = build_fixtures(Path(work) / "fixtures")

        def one(row: Row) -> Outcome:
            outcome = run_row(row, fixtures, Path(work), serving_timeout if row.command.serves else timeout)
            if progress:
                flag = "" if outcome.acceptable else "  <-- " + ("TRACEBACK" if outcome.traceback else outcome.exit)
                print(f"{outcome.seconds:6.1f}s  {outcome.exit:>7}  {row.command.label} × {row.bad.name}{flag}",
                      file=sys.stderr, flush=True)  # fmt: skip
            return outcome

        with ThreadPoolExecutor(max_workers=jobs) as pool:
            return list(pool.map(one, selected))


def _cell(text: str, limit: int = 170) -> str:
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return text.replace("|", "\\|").replace("`", "'")


def format_table(
    outcomes: Sequence[Outcome], absent: Sequence[str], command_line: str, seconds: float, timeout: float
) -> str:
    bad = [o for o in outcomes if not o.acceptable]
    crashed = sum(not o.traceback and not o.acceptable and o.exit != "timeout" for o in outcomes)
    lines = [
        "# Robustness: every command against hostile inputs",
        "",
        f"Produced by `{command_line}` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC "
        f"({len(outcomes)} runs, {seconds:.0f} s wall clock, {timeout:.0f} s timeout each).",
        "",
        f"**Tracebacks: {sum(o.traceback for o in outcomes)}; timeouts: {sum(o.exit == 'timeout' for o in outcomes)}; "
        f"other exit codes than 0, 1, 2: {crashed}.**",
        "",
        "Exit 1 is bad data (one `error:` line), 2 a usage error, 0 an input that is usable after all "
        "(the message is then the first line of stderr, a notice or nothing); 'serving' is the review server "
        "still up after 10 s, having accepted its input. The message column shows the "
        "`error:` line where there is one, else the first line of stderr; for a traceback, its last line. "
        "Paths are shown relative to each run's temporary folder.",
    ]
    if absent:
        lines += ["", f"Not in this CLI (not run): {', '.join(absent)}."]
    if bad:
        lines += ["", "## Runs that need fixing", "", "| command | input | exit | message |", "| --- | --- | --- | --- |"]
        lines += [f"| `{o.row.command.label}` | {o.row.bad.name} | {o.exit} | {_cell(o.message)} |" for o in bad]
    lines += ["", "## All runs", "", "| command | input | exit | message | traceback? |", "| --- | --- | --- | --- | --- |"]
    lines += [
        f"| `{o.row.command.label}` | {o.row.bad.name} | {o.exit} | {_cell(o.message)} | {'yes' if o.traceback else 'no'} |"
        for o in outcomes
    ]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", help="Run only rows whose 'command input' label contains this text.")
    parser.add_argument("--jobs", type=int, default=2, help="Commands run at once.")
    parser.add_argument("--timeout", type=float, default=60.0, help="Seconds before a command counts as hung.")
    parser.add_argument("--out", type=Path, default=RESULTS, help="Where to write the Markdown table.")
    args = parser.parse_args()
    present = available_commands()
    commands = [c for c in COMMANDS if c.argv[0] in present]
    absent = [c.label for c in COMMANDS if c.argv[0] not in present]
    selected = rows(args.only, commands)
    started = time.perf_counter()
    outcomes = run_rows(selected, args.timeout, args.jobs, progress=True)
    command_line = "python eval/robustness.py " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    seconds = time.perf_counter() - started
    write_text_atomic(args.out, format_table(outcomes, absent, command_line.strip(), seconds, args.timeout))
    failed = [o for o in outcomes if not o.acceptable]
    print(f"{len(outcomes)} runs, {len(failed)} to fix; table in {args.out}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
