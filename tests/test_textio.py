"""Decoding what users hand us, refusing what is not text, and writing atomically."""

from __future__ import annotations

import codecs
import os

import pytest

from align.errors import DataError
from align.textio import atomic_writer, decode_bytes, read_text, write_text_atomic

FRENCH = "Déclaration des ministres : « préoccupation » à l’égard de la RPDC, été 2024.\n"


def test_utf8_is_read_without_notice(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(FRENCH, encoding="utf-8")
    decoded = read_text(path)
    assert decoded.text == FRENCH
    assert decoded.notice is None


def test_bom_is_stripped(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"\xef\xbb\xbf" + FRENCH.encode("utf-8"))
    assert read_text(path).text == FRENCH


@pytest.mark.parametrize(
    "encoding, bom",
    [("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE),
     ("utf-32-le", codecs.BOM_UTF32_LE), ("utf-32-be", codecs.BOM_UTF32_BE)],
)
def test_utf16_and_utf32_with_a_bom_are_read_like_utf8(tmp_path, encoding, bom):
    """What Windows Notepad saves as "Unicode" is UTF-16-LE with a BOM, CRLF and all."""
    path = tmp_path / "notepad.txt"
    path.write_bytes(bom + FRENCH.replace("\n", "\r\n").encode(encoding))
    decoded = read_text(path)
    assert decoded.text.replace("\r\n", "\n") == FRENCH
    assert decoded.notice is None


@pytest.mark.parametrize(
    "content, message",
    [
        (codecs.BOM_UTF8 + FRENCH.encode("cp1252"), "starts with a UTF-8 byte-order mark but is not valid UTF-8"),
        (codecs.BOM_UTF16_LE + FRENCH.encode("utf-16-le")[:-1], "not valid UTF-16-LE .truncated data."),
        (codecs.BOM_UTF16_LE + b"\x00\xd8a\x00", "not valid UTF-16-LE .illegal"),
        (codecs.BOM_UTF16_LE + b"\x01\x00\x02\x00" * 200, "binary content"),
    ],
    ids=["utf8-bom-then-cp1252", "utf16-odd-length", "utf16-lone-surrogate", "utf16-of-controls"],
)
def test_a_bom_that_lies_is_refused_in_one_line(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(DataError, match=message) as caught:
        read_text(path)
    assert "\n" not in str(caught.value) and str(caught.value).startswith(f"{path}: ")


def test_utf16_without_a_bom_is_still_refused_as_binary():
    with pytest.raises(DataError, match="binary"):
        decode_bytes(FRENCH.encode("utf-16-le"), "x")


def test_windows_1252_is_decoded_with_a_notice(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(FRENCH.encode("cp1252"))
    decoded = read_text(path)
    assert decoded.text == FRENCH
    assert decoded.encoding == "cp1252"
    assert "not UTF-8" in decoded.notice


def test_latin1_accents_survive():
    text = "Le général a été reçu à l'Élysée où il a dîné.\n"
    assert decode_bytes(text.encode("latin-1"), "x").text == text


@pytest.mark.parametrize(
    "content, message",
    [(b"", "empty file"), (b"  \n\r\n ", "empty file"), (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary")],
)
def test_unusable_files_are_refused(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(DataError, match=message):
        read_text(path)


def test_missing_file_and_directory_are_refused(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        read_text(tmp_path / "nope.txt")
    with pytest.raises(DataError, match="is a directory"):
        read_text(tmp_path)


def test_atomic_writer_leaves_nothing_on_failure(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_writer(target) as fh:
            fh.write("half")
            raise RuntimeError("crash")
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["out.txt"]


@pytest.mark.parametrize(
    "target, message",
    [
        ("a-file/out.txt", r"a-file/out\.txt: cannot write \(File exists: .*a-file\)"),
        ("a-file/sub/out.txt", r"a-file/sub/out\.txt: cannot write \(Not a directory: .*a-file/sub\)"),
        ("a-folder", r"a-folder: is a folder; give the name of a file to write"),
    ],
    ids=["parent-is-a-file", "grandparent-is-a-file", "target-is-a-folder"],
)
def test_a_place_that_cannot_be_written_is_one_data_error(tmp_path, target, message):
    (tmp_path / "a-file").write_text("x")
    (tmp_path / "a-folder").mkdir()
    with pytest.raises(DataError, match=message):
        write_text_atomic(tmp_path / target, "text")
    assert sorted(os.listdir(tmp_path)) == ["a-file", "a-folder"]  # no temporary file left behind
    assert os.listdir(tmp_path / "a-folder") == []


def test_atomic_writer_gives_ordinary_permissions(tmp_path):
    target = tmp_path / "out.txt"
    with atomic_writer(target) as fh:
        fh.write("x")
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask
