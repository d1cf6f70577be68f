"""PDF reading: reading order, running headers and page numbers, hyphenation, refusals.

Every PDF is typeset here with fpdf2 from the seed statement, laid out line by line so that the
test decides where lines break: a running header and page numbers on every page, a two-column
page, a paragraph carried over a page break, a word cut by a hyphen at a line end
("détermi-/nation") and a compound broken at its own hyphen ("nord-/coréens").
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterator, Mapping, Sequence

import pytest

from align.blocks import segment_document
from align.documents import detect_format, read_document
from align.documents.pdf import keeps_hyphen
from align.errors import DataError
from conftest import SEED_FR

fpdf = pytest.importorskip("fpdf")

HEADER = "Déclaration conjointe — 5 novembre 2024"
SEED_SPLITS = {"détermination": "détermi", "nord-coréens": "nord-"}
A5 = (420, 595)
MARGIN, TOP, BOTTOM, GUTTER = 40, 70, 540, 20
TITLE_SIZE, BODY_SIZE = 14, 10


def font_path() -> str:
    """DejaVu Sans from matplotlib's package data, or the system's copy."""
    try:
        import matplotlib

        candidate = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    except ImportError:
        candidate = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if not candidate.exists():
        pytest.skip("needs a DejaVu Sans TTF (matplotlib's package data)")
    return str(candidate)


def seed_paragraphs() -> tuple[str, list[str]]:
    """The seed's title and body paragraphs, without the stray 'Partager' button."""
    paragraphs = [p.strip() for p in SEED_FR.read_text(encoding="utf-8").split("\n\n") if p.strip() != "Partager"]
    return paragraphs[0], paragraphs[1:]


def _wrap(pdf, text: str, width: Callable[[], float], splits: Mapping[str, str], hyphenate: bool) -> Iterator[str]:
    """Lines no wider than ``width()`` points, asked anew for each line (a paragraph may go on in a
    narrower column). A word in ``splits`` is cut after the given prefix and the line ended there;
    with ``hyphenate``, a word that does not fit is broken at its own hyphen (a compound) or, if
    long, cut with one."""
    line = ""
    for word in text.split():
        prefix = splits.get(word.rstrip(",.;"))
        if prefix:
            cut = prefix if prefix.endswith("-") else prefix + "-"
            if line and pdf.get_string_width(f"{line} {cut}") > width():
                yield line
                line = ""
            yield f"{line} {cut}".strip()
            line = word[len(prefix):]
            continue
        candidate = f"{line} {word}".strip()
        if pdf.get_string_width(candidate) <= width():
            line = candidate
            continue
        if hyphenate and "-" in word.strip("-") and pdf.get_string_width(f"{line} {word.split('-')[0]}-") <= width():
            head, tail = word.split("-", 1)
            yield f"{line} {head}-"
            line = tail
            continue
        if hyphenate and word.isalpha() and len(word) >= 8:
            cuts = [c for c in range(len(word) - 3, 3, -1) if pdf.get_string_width(f"{line} {word[:c]}-") <= width()]
            if cuts:
                yield f"{line} {word[:cuts[0]]}-"
                line = word[cuts[0]:]
                continue
        yield line
        line = word
    yield line


def write_pdf(
    path: Path,
    title: str,
    paragraphs: Sequence[str],
    *,
    header: str = HEADER,
    splits: Mapping[str, str] = SEED_SPLITS,
    two_columns_from_page: int = 2,
    hyphenate: bool = False,
    row_order: bool = False,
    footnote: str = "",
) -> int:
    """Typeset the title and paragraphs on A5 pages; returns the number of pages.

    Page 1 is one column, later pages (from ``two_columns_from_page``) two; every page has the
    running header at the top and its number at the bottom. With ``row_order`` a page's lines
    are written to the PDF row by row across the columns, as some producers do, instead of in
    reading order. A ``footnote`` is set small at the foot of page 1.
    """
    pdf = fpdf.FPDF(unit="pt", format=A5)
    pdf.add_font("dejavu", fname=font_path())
    pdf.set_auto_page_break(False)
    frame = {"page": 0, "column": 0, "y": 0.0}
    pending: list[tuple[float, float, int, str]] = []

    def columns() -> int:
        return 2 if frame["page"] >= two_columns_from_page else 1

    def width() -> float:
        full = A5[0] - 2 * MARGIN
        return full if columns() == 1 else (full - GUTTER) / 2

    def flush() -> None:
        for y, x, size, line in sorted(pending) if row_order else pending:
            pdf.set_font("dejavu", size=size)
            pdf.text(x, y, line)
        pending.clear()

    def new_page() -> None:
        flush()
        pdf.add_page()
        frame.update(page=frame["page"] + 1, column=0, y=TOP)
        pdf.set_font("dejavu", size=8)
        pdf.text(MARGIN, 40, header)
        pdf.text(A5[0] / 2, A5[1] - 30, str(frame["page"]))

    def make_room(size: int) -> None:
        if frame["y"] + size > BOTTOM:
            if frame["column"] + 1 < columns():
                frame.update(column=frame["column"] + 1, y=TOP)
            else:
                new_page()

    new_page()
    if footnote:
        pending.append((BOTTOM + 14, MARGIN, 7, footnote))
    for text, size in [(title, TITLE_SIZE), *((p, BODY_SIZE) for p in paragraphs)]:
        pdf.set_font("dejavu", size=size)
        make_room(size)
        for line in _wrap(pdf, text, width, splits, hyphenate):
            pending.append((frame["y"], MARGIN + frame["column"] * (width() + GUTTER), size, line))
            frame["y"] += size * 1.3
            make_room(size)
            pdf.set_font("dejavu", size=size)
        frame["y"] += size
    flush()
    pdf.output(str(path))
    return frame["page"]


@pytest.fixture(scope="module")
def seed_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "seed.pdf"
    title, paragraphs = seed_paragraphs()
    assert write_pdf(path, title, paragraphs) == 2
    return path


def _sentences(path: Path) -> list[str]:
    return [seg.text for seg in segment_document(read_document(path), "fr")]


def test_seed_pdf_yields_the_sentences_of_the_text(seed_pdf: Path) -> None:
    expected = [s for s in _sentences(SEED_FR) if s != "Partager"]
    assert detect_format(seed_pdf) == "pdf"
    assert _sentences(seed_pdf) == expected


def test_footnote_does_not_cut_the_paragraph_it_interrupts(seed_pdf: Path, tmp_path: Path) -> None:
    path = tmp_path / "note.pdf"
    note = "1 Texte publié le 5 novembre 2024."
    write_pdf(path, *seed_paragraphs(), footnote=note)
    document = read_document(path)
    notes = [b for b in document.blocks if b.kind == "footnote"]
    assert [(b.text, b.locator) for b in notes] == [(note, {"page": 1})]
    assert [b.text for b in document.blocks if b.kind != "footnote"] == [b.text for b in read_document(seed_pdf).blocks]


def test_seed_pdf_written_row_by_row_reads_the_same(seed_pdf: Path, tmp_path: Path) -> None:
    path = tmp_path / "rows.pdf"
    write_pdf(path, *seed_paragraphs(), row_order=True)
    assert read_document(path).text == read_document(seed_pdf).text


def test_seed_pdf_blocks_pages_and_kinds(seed_pdf: Path) -> None:
    document = read_document(seed_pdf)
    text = document.text
    assert HEADER not in text and "détermination" in text and "nord-coréens" in text
    assert document.blocks[0].kind == "title" and document.blocks[0].locator == {"page": 1}
    assert {b.kind for b in document.blocks[1:]} == {"paragraph"}
    assert [b.locator["page"] for b in document.blocks][-1] == 2
    # the paragraph carried over the page break is one block that names both pages
    assert any(b.locator == {"page": 1, "until": {"page": 2}} for b in document.blocks)
    assert len(document.blocks) == 5


@pytest.mark.parametrize(
    ("left", "right", "kept"),
    [
        ("nord", "coréennes", True),  # compound prefix
        ("Nouvelle", "Zélande", True),  # capital after the hyphen
        ("détermi", "nation", False),  # the joined word is a word
        ("préoccu", "pation", False),
        ("porte", "avions", True),  # two words, no joined form: a compound
        ("xyzab", "qwrt", False),  # nothing known: a cut word
        ("magnifique", "ment", False),  # a suffix, though both halves are words
    ],
)
def test_hyphen_at_line_end(left: str, right: str, kept: bool) -> None:
    assert keeps_hyphen(left, right) is kept


def test_document_words_decide_first() -> None:
    assert keeps_hyphen("bla", "blu", frozenset({"bla-blu"})) is True
    assert keeps_hyphen("porte", "avions", frozenset({"porteavions"})) is False


@pytest.mark.parametrize("row_order", [False, True])
def test_two_column_pages_are_read_column_by_column(row_order: bool, tmp_path: Path) -> None:
    path = tmp_path / "columns.pdf"
    paragraphs = [f"Paragraphe {n} : " + " ".join(f"mot{n}x{i}" for i in range(60)) + "." for n in range(1, 5)]
    assert write_pdf(path, "Titre", paragraphs, two_columns_from_page=1, splits={}, row_order=row_order) == 2
    document = read_document(path)
    assert [b.text for b in document.blocks] == ["Titre", *paragraphs]


def test_page_numbers_alone_are_dropped_even_on_one_page(tmp_path: Path) -> None:
    path = tmp_path / "one.pdf"
    write_pdf(path, "Titre", ["Une phrase courte."], header="", splits={})
    assert [b.text for b in read_document(path).blocks] == ["Titre", "Une phrase courte."]


def test_lines_at_page_tops_that_differ_in_case_or_joined_numbers_are_not_running_headers(tmp_path: Path) -> None:
    """A title and a sentence naming the same product, and table rows that differ by a number
    joined to a word, each open a page (no running header above them): they are text, and only
    the page numbers go."""
    firsts = ["ACLASTA", "Aclasta est une solution pour perfusion.", "Fracture vertébrale (0-2 ans)",
              "Fracture vertébrale (0-3 ans)"]
    pdf = fpdf.FPDF(unit="pt", format=A5)
    pdf.add_font("dejavu", fname=font_path())
    for first in firsts:
        pdf.add_page()
        pdf.set_font("dejavu", size=BODY_SIZE)
        pdf.text(MARGIN, TOP, first)
        pdf.text(MARGIN, TOP + 200, "Le reste de la page suit ici.")
        pdf.text(A5[0] / 2, A5[1] - 30, str(pdf.page_no()))
    path = tmp_path / "tops.pdf"
    pdf.output(str(path))
    texts = [b.text for b in read_document(path).blocks]
    assert all(any(first in text for text in texts) for first in firsts), texts
    assert not any(text.strip().isdigit() for text in texts)


@pytest.mark.parametrize("page_numbers", [False, True])
def test_pdf_without_text_layer_is_refused(page_numbers: bool, tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    pdf = fpdf.FPDF()
    pdf.add_font("dejavu", fname=font_path())
    pdf.set_font("dejavu", size=10)
    for number in (1, 2):
        pdf.add_page()
        pdf.rect(20, 20, 100, 60, style="F")
        if page_numbers:  # stamped on the scanned pages: still no text
            pdf.text(100, 285, str(number))
    pdf.output(str(path))
    with pytest.raises(DataError, match=r"scan\.pdf: no text layer: scanned\? run OCR first"):
        read_document(path)


def test_a_page_without_text_is_named_in_a_notice(tmp_path: Path) -> None:
    path = tmp_path / "mixed.pdf"
    pdf = fpdf.FPDF()
    pdf.add_font("dejavu", fname=font_path())
    pdf.add_page()
    pdf.set_font("dejavu", size=12)
    pdf.text(20, 20, "Une page de texte.")
    pdf.add_page()
    pdf.rect(20, 20, 100, 60, style="F")
    pdf.output(str(path))
    document = read_document(path)
    assert [b.text for b in document.blocks] == ["Une page de texte."]
    assert document.notice == f"{path}: page(s) 2 have no text layer (scanned?); their text is missing"


def test_encrypted_pdf_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "locked.pdf"
    pdf = fpdf.FPDF()
    pdf.set_encryption(owner_password="owner", user_password="secret")  # RC4: no cryptography package needed
    pdf.add_page()
    pdf.add_font("dejavu", fname=font_path())
    pdf.set_font("dejavu", size=12)
    pdf.text(20, 20, "Texte secret.")
    pdf.output(str(path))
    with pytest.raises(DataError, match=r"locked\.pdf: encrypted PDF \(needs a password\)"):
        read_document(path)


def test_pdf_with_only_an_owner_password_is_read(tmp_path: Path) -> None:
    path = tmp_path / "restricted.pdf"
    pdf = fpdf.FPDF()
    pdf.set_encryption(owner_password="owner")  # encrypted, opens without a password (copy restrictions)
    pdf.add_page()
    pdf.add_font("dejavu", fname=font_path())
    pdf.set_font("dejavu", size=12)
    pdf.text(20, 20, "Texte protégé.")
    pdf.output(str(path))
    assert [b.text for b in read_document(path).blocks] == ["Texte protégé."]


def test_truncated_pdf_is_refused(seed_pdf: Path, tmp_path: Path) -> None:
    path = tmp_path / "cut.pdf"
    path.write_bytes(seed_pdf.read_bytes()[:400])
    with pytest.raises(DataError, match=r"cut\.pdf: not a readable PDF"):
        read_document(path)


def test_errors_are_one_line(tmp_path: Path) -> None:
    path = tmp_path / "empty.pdf"
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.output(str(path))
    with pytest.raises(DataError) as info:
        read_document(path, "pdf")
    assert "\n" not in str(info.value)
