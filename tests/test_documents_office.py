"""DOCX, ODT and Markdown: reading blocks with kinds and locators, writing translations back in
the source's own format, and refusing bad input. Fixtures are built here from the seed
statement, with its "Partager" share button left out as a real page has it."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from align.blocks import segment_document
from align.documents import detect_format, read_document, writer_for
from align.errors import DataError
from align.segment import segment

SEED = Path(__file__).resolve().parents[1] / "source" / "dprk-troops-2024-11-05.fr.txt"


def seed_paragraphs() -> list[str]:
    """Title, then the four paragraphs of the statement, without the "Partager" button."""
    paragraphs = [p.strip() for p in SEED.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    assert paragraphs[1] == "Partager"
    return [paragraphs[0]] + paragraphs[2:]


def seed_sentences() -> list[str]:
    return [s.text for s in segment(SEED.read_text(encoding="utf-8"), "fr") if s.text != "Partager"]


def sentences(path: Path, kinds=None) -> list[str]:
    return [s.text for s in segment_document(read_document(path), "fr") if kinds is None or s.kind in kinds]


def rezip(source: Path, target: Path, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None) -> Path:
    """A copy of a zip container with members replaced or added."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info, (replace or {}).get(info.filename, old.read(info.filename)))
        for member, data in (add or {}).items():
            new.writestr(member, data)
    return target


# --- DOCX ---------------------------------------------------------------------------------

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FOOTNOTES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:footnotes xmlns:w="{W}">
<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>
<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>
<w:footnote w:id="1"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr><w:r><w:footnoteRef/></w:r>
<w:r><w:t xml:space="preserve"> Texte de la note de bas de page.</w:t></w:r></w:p></w:footnote>
</w:footnotes>"""


def make_docx(path: Path, *, footnote: bool = False) -> Path:
    """Heading 1 title; a paragraph with tracked changes; one with a page-number field; a bold
    first run; a table holding the last two paragraphs; a header with a PAGE field."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    title, first, second, third, fourth = seed_paragraphs()
    document = docx.Document()
    document.add_heading(title, level=1)
    tracked = document.add_paragraph()
    tracked._p.append(parse_xml(
        f'<w:del {nsdecls("w")} w:id="1" w:author="R"><w:r><w:delText>Phrase supprimée. </w:delText></w:r></w:del>'))
    head, tail = first[:40], first[40:]
    tracked.add_run(head)
    tracked._p.append(parse_xml(
        f'<w:ins {nsdecls("w")} w:id="2" w:author="R"><w:r><w:t xml:space="preserve">{tail}</w:t></w:r></w:ins>'))
    field = document.add_paragraph(second)
    field._p.append(parse_xml(
        f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="begin"/></w:r>'))
    field._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'))
    field._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="separate"/></w:r>'))
    field._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:t>7</w:t></w:r>'))
    field._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="end"/></w:r>'))
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = third
    bold = table.cell(0, 1).paragraphs[0]
    words = fourth.split(" ")
    bold.add_run(" ".join(words[:3]) + " ").bold = True
    bold.add_run(" ".join(words[3:]))
    header = document.sections[0].header.paragraphs[0]
    header.text = "En-tête de page "
    header._p.append(parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>'))
    if footnote:
        from docx.opc.constants import RELATIONSHIP_TYPE
        from docx.opc.packuri import PackURI
        from docx.opc.part import Part

        part = Part(PackURI("/word/footnotes.xml"),
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
                    FOOTNOTES.encode(), document.part.package)
        document.part.relate_to(part, RELATIONSHIP_TYPE.FOOTNOTES)
        field._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:footnoteReference w:id="1"/></w:r>'))
    document.save(path)
    return path


def test_docx_reads_the_seed_sentences_without_tracked_deletions_fields_or_header(tmp_path):
    path = make_docx(tmp_path / "statement.docx")
    document = read_document(path)
    assert document.format == "docx"
    assert sentences(path) == seed_sentences()
    assert "supprimée" not in document.text and "En-tête" not in document.text
    assert [b.kind for b in document.blocks] == ["heading", "paragraph", "paragraph", "table-cell", "table-cell"]
    assert document.blocks[0].locator == {"paragraph": 1, "style": "Heading 1"}
    assert document.blocks[4].locator == {"paragraph": 5, "style": "Normal", "table": 1, "row": 1, "cell": 2}


def test_docx_footnotes_are_footnote_blocks_after_the_body(tmp_path):
    document = read_document(make_docx(tmp_path / "notes.docx", footnote=True))
    last = document.blocks[-1]
    assert (last.text, last.kind, last.locator) == (
        "Texte de la note de bas de page.", "footnote", {"footnote": "1", "style": "FootnoteText"})  # no such style in the template: its id
    assert [b.text for b in document.blocks[:-1]] == seed_paragraphs()


def test_docx_lists_links_text_boxes_once_and_no_table_of_contents(tmp_path):
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    document.add_paragraph("Sommaire", style="TOC Heading")
    document.add_paragraph("Premier point.", style="List Bullet")
    linked = document.add_paragraph("Voir le ")
    linked._p.append(parse_xml(f'<w:hyperlink {nsdecls("w", "r")} r:id="rId99"><w:r><w:t>lien</w:t></w:r></w:hyperlink>'))
    linked.add_run(".")
    boxed = document.add_paragraph("Avant la zone.")
    box = '<w:txbxContent><w:p><w:r><w:t>Texte de la zone.</w:t></w:r></w:p></w:txbxContent>'
    boxed._p.append(parse_xml(
        f'<w:r {nsdecls("w")} xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
        f'<mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>{box}</w:drawing></mc:Choice>'
        f'<mc:Fallback><w:pict>{box}</w:pict></mc:Fallback></mc:AlternateContent></w:r>'))
    path = tmp_path / "rich.docx"
    document.save(path)
    blocks = read_document(path).blocks
    assert [(b.text, b.kind) for b in blocks] == [
        ("Premier point.", "list-item"), ("Voir le lien.", "paragraph"), ("Avant la zone.", "paragraph"),
        ("Texte de la zone.", "paragraph")]
    assert blocks[0].locator == {"paragraph": 2, "style": "List Bullet"}


def test_docx_translation_keeps_heading_styles_run_styles_and_table(tmp_path):
    import docx

    source = make_docx(tmp_path / "statement.docx", footnote=True)
    document = read_document(source)
    texts = {block.id: f"English block {block.id}." for block in document.blocks}
    out = tmp_path / "draft.docx"
    writer_for("docx").write(document, texts, str(out))

    written = docx.Document(str(out))
    paragraphs = [p for p in written.paragraphs if p.text]
    assert (paragraphs[0].text, paragraphs[0].style.name) == ("English block 0.", "Heading 1")
    assert paragraphs[1].text == "English block 1."  # the tracked deletion is gone, the insertion accepted
    assert paragraphs[2].text == "English block 2.7"  # the page-number field's result stays a field
    cells = written.tables[0].rows[0].cells
    assert [c.text for c in cells] == ["English block 3.", "English block 4."]
    runs = cells[1].paragraphs[0].runs  # the translation went to the longer, plain run; the bold one is empty
    assert [(run.text, run.bold) for run in runs] == [("", True), ("English block 4.", None)]
    assert "En-tête de page" in written.sections[0].header.paragraphs[0].text
    with zipfile.ZipFile(out) as archive:
        xml = archive.read("word/document.xml").decode()
        assert "w:del " not in xml and "w:ins " not in xml
        assert "English block 5." in archive.read("word/footnotes.xml").decode()
    again = read_document(out)
    assert [b.text for b in again.blocks] == [texts[b.id] for b in document.blocks]
    assert [b.kind for b in again.blocks] == [b.kind for b in document.blocks]


def test_docx_writer_refuses_a_source_changed_since_it_was_read(tmp_path):
    import docx

    source = make_docx(tmp_path / "statement.docx")
    document = read_document(source)
    changed = docx.Document(str(source))
    changed.paragraphs[0].text = "Autre titre"
    changed.save(str(source))
    with pytest.raises(DataError, match="changed since it was read"):
        writer_for("docx").write(document, {}, str(tmp_path / "out.docx"))


def test_a_docx_named_txt_is_read_as_docx_and_a_png_named_docx_is_refused(tmp_path):
    disguised = shutil.copy(make_docx(tmp_path / "statement.docx"), tmp_path / "statement.txt")
    assert detect_format(disguised) == "docx"
    assert sentences(Path(disguised)) == seed_sentences()
    png = tmp_path / "image.docx"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    with pytest.raises(DataError, match=r"image\.docx: a PNG image"):
        read_document(png)


def test_truncated_docx_is_refused_in_one_line(tmp_path):
    data = make_docx(tmp_path / "statement.docx").read_bytes()
    cut = tmp_path / "cut.docx"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(DataError, match=r"cut\.docx: a truncated or corrupt DOCX") as caught:
        read_document(cut)
    assert "\n" not in str(caught.value)


def test_docx_zip_bomb_is_refused(tmp_path):
    bomb = rezip(make_docx(tmp_path / "statement.docx"), tmp_path / "bomb.docx", add={"word/media/big.bin": bytes(20 * 2**20)})
    with pytest.raises(DataError, match=r"bomb\.docx: refused: .*zip bomb"):
        read_document(bomb)


@pytest.mark.parametrize("doctype", [
    '<!DOCTYPE w:document [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>',
    '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    '<!DOCTYPE w:document SYSTEM "http://example.invalid/evil.dtd">',
], ids=["billion-laughs", "external-entity", "external-dtd"])
def test_docx_with_xml_entities_is_refused(tmp_path, doctype):
    source = make_docx(tmp_path / "statement.docx")
    with zipfile.ZipFile(source) as archive:
        xml = archive.read("word/document.xml").decode()
    declaration, rest = xml.split("?>", 1)
    body = rest.replace("<w:body>", "<w:body><w:p><w:r><w:t>&c;&xxe;</w:t></w:r></w:p>", 1)
    evil = rezip(source, tmp_path / "evil.docx", replace={"word/document.xml": (declaration + "?>" + doctype + body).encode()})
    with pytest.raises(DataError, match=r"evil\.docx: refused: .*entities or an external DTD"):
        read_document(evil)


def test_docx_with_malformed_xml_is_refused(tmp_path):
    source = make_docx(tmp_path / "statement.docx")
    with zipfile.ZipFile(source) as archive:
        xml = archive.read("word/document.xml")
    broken = rezip(source, tmp_path / "broken.docx", replace={"word/document.xml": xml[: len(xml) // 2]})
    with pytest.raises(DataError, match=r"broken\.docx: the DOCX part word/document\.xml is not well-formed XML"):
        read_document(broken)


def test_docx_without_text_is_refused(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("")
    document.add_table(rows=1, cols=1)
    document.save(tmp_path / "empty.docx")
    with pytest.raises(DataError, match=r"empty\.docx: no text found"):
        read_document(tmp_path / "empty.docx")


# --- ODT ----------------------------------------------------------------------------------

def make_odt(path: Path) -> Path:
    """Heading 1 title; a paragraph with a tracked deletion and a footnote; one with a page-number
    field; a list item; a table cell; a page-number field in the footer."""
    from odf.dc import Creator, Date
    from odf.namespaces import TEXTNS, XMLNS
    from odf.office import ChangeInfo
    from odf.opendocument import OpenDocumentText
    from odf.style import Footer, MasterPage, PageLayout, Style
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import (H, Change, ChangedRegion, Deletion, List, ListItem, Note, NoteBody,
                          NoteCitation, P, PageNumber, Span, TrackedChanges)

    title, first, second, third, fourth = seed_paragraphs()
    document = OpenDocumentText()
    heading_style = Style(name="Heading_20_1", displayname="Heading 1", family="paragraph")
    document.styles.addElement(heading_style)
    layout = PageLayout(name="Layout")
    document.automaticstyles.addElement(layout)
    master = MasterPage(name="Standard", pagelayoutname=layout)
    footer = Footer()
    footer_paragraph = P(text="Pied de page ")
    footer_paragraph.addElement(PageNumber(text="1"))
    footer.addElement(footer_paragraph)
    master.addElement(footer)
    document.masterstyles.addElement(master)

    changes = TrackedChanges()
    region = ChangedRegion(qattributes={(XMLNS, "id"): "ct1", (TEXTNS, "id"): "ct1"})
    deletion = Deletion()
    info = ChangeInfo()
    info.addElement(Creator(text="R"))
    info.addElement(Date(text="2024-11-05T00:00:00"))
    deletion.addElement(info)
    deletion.addElement(P(text="Phrase supprimée."))
    region.addElement(deletion)
    changes.addElement(region)
    document.text.addElement(changes)

    document.text.addElement(H(outlinelevel=1, stylename=heading_style, text=title))
    paragraph = P()
    paragraph.addElement(Change(changeid="ct1"))
    paragraph.addText(first[:40])
    paragraph.addElement(Span(text=first[40:]))
    note = Note(id="ftn1", noteclass="footnote")
    note.addElement(NoteCitation(text="1"))
    body = NoteBody()
    body.addElement(P(text="Texte de la note de bas de page."))
    note.addElement(body)
    paragraph.addElement(note)
    document.text.addElement(paragraph)
    with_field = P(text=second)
    with_field.addElement(PageNumber(text="7"))
    document.text.addElement(with_field)
    items = List()
    item = ListItem()
    item.addElement(P(text=third))
    items.addElement(item)
    document.text.addElement(items)
    table = Table(name="Tableau1")
    table.addElement(TableColumn())
    row = TableRow()
    cell = TableCell()
    cell.addElement(P(text=fourth))
    row.addElement(cell)
    table.addElement(row)
    document.text.addElement(table)
    document.save(str(path))
    return path


def test_odt_reads_the_seed_sentences_with_kinds_and_footnote(tmp_path):
    path = make_odt(tmp_path / "statement.odt")
    document = read_document(path)
    assert document.format == "odt"
    assert sentences(path, kinds={"heading", "paragraph", "list-item", "table-cell"}) == seed_sentences()
    assert "supprimée" not in document.text and "Pied de page" not in document.text
    assert [b.kind for b in document.blocks] == ["heading", "paragraph", "paragraph", "list-item", "table-cell",
                                                 "footnote"]
    assert document.blocks[0].locator == {"paragraph": 1, "style": "Heading 1"}
    assert document.blocks[4].locator["table"] == "Tableau1"
    assert (document.blocks[5].text, document.blocks[5].locator["footnote"]) == ("Texte de la note de bas de page.", "1")


def test_odt_translation_keeps_structure_and_styles(tmp_path):
    from odf import teletype
    from odf.opendocument import load
    from odf.table import TableCell
    from odf.text import H, Note, P, TrackedChanges

    source = make_odt(tmp_path / "statement.odt")
    document = read_document(source)
    texts = {block.id: f"English block {block.id}." for block in document.blocks}
    out = tmp_path / "draft.odt"
    writer_for("odt").write(document, texts, str(out))

    written = load(str(out))
    heading = written.text.getElementsByType(H)[0]
    assert teletype.extractText(heading) == "English block 0."
    assert heading.getAttribute("stylename") == "Heading_20_1"
    assert not written.text.getElementsByType(TrackedChanges)
    cell = written.text.getElementsByType(TableCell)[0]
    assert teletype.extractText(cell.getElementsByType(P)[0]) == "English block 4."
    note = written.text.getElementsByType(Note)[0]
    assert teletype.extractText(note.getElementsByType(P)[0]) == "English block 5."
    with zipfile.ZipFile(out) as archive:
        assert archive.infolist()[0].filename == "mimetype"
        assert archive.infolist()[0].compress_type == zipfile.ZIP_STORED
    again = read_document(out)
    assert [b.text for b in again.blocks] == [texts[b.id] for b in document.blocks]


def test_odt_collapses_white_space_as_odf_says(tmp_path):
    source = make_odt(tmp_path / "statement.odt")
    with zipfile.ZipFile(source) as archive:
        xml = archive.read("content.xml").decode()
    spaced = xml.replace("<text:p>Plusieurs milliers", "<text:p>\n    Plusieurs\n    milliers", 1)
    pretty = rezip(source, tmp_path / "pretty.odt", replace={"content.xml": spaced.encode()})
    assert [b.text for b in read_document(pretty).blocks] == [b.text for b in read_document(source).blocks]


def test_odt_bad_input_is_refused(tmp_path):
    data = make_odt(tmp_path / "statement.odt").read_bytes()
    cut = tmp_path / "cut.odt"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(DataError, match=r"cut\.odt: a truncated or corrupt ODT"):
        read_document(cut)
    bomb = rezip(tmp_path / "statement.odt", tmp_path / "bomb.odt", add={"Pictures/big.bin": bytes(20 * 2**20)})
    with pytest.raises(DataError, match="zip bomb"):
        read_document(bomb)


def test_odt_without_text_is_refused(tmp_path):
    from odf.opendocument import OpenDocumentText
    from odf.text import P

    document = OpenDocumentText()
    document.text.addElement(P(text="   "))
    document.save(str(tmp_path / "empty.odt"))
    with pytest.raises(DataError, match=r"empty\.odt: no text found"):
        read_document(tmp_path / "empty.odt")


# --- Markdown -----------------------------------------------------------------------------

def make_markdown(path: Path) -> Path:
    title, first, second, third, fourth = seed_paragraphs()
    middle = len(first) // 2
    cut = first.index(" ", middle)
    path.write_text(
        "---\ntitle: Déclaration\n---\n\n"
        f"# {title}\n\n"
        f"{first[:cut]}\n{first[cut + 1:]}\n\n"
        f"> {second}\n\n"
        "```text\nCode laissé de côté.\n```\n\n"
        f"- {third}\n\n"
        "<div>HTML laissé de côté.</div>\n\n"
        f"| Paragraphe |\n|---|\n| {fourth} |\n",
        encoding="utf-8",
    )
    return path


def test_markdown_reads_the_seed_sentences_and_leaves_out_code_html_front_matter(tmp_path):
    path = make_markdown(tmp_path / "statement.md")
    document = read_document(path)
    assert document.format == "markdown"
    assert [b.kind for b in document.blocks] == ["heading", "paragraph", "quote", "list-item", "table-cell",
                                                 "table-cell"]
    assert document.blocks[0].locator == {"line": 5, "level": 1}
    assert [s for s in sentences(path) if s != "Paragraphe"] == seed_sentences()  # less the table's header
    assert "laissé de côté" not in document.text and "title:" not in document.text


def test_markdown_translation_keeps_markup_and_what_was_left_out(tmp_path):
    from markdown_it import MarkdownIt

    source = make_markdown(tmp_path / "statement.md")
    document = read_document(source)
    texts = {block.id: f"English | block {block.id}." for block in document.blocks}
    texts[2] = "1. Not a list."
    out = tmp_path / "draft.md"
    writer_for("markdown").write(document, texts, str(out))
    written = out.read_text(encoding="utf-8")
    assert written.startswith("---\ntitle: Déclaration\n---\n")
    assert "# English | block 0.\n" in written
    assert "> 1\\. Not a list.\n" in written
    assert "```text\nCode laissé de côté.\n```" in written and "<div>HTML laissé de côté.</div>" in written
    assert "| English \\| block 5. |" in written
    types = [t.type for t in MarkdownIt("commonmark").enable("table").parse(written)]
    assert types.count("blockquote_open") == 1 and types.count("bullet_list_open") == 1
    assert "ordered_list_open" not in types and types.count("table_open") == 1
    again = read_document(out)
    assert [b.text for b in again.blocks] == [texts[b.id] for b in document.blocks]
    assert [b.kind for b in again.blocks] == [b.kind for b in document.blocks]


def test_markdown_is_told_by_its_suffix_and_a_binary_md_is_refused(tmp_path):
    text = tmp_path / "notes.txt"
    shutil.copy(make_markdown(tmp_path / "statement.md"), text)
    assert detect_format(tmp_path / "statement.md") == "markdown"
    assert detect_format(text) == "text"
    png = tmp_path / "image.md"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    with pytest.raises(DataError, match="PNG image"):
        read_document(png)


def test_markdown_with_nothing_but_code_is_refused(tmp_path):
    source = tmp_path / "code.md"
    source.write_text("```python\nprint('bonjour')\n```\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"code\.md: no text found"):
        read_document(source)


def test_markdown_with_crlf_line_ends_is_written_back_whole(tmp_path):
    source = tmp_path / "crlf.md"
    source.write_bytes("## Titre ##\r\n\r\n1. Une phrase\r\n   sur deux lignes.\r\n2. Deux.\r\n".encode())
    document = read_document(source)
    assert [b.text for b in document.blocks] == ["Titre", "Une phrase sur deux lignes.", "Deux."]
    out = tmp_path / "draft.md"
    writer_for("markdown").write(document, {0: "Title", 1: "A sentence on two lines.", 2: "Two."}, str(out))
    assert out.read_text(encoding="utf-8") == "## Title ##\n\n1. A sentence on two lines.\n2. Two.\n"
