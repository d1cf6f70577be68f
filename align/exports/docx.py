"""A bilingual DOCX: the French and its English side by side in a two-column table."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Sequence

from align.exports import ExportOptions, target_text
from align.formats import drop_forbidden
from align.records import Pair
from align.textio import write_bytes_atomic


def write(pairs: Sequence[Pair], path: Path, options: ExportOptions, fmt: str = "docx") -> None:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm

    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    section.left_margin = section.right_margin = Cm(1.5)
    names = sorted({pair.doc for pair in pairs if pair.doc})
    document.add_heading(", ".join(names) or "Bilingual document", level=1)
    table = document.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    header = table.rows[0]
    for cell, label in zip(header.cells, (f"French ({options.src_lang})", f"English ({options.tgt_lang})")):
        cell.paragraphs[0].add_run(label).bold = True
    repeat = OxmlElement("w:tblHeader")  # the header row repeats on every page
    repeat.set(qn("w:val"), "true")
    header._tr.get_or_add_trPr().append(repeat)
    for pair in pairs:
        cells = table.add_row().cells
        cells[0].text = drop_forbidden(pair.src)
        cells[1].text = drop_forbidden(target_text(pair, options.targets))
    buffer = io.BytesIO()
    document.save(buffer)
    write_bytes_atomic(path, buffer.getvalue())
