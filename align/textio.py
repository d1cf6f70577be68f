"""Reading text the way users hand it to us, and writing outputs atomically.

Files arrive as UTF-8, UTF-8/UTF-16/UTF-32 with a BOM, Latin-1/Windows-1252, with CRLF line ends, or as
something that is not text at all. :func:`read_text` decodes what can be decoded (saying so
when it guessed) and refuses the rest with a :class:`DataError` naming the file.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from charset_normalizer import from_bytes

from align.errors import DataError

# Legacy encodings French text plausibly comes in; tried only after strict UTF-8 fails.
_FALLBACK_ENCODINGS = ("cp1252", "latin-1")
# What editors put in front of UTF-8 and of Windows "Unicode" (UTF-16) text, with the codec
# that reads and drops the mark. UTF-32 first: its little-endian mark begins with UTF-16's.
_BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True)
class TextFile:
    """Decoded text plus how it was decoded; ``notice`` is set when the encoding was guessed."""

    name: str
    text: str
    encoding: str
    notice: str | None = None


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls > max(8, len(sample) // 50)


def _decode_marked(data: bytes, name: str) -> TextFile | None:
    """Text that starts with a byte-order mark, decoded as the mark says; None without one."""
    for bom, encoding in _BYTE_ORDER_MARKS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise DataError(
                    f"{name}: starts with a {exc.encoding.upper()} byte-order mark but is not valid "
                    f"{exc.encoding.upper()} ({exc.reason}); save it again as UTF-8"
                ) from None
            # Binary content can start with these bytes too: judge what the mark decodes to.
            if _looks_binary(text[:8192].encode("utf-8")):
                raise DataError(f"{name}: not a text file (binary content)")
            return TextFile(name, text, encoding)
    return None


def decode_bytes(data: bytes, name: str) -> TextFile:
    """Decode ``data`` (the contents of ``name``) or raise :class:`DataError`."""
    marked = _decode_marked(data, name)
    if marked is not None:
        return marked
    if _looks_binary(data):
        raise DataError(f"{name}: not a text file (binary content)")
    try:
        return TextFile(name, data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    encoding = best.encoding if best is not None else None
    if encoding not in _FALLBACK_ENCODINGS:
        # charset-normalizer often says cp1250/latin_1 for short French text; prefer cp1252,
        # which is what Windows editors in France write.
        encoding = "cp1252"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        text = data.decode("latin-1")
        encoding = "latin-1"
    return TextFile(name, text, encoding, f"{name}: not UTF-8, decoded as {encoding}")


def read_bytes(path: str | Path) -> bytes:
    """A file's bytes, with a missing, unreadable or directory path refused in one line."""
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DataError(f"{path}: is a directory, expected a file") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot read ({exc.strerror})") from exc


def read_text(path: str | Path) -> TextFile:
    """Read a text file (``-`` for stdin), refusing missing, binary and empty input."""
    name = str(path)
    if name == "-":
        data = sys.stdin.buffer.read()
        name = "<stdin>"
    else:
        data = read_bytes(path)
    decoded = decode_bytes(data, name)
    if not decoded.text.strip():
        raise DataError(f"{name}: empty file")
    return decoded


def read_lines(path: str | Path) -> list[str]:
    """One item per non-blank line, stripped (for presegmented input)."""
    return [line.strip() for line in read_text(path).text.splitlines() if line.strip()]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def _writing(target: Path) -> Iterator[None]:
    """Our own file operations' OS errors as one line naming the output (a file where a folder
    should be, a full disk), not a traceback."""
    try:
        yield
    except OSError as exc:
        culprit = f": {exc.filename}" if exc.filename and str(exc.filename) != str(target) else ""
        raise DataError(f"{target}: cannot write ({exc.strerror}{culprit})") from None


@contextlib.contextmanager
def atomic_writer(path: str | Path, mode: str = "w") -> Iterator:
    """Open a temporary file beside ``path``; rename it over ``path`` only on success."""
    target = Path(path)
    if target.is_dir():
        raise DataError(f"{target}: is a folder; give the name of a file to write")
    with _writing(target):
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.fchmod(fd, 0o666 & ~_umask())  # mkstemp's 0600 would make outputs private to their writer
    try:
        with os.fdopen(fd, mode, **({} if "b" in mode else {"encoding": "utf-8", "newline": "\n"})) as fh:
            yield fh
            with _writing(target):
                fh.flush()
                os.fsync(fh.fileno())
        with _writing(target):
            os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_text_atomic(path: str | Path, text: str) -> None:
    with atomic_writer(path) as fh:
        fh.write(text)


def write_bytes_atomic(path: str | Path, data: bytes) -> None:
    with atomic_writer(path, "wb") as fh:
        fh.write(data)
