"""PDF: the text layer in reading order, as paragraphs with their page number.

A PDF holds positioned glyphs, not paragraphs. pypdfium2 (PDFium, the fastest and most faithful
of the readers compared in eval/bench_pdf.py) gives each character and its box; from the
boxes this module rebuilds lines, drops running headers, footers and page numbers (lines in the
page margins repeated across pages), reads a two-column page column by column, cuts paragraphs
at vertical gaps, font-size changes and indents, carries a paragraph over a column or page
break (past the footnotes at the foot of the page), and rejoins words hyphenated at a line end
while keeping the hyphen of compounds ("détermi-/nation" becomes "détermination", "nord-/coréennes"
stays "nord-coréennes"). Not handled: tables (read as columns or lines), three or more columns,
rotated text; a PDF that needs a password is refused, one with only an owner password is read.
"""

from __future__ import annotations

import gzip
import re
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

from align.documents.model import Document, Probe, RawBlock, build_document
from align.errors import DataError

name = "pdf"
description = "PDF (with a text layer)"

# Running headers and footers live in the top and bottom bands of a page.
_MARGIN_BAND = 0.12
_ROMAN = r"(?=[ivxlc])c{0,3}(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})"
_PAGE_NUMBER = re.compile(
    rf"(?:page|p\.)?\s*[-–—]?\s*(?:#|{_ROMAN})\s*[-–—]?(?:\s*(?:/|sur|of|de)\s*#)?", re.IGNORECASE
)
_TERMINAL = tuple(".!?…:;»\"”)")
_BULLETS = tuple("•◦▪‣–-*●")
# PDFium reports a hyphen it takes for a word split at a line end as U+FFFE (older builds: U+0002).
_HYPHENS = ("-", "\u2010", "\u00ad", "\ufffe", "\x02")
# Before these, a hyphen at a line end belongs to a compound: nord-coréen, ex-président.
_COMPOUND_PREFIXES = frozenset(
    "nord sud est ouest ex anti après arrière avant demi semi mi non sous vice contre extra "
    "néo post pré pro quasi self".split()
)
# A line that starts with one of these finishes a word ("magnifique-/ment"), even where the
# joined form is in no list.
_SUFFIXES = frozenset("ment ments tion tions sion sions ique iques able ables ible ibles isme ismes iste istes "
                      "ness ing ings ly ity ities".split())
_NOTE_MARK = re.compile(r"(?:\d{1,3}[.)]?\s+|[*†‡§¹²³⁴⁵⁶⁷⁸⁹⁰]+\s*)[^\W\d_]")
_WORD = re.compile(r"[^\W\d_]+(?:[-\u2010][^\W\d_]+)*")
_WORDS_FILE = Path(__file__).with_name("pdf_words.txt.gz")


@dataclass
class _Line:
    """One line of text on a page; coordinates in points from the page's top left corner."""

    page: int
    x0: float
    x1: float
    top: float
    bottom: float
    text: str = ""

    @property
    def height(self) -> float:
        return self.bottom - self.top


def sniff(probe: Probe) -> bool:
    return b"%PDF-" in probe.head[:1024]


def read(path: str) -> Document:
    pages = _page_lines(path)
    raws = _blocks_from_pages(pages) if any(pages) else []
    if not raws:  # not a character, or only page numbers stamped on scanned pages
        raise DataError(f"{path}: no text layer: scanned? run OCR first (e.g. ocrmypdf) and read the result")
    empty = [str(number) for number, lines in enumerate(pages, 1) if not lines]
    notice = None
    if empty:
        notice = f"{path}: page(s) {', '.join(empty)} have no text layer (scanned?); their text is missing"
    return build_document(path, name, raws, notice=notice)


def _page_lines(path: str) -> list[list[_Line]]:
    """Each page's lines in the order of the content stream."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise DataError(f"{path}: encrypted PDF (needs a password); decrypt it first "
                            "(qpdf --decrypt --password=... in.pdf out.pdf)") from exc
        raise DataError(f"{path}: not a readable PDF ({exc}); is the file truncated?") from exc
    try:
        return [_lines_of(pdf[index], index + 1) for index in range(len(pdf))]
    finally:
        pdf.close()


def _lines_of(page, number: int) -> list[_Line]:
    """Characters grouped into lines: a new line where PDFium breaks one, the baseline moves,
    or a gap wider than a column gutter opens (two columns printed line by line)."""
    textpage = page.get_textpage()
    page_height = page.get_height()
    text = textpage.get_text_range()
    lines: list[_Line] = []
    heights: defaultdict[int, Counter] = defaultdict(Counter)
    line: _Line | None = None
    space = False
    for index, char in enumerate(text):
        if char in "\r\n":
            line = None
            continue
        if char.isspace():
            space = True
            continue
        left, bottom, right, top = textpage.get_charbox(index, loose=True)
        top, bottom = page_height - top, page_height - bottom
        height = bottom - top
        if line is not None:
            middle = (top + bottom) / 2
            if not line.top <= middle <= line.bottom or left - line.x1 > 1.5 * height or left < line.x1 - height:
                line = None
            elif space or left - line.x1 > 0.25 * height:
                line.text += " "
        if line is None:
            line = _Line(number, left, right, top, bottom)
            lines.append(line)
        line.text += char
        line.x1 = max(line.x1, right)
        heights[id(line)][(top, bottom)] += 1
        space = False
    textpage.close()
    page.close()
    for line in lines:  # the line's extent is its commonest character box, not a bullet's or symbol's
        line.top, line.bottom = heights[id(line)].most_common(1)[0][0]
    return lines


def _blocks_from_pages(pages: Sequence[Sequence[_Line]]) -> list[RawBlock]:
    """The document's paragraphs in reading order, headers, footers and page numbers left out."""
    running = _running_lines(pages)
    runs = [run for lines in pages for run in _column_runs([ln for ln in lines if id(ln) not in running])]
    known = _document_words(line.text for lines in pages for line in lines)
    type_ = _Typesetting.of(runs)
    spacing = _line_spacing(runs)
    paragraphs: list[list[_Line]] = []
    for run in runs:
        left, right = min(line.x0 for line in run), max(line.x1 for line in run)
        current = _interrupted(paragraphs, run[0], type_)
        if current is None:
            current = []
            paragraphs.append(current)
        current.append(run[0])
        for line in run[1:]:
            if _paragraph_break(current, line, left, right, spacing):
                current = []
                paragraphs.append(current)
            current.append(line)
    title_height = max((p[0].height for p in paragraphs if p[0].page == 1), default=0)
    return [
        _raw_block(paragraph, known, type_, title_height, index == 0) for index, paragraph in enumerate(paragraphs)
    ]


@dataclass(frozen=True)
class _Typesetting:
    """What the kinds of blocks are told by: the body text's line height, and on each page the
    bottom of its lowest body-size line (footnotes stand below it)."""

    body: float
    foot: dict[int, float]

    @classmethod
    def of(cls, runs: Sequence[Sequence[_Line]]) -> "_Typesetting":
        lines = [line for run in runs for line in run]
        body = _body_height(lines)
        foot: dict[int, float] = {}
        for line in lines:
            if line.height >= 0.9 * body:
                foot[line.page] = max(foot.get(line.page, 0.0), line.bottom)
        return cls(body, foot)


def _running_lines(pages: Sequence[Sequence[_Line]]) -> set[int]:
    """Lines in a page's top or bottom band that are page numbers or recur in the band of another
    page, the same text but for numbers standing alone ("Rapport — page 3"): a chapter's
    running header may recur only on the even pages of a short chapter."""
    def key(line: _Line) -> str:
        # Case kept and numbers joined to a word kept ("0-2 ans" and "0-3 ans" are two lines of a
        # table, "ACLASTA" a title and "Aclasta" a sentence): only a number standing alone varies.
        return " ".join(re.sub(r"(?<![\w-])\d+(?![\w-])", "#", line.text).split())

    def banded(lines: Sequence[_Line]) -> list[_Line]:
        if not lines:
            return []
        top, bottom = min(ln.top for ln in lines), max(ln.bottom for ln in lines)
        band = max((bottom - top) * _MARGIN_BAND, max(ln.height for ln in lines))  # a lone line is in the band
        return [ln for ln in lines if ln.bottom <= top + band or ln.top >= bottom - band]

    candidates = [banded(lines) for lines in pages]
    recurring = Counter(k for lines in candidates for k in {key(ln) for ln in lines})
    return {
        id(line)
        for lines in candidates
        for line in lines
        if _PAGE_NUMBER.fullmatch(key(line)) or recurring[key(line)] >= 2
    }


def _column_runs(lines: Sequence[_Line]) -> list[list[_Line]]:
    """A page's lines as runs read top to bottom: a two-column stretch gives its left column,
    then its right one; a line across the gutter (a title, a full-width paragraph) ends it."""
    if not lines:
        return []
    ordered = sorted(lines, key=lambda ln: (ln.top, ln.x0))
    gutter = _gutter(ordered)
    if gutter is None:
        return [ordered]
    runs: list[list[_Line]] = []
    left: list[_Line] = []
    right: list[_Line] = []
    across: list[_Line] = []

    def flush_columns() -> None:
        runs.extend(column for column in (left[:], right[:]) if column)
        left.clear()
        right.clear()

    for line in ordered:
        if line.x1 <= gutter or line.x0 >= gutter:
            if across:
                runs.append(across[:])
                across.clear()
            (left if line.x1 <= gutter else right).append(line)
        else:
            flush_columns()
            across.append(line)
    flush_columns()
    if across:
        runs.append(across)
    return runs


def _gutter(lines: Sequence[_Line]) -> float | None:
    """The x of the space between two columns, if at least three lines stand on each side of it."""
    x_min, x_max = min(ln.x0 for ln in lines), max(ln.x1 for ln in lines)
    best: tuple[int, float] | None = None
    for step in range(30, 71):
        x = x_min + (x_max - x_min) * step / 100
        left = sum(1 for ln in lines if ln.x1 <= x)
        right = sum(1 for ln in lines if ln.x0 >= x)
        if min(left, right) >= 3 and (best is None or left + right > best[0]):
            best = (left + right, x)
    return best[1] if best else None


def _line_spacing(runs: Sequence[Sequence[_Line]]) -> dict[float, float]:
    """For each line height, the distance from one line's top to the next inside a paragraph:
    the lower quartile of those distances, since the larger ones are paragraph gaps."""
    pitches: dict[float, list[float]] = {}
    for run in runs:
        for previous, line in zip(run, run[1:]):
            pitch = line.top - previous.top
            if abs(previous.height - line.height) < 0.05 * line.height and 0 < pitch < 3 * line.height:
                pitches.setdefault(round(line.height, 1), []).append(pitch)
    return {
        height: statistics.quantiles(values, n=4)[0] if len(values) > 1 else values[0]
        for height, values in pitches.items()
    }


def _paragraph_break(
    paragraph: Sequence[_Line], line: _Line, left: float, right: float, spacing: dict[float, float]
) -> bool:
    """Whether ``line`` starts a new paragraph inside one column rather than going on with ``paragraph``."""
    previous = paragraph[-1]
    height = min(previous.height, line.height)
    if abs(previous.height - line.height) > 0.1 * max(previous.height, line.height):
        return True
    if line.top - previous.top > spacing.get(round(previous.height, 1), 1.2 * previous.height) + 0.4 * height:
        return True
    if _is_bullet(line.text):
        return True
    if not _is_bullet(paragraph[0].text) and line.x0 > left + height and line.x0 - previous.x0 > 0.5 * height:
        return True  # a first-line indent (a list item's following lines are indented too)
    return previous.text.endswith(_TERMINAL) and previous.x1 < right - 4 * previous.height


def _is_footnote(paragraph: Sequence[_Line], type_: _Typesetting) -> bool:
    """Smaller than the body text, below it on the page, opening with a note mark: "1 Voir …",
    "* …", "¹ …" (a code listing in small type has body text after it)."""
    first = paragraph[0]
    return (first.height < 0.9 * type_.body and first.top >= type_.foot.get(first.page, 0.0)
            and bool(_NOTE_MARK.match(first.text)))


def _is_bullet(text: str) -> bool:
    return text.startswith(_BULLETS) and text[1:2] == " "


def _interrupted(paragraphs: Sequence[list[_Line]], line: _Line, type_: _Typesetting) -> list[_Line] | None:
    """The paragraph a column or page break cut that ``line`` goes on with, if any: the last one,
    or the last before the footnotes set in smaller type at the foot of the page."""
    for paragraph in reversed(paragraphs):
        if _continues(paragraph, line):
            return paragraph
        if not _is_footnote(paragraph, type_):
            return None
    return None


def _continues(paragraph: Sequence[_Line], line: _Line) -> bool:
    """Whether a paragraph cut by a column or page break goes on with ``line``."""
    last = paragraph[-1]
    if abs(last.height - line.height) > 0.1 * max(last.height, line.height) or last.text.endswith(_TERMINAL):
        return False
    return line.text[:1].islower() or last.text.endswith((",", *_HYPHENS))


def _body_height(lines: Sequence[_Line]) -> float:
    """The line height most of the text is set in."""
    weights = Counter()
    for line in lines:
        weights[round(line.height, 1)] += len(line.text)
    return weights.most_common(1)[0][0] if weights else 0.0


def _raw_block(
    paragraph: Sequence[_Line], known: frozenset[str], type_: _Typesetting, title_height: float, first: bool
) -> RawBlock:
    text = paragraph[0].text
    for line in paragraph[1:]:
        text = _join(text, line.text, known)
    height = paragraph[0].height
    if first and height > 1.15 * type_.body and height >= title_height:
        kind = "title"
    elif height > 1.1 * type_.body:
        kind = "heading"
    elif _is_footnote(paragraph, type_):
        kind = "footnote"
    elif _is_bullet(text):
        kind = "list-item"
    else:
        kind = "paragraph"
    pages = sorted({line.page for line in paragraph})
    locator = {"page": pages[0]} if len(pages) == 1 else {"page": pages[0], "until": {"page": pages[-1]}}
    return RawBlock(" ".join(text.split()), kind, locator)


def _join(text: str, following: str, known: frozenset[str]) -> str:
    """Two lines of a paragraph joined: by a space, or across a hyphenated line end."""
    if text.endswith(_HYPHENS) and len(text) > 1 and text[-2].isalpha() and following[:1].isalpha():
        left = _WORD.findall(text[:-1])[-1] if _WORD.findall(text[:-1]) else ""
        right_match = _WORD.match(following)
        right = right_match.group() if right_match else ""
        if text[-1] != "\u00ad" and keeps_hyphen(left, right, known):
            return text[:-1] + "-" + following
        return text[:-1] + following
    return f"{text} {following}"


def keeps_hyphen(left: str, right: str, known: frozenset[str] = frozenset()) -> bool:
    """Whether ``left-`` at a line end followed by ``right`` is a compound (hyphen kept) rather
    than one word the typesetter cut. Evidence, strongest first: a capital or a compound prefix,
    then the hyphenated or joined form in the document, then in the word list, then a suffix."""
    if right[:1].isupper() or left.lower().rsplit("-", 1)[-1] in _COMPOUND_PREFIXES:
        return True
    hyphenated, joined = f"{left}-{right}".lower(), f"{left}{right}".lower()
    for words in (known, _word_list()):
        if hyphenated in words:
            return True
        if joined in words:
            return False
    words = _word_list()
    if right.lower() in _SUFFIXES:
        return False
    return left.lower() in words and right.lower() in words


def _document_words(texts: Iterable[str]) -> frozenset[str]:
    """Every word of the document, lower-cased; a word cut at a line end is found whole elsewhere."""
    return frozenset(word.lower().replace("\u2010", "-") for text in texts for word in _WORD.findall(text))


@lru_cache(maxsize=1)
def _word_list() -> frozenset[str]:
    """French and English words of four letters or more (scripts/build_pdf_words.py)."""
    return frozenset(gzip.decompress(_WORDS_FILE.read_bytes()).decode("utf-8").split())
