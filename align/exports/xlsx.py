"""A review sheet: one row per pair, low-confidence rows highlighted, header frozen, text wrapped."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Sequence

from align.exports import ExportOptions
from align.formats import drop_forbidden
from align.records import LOW_CONFIDENCE_SCORE, Pair
from align.textio import write_bytes_atomic

# (header, width in characters): wide enough for a sentence to wrap over two or three lines.
COLUMNS = (
    ("id", 7), ("French", 60), ("English reference", 60), ("Draft", 60), ("Confidence", 12), ("Bead", 7),
    ("Flags", 30), ("Status", 11), ("Document", 18), ("Location", 18),
)
LOW_CONFIDENCE_FILL = "FFF4CCCC"
HEADER_FILL = "FFDDE4EE"


def _row(number: int, pair: Pair) -> list:
    from align.documents import locator_label

    cells = [number, pair.src, pair.tgt, pair.draft or "", pair.score, pair.bead, ", ".join(pair.flags),
             pair.status or "", pair.doc, locator_label(pair.locator)]
    return [drop_forbidden(cell) if isinstance(cell, str) else cell for cell in cells]


def write(pairs: Sequence[Pair], path: Path, options: ExportOptions, fmt: str = "xlsx") -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "pairs"
    sheet.append([header for header, _ in COLUMNS])
    for column, (_, width) in enumerate(COLUMNS, 1):
        sheet.column_dimensions[get_column_letter(column)].width = width
        cell = sheet.cell(row=1, column=column)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
    wrap = Alignment(wrap_text=True, vertical="top")
    low = PatternFill("solid", fgColor=LOW_CONFIDENCE_FILL)
    for number, pair in enumerate(pairs, 1):
        sheet.append(_row(number, pair))
        for cell in sheet[number + 1]:
            cell.alignment = wrap
            if pair.score < LOW_CONFIDENCE_SCORE:
                cell.fill = low
        sheet.cell(row=number + 1, column=5).number_format = "0.00"
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{len(pairs) + 1}"
    buffer = io.BytesIO()
    book.save(buffer)
    write_bytes_atomic(path, buffer.getvalue())
