"""Reading and writing alignment files and parallel corpora.

Beads use the Vecalign/Bertalign text form, one per line: ``[0]:[0, 1]`` (0-based ids;
``[3]:[]`` is an unaligned source sentence).

Corpora (lists of :class:`~align.records.Pair`) go out and come back in four formats:

- ``jsonl``: the canonical record, one ``Pair.to_dict()`` object a line.
- ``tsv``: a header line, then one pair a line; backslash, tab, newline, carriage return
  (``\\t`` ...) and other control characters (``\\xHH``) inside fields are backslash-escaped
  and ``\\N`` stands for a missing value (the PostgreSQL ``COPY`` text convention), so every
  field survives a round trip. Lists (ids, flags) are comma-separated, commas in flags escaped.
- ``tmx``: TMX 1.4b for CAT tools, one ``tu`` per bead (:mod:`align.tmx`).
- ``moses``: two line-parallel plain-text files ``PATH.fr`` / ``PATH.en`` for MT training;
  only beads with text on both sides are written, line breaks inside a side become spaces
  and other control characters are dropped.

For every format, export → import → export gives identical bytes.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

import jsonlines

from align.errors import DataError
from align.records import Bead, Pair, locator_from_text, locator_text
from align.textio import atomic_writer, read_bytes, read_text
from align.tmx import drop_forbidden, format_tmx, parse_tmx, write_tmx

CORPUS_FORMATS = ("jsonl", "tsv", "tmx", "moses")

_FORMAT_BY_SUFFIX = {".jsonl": "jsonl", ".tsv": "tsv", ".tmx": "tmx"}

# ---------------------------------------------------------------------------------------------
# Beads

_BEAD_LINE = re.compile(r"^\s*\[([\d,\s]*)\]\s*:\s*\[([\d,\s]*)\]\s*$")


def _ids(field: str) -> tuple[int, ...]:
    return tuple(int(x) for x in field.replace(",", " ").split())


def check_beads(
    beads: Sequence[Bead],
    name: str,
    *,
    n_src: int | None = None,
    n_tgt: int | None = None,
    lines: Sequence[int] | None = None,
) -> None:
    """Refuse ids outside ``[0, n)`` (when a count is given) and sentences used by two beads.

    ``lines`` gives each bead's line number in ``name``; by default bead *i* is line *i + 1*,
    as :func:`format_beads` writes them.
    """
    owner: dict[tuple[str, int], int] = {}
    for index, bead in enumerate(beads):
        line = lines[index] if lines is not None else index + 1
        for side, ids, count in (("source", bead.src, n_src), ("target", bead.tgt, n_tgt)):
            for sid in ids:
                if count is not None and sid >= count:
                    raise DataError(
                        f"{name}:{line}: {side} sentence {sid} out of range "
                        f"(the document has {count} {side} sentences)"
                    )
                first = owner.setdefault((side, sid), line)
                if first != line:
                    raise DataError(
                        f"{name}:{line}: {side} sentence {sid} is already in the bead on line {first}"
                    )


def parse_beads(
    text: str, name: str = "<beads>", *, n_src: int | None = None, n_tgt: int | None = None
) -> list[Bead]:
    """Parse bead lines, naming the file and line of the first malformed one.

    Given sentence counts, also refuse out-of-range ids and overlapping beads (:func:`check_beads`).
    """
    beads, lines = [], []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        match = _BEAD_LINE.match(line)
        if match is None:
            raise DataError(f"{name}:{lineno}: not a bead line like '[0]:[0, 1]': {line.strip()[:60]!r}")
        beads.append(Bead(_ids(match[1]), _ids(match[2])))
        lines.append(lineno)
    if n_src is not None or n_tgt is not None:
        check_beads(beads, name, n_src=n_src, n_tgt=n_tgt, lines=lines)
    return beads


def read_beads(path: str | Path, *, n_src: int | None = None, n_tgt: int | None = None) -> list[Bead]:
    return parse_beads(read_text(path).text, str(path), n_src=n_src, n_tgt=n_tgt)


def format_beads(beads: Iterable[Bead]) -> str:
    return "".join(bead.to_vecalign() + "\n" for bead in beads)


# ---------------------------------------------------------------------------------------------
# Corpora: dispatch


def guess_corpus_format(path: str | Path) -> str:
    """The corpus format a file name implies (``.jsonl``, ``.tsv``, ``.tmx``)."""
    fmt = _FORMAT_BY_SUFFIX.get(Path(path).suffix.lower())
    if fmt is None:
        raise DataError(
            f"{path}: cannot tell the corpus format from the file name; "
            f"name one of {', '.join(CORPUS_FORMATS)}"
        )
    return fmt


def _check_format(fmt: str) -> None:
    if fmt not in CORPUS_FORMATS:
        raise ValueError(f"unknown corpus format {fmt!r}; expected one of {', '.join(CORPUS_FORMATS)}")


def moses_paths(path: str | Path, src_lang: str = "fr-FR", tgt_lang: str = "en-GB") -> tuple[Path, Path]:
    """``PATH.fr`` and ``PATH.en``: the suffix is the primary language subtag."""
    suffixes = [lang.replace("_", "-").split("-")[0].lower() for lang in (src_lang, tgt_lang)]
    if suffixes[0] == suffixes[1]:
        raise ValueError(f"moses files need distinct languages, got {src_lang} and {tgt_lang}")
    return Path(f"{path}.{suffixes[0]}"), Path(f"{path}.{suffixes[1]}")


def format_corpus(pairs: Sequence[Pair], fmt: str, *, src_lang: str = "fr-FR", tgt_lang: str = "en-GB") -> str:
    """The whole file as text, for the single-file formats (jsonl, tsv, tmx)."""
    _check_format(fmt)
    if fmt == "jsonl":
        return _format_jsonl(pairs)
    if fmt == "tsv":
        return _format_tsv(pairs)
    if fmt == "tmx":
        return format_tmx(pairs, src_lang, tgt_lang)
    raise ValueError("moses is two files: use write_corpus or format_moses")


def write_corpus(
    pairs: Sequence[Pair], path: str | Path, fmt: str, *, src_lang: str = "fr-FR", tgt_lang: str = "en-GB"
) -> list[Path]:
    """Write ``pairs`` atomically; return the files written (two for moses). TMX goes out a unit
    at a time, never as one tree."""
    _check_format(fmt)
    if fmt == "tmx":
        with atomic_writer(Path(path)) as fh:
            write_tmx(pairs, fh, src_lang, tgt_lang)
        return [Path(path)]
    if fmt == "moses":
        targets = moses_paths(path, src_lang, tgt_lang)
        texts = format_moses(pairs)
    else:
        targets = (Path(path),)
        texts = (format_corpus(pairs, fmt, src_lang=src_lang, tgt_lang=tgt_lang),)
    for target, text in zip(targets, texts):
        with atomic_writer(target) as fh:
            fh.write(text)
    return list(targets)


def read_corpus(
    path: str | Path, fmt: str | None = None, *, src_lang: str = "fr-FR", tgt_lang: str = "en-GB"
) -> list[Pair]:
    """Read a corpus; ``fmt`` defaults to the one the suffix implies.

    Malformed input raises :class:`DataError` naming the file and line. For moses, ``path``
    is the common prefix and the languages pick the two files.
    """
    fmt = fmt or guess_corpus_format(path)
    _check_format(fmt)
    if fmt == "moses":
        return _read_moses(path, src_lang, tgt_lang)
    if fmt == "tmx":
        return parse_tmx(read_bytes(Path(path)), str(path))
    text = _read_corpus_text(Path(path))
    return _parse_jsonl(text, str(path)) if fmt == "jsonl" else _parse_tsv(text, str(path))


def _read_corpus_text(path: Path) -> str:
    """Like :func:`read_text`, but a zero-byte file is an empty corpus, not an error."""
    if path.is_file() and path.stat().st_size == 0:
        return ""
    return read_text(path).text


def _split_records(text: str) -> Iterator[tuple[int, str]]:
    """Numbered lines split on ``\\n`` only (U+2028 and friends may sit inside a record)."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for lineno, line in enumerate(lines, 1):
        yield lineno, line.removesuffix("\r")


# ---------------------------------------------------------------------------------------------
# JSONL

_JSON_FIELD_TYPES: dict[str, Callable[[object], bool]] = {
    "doc": lambda v: isinstance(v, str),
    "src_ids": lambda v: isinstance(v, list) and all(type(i) is int for i in v),
    "tgt_ids": lambda v: isinstance(v, list) and all(type(i) is int for i in v),
    "src": lambda v: isinstance(v, str),
    "tgt": lambda v: isinstance(v, str),
    "draft": lambda v: v is None or isinstance(v, str),
    "score": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "bead": lambda v: isinstance(v, str),
    "flags": lambda v: isinstance(v, list) and all(isinstance(f, str) for f in v),
    "status": lambda v: v is None or isinstance(v, str),
}
_JSON_REQUIRED = ("doc", "src_ids", "tgt_ids", "src", "tgt")


def _canonical_row(pair: Pair) -> dict:
    """``Pair.to_dict()`` with numbers made plain (aligners hand over numpy scalars)."""
    row = pair.to_dict()
    row["src_ids"] = [int(i) for i in pair.src_ids]
    row["tgt_ids"] = [int(i) for i in pair.tgt_ids]
    row["score"] = float(pair.score)
    return row


def _format_jsonl(pairs: Sequence[Pair]) -> str:
    out = io.StringIO()
    with jsonlines.Writer(out, compact=True) as writer:
        writer.write_all(_canonical_row(pair) for pair in pairs)
    return out.getvalue()


def json_objects(text: str, name: str, required: Sequence[str] = ()) -> Iterator[tuple[int, dict]]:
    """Numbered JSON objects of a JSON-lines text, blank lines skipped; a bad line raises
    :class:`DataError` naming ``name`` and the line."""
    for lineno, line in _split_records(text):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataError(f"{name}:{lineno}: not valid JSON ({exc.msg}, column {exc.colno})") from None
        except RecursionError:  # json gives up on arrays or objects nested some thousand deep
            raise DataError(f"{name}:{lineno}: JSON nested too deeply to be a record") from None
        if not isinstance(row, dict):
            raise DataError(f"{name}:{lineno}: expected a JSON object, got {type(row).__name__}")
        missing = [key for key in required if key not in row]
        if missing:
            raise DataError(f"{name}:{lineno}: missing field(s) {', '.join(missing)}")
        yield lineno, row


def _parse_jsonl(text: str, name: str) -> list[Pair]:
    pairs = []
    for lineno, row in json_objects(text, name, _JSON_REQUIRED):
        wrong = [key for key, ok in _JSON_FIELD_TYPES.items() if key in row and not ok(row[key])]
        if wrong:
            raise DataError(f"{name}:{lineno}: wrong type for field(s) {', '.join(wrong)}")
        pairs.append(Pair.from_dict(row))
    return pairs


# ---------------------------------------------------------------------------------------------
# TSV

TSV_COLUMNS = (
    "source", "target", "score", "bead", "flags", "status", "draft", "doc", "src_ids", "tgt_ids", "locator",
)
_TSV_REQUIRED = ("source", "target")
_TSV_NULL = "\\N"
# Other C0 controls as \xHH: read_text would take a file full of them for binary.
_TSV_ESCAPES = {
    **{chr(c): f"\\x{c:02x}" for c in range(32)},
    **{"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"},
}
_TSV_ESCAPE_TABLE = str.maketrans(_TSV_ESCAPES)
_TSV_LIST_ITEM_TABLE = str.maketrans({**_TSV_ESCAPES, ",": "\\,"})
_TSV_UNESCAPES = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r", ",": ","}
_TSV_ESCAPE_SEQUENCE = re.compile(r"\\(x[0-9a-f]{2}|.)", re.S)
_TSV_LIST_TOKEN = re.compile(r"\\.|,|[^\\,]+|\\", re.S)


def _escape(text: str) -> str:
    return text.translate(_TSV_ESCAPE_TABLE)


def _unescape(field: str) -> str:
    """Undo :func:`_escape`; an unknown escape (a hand-edited file) is kept as written."""
    return _TSV_ESCAPE_SEQUENCE.sub(_unescape_one, field)


def _unescape_one(match: re.Match[str]) -> str:
    code = match[1]
    if len(code) == 3:
        return chr(int(code[1:], 16))
    return _TSV_UNESCAPES.get(code, match[0])


def _split_list(field: str) -> list[str]:
    """Split on commas that are not escaped, then unescape each item."""
    if not field:
        return []
    items, current = [], ""
    for token in _TSV_LIST_TOKEN.findall(field):
        if token == ",":
            items.append(current)
            current = ""
        else:
            current += token
    items.append(current)
    return [_unescape(item) for item in items]


def _optional(value: str | None) -> str:
    return _TSV_NULL if value is None else _escape(value)


def _tsv_row(pair: Pair) -> list[str]:
    return [
        _escape(pair.src),
        _escape(pair.tgt),
        repr(float(pair.score)),
        _escape(pair.bead),
        ",".join(flag.translate(_TSV_LIST_ITEM_TABLE) for flag in pair.flags),
        _optional(pair.status),
        _optional(pair.draft),
        _escape(pair.doc),
        ",".join(str(int(i)) for i in pair.src_ids),
        ",".join(str(int(i)) for i in pair.tgt_ids),
        _optional(locator_text(pair.locator)),
    ]


def _format_tsv(pairs: Sequence[Pair]) -> str:
    rows = [list(TSV_COLUMNS)] + [_tsv_row(pair) for pair in pairs]
    return "".join("\t".join(row) + "\n" for row in rows)


def _parse_tsv(text: str, name: str) -> list[Pair]:
    records = _split_records(text)
    header = next(records, None)
    if header is None:
        raise DataError(f"{name}: empty file, expected a header line ({', '.join(TSV_COLUMNS)})")
    columns = header[1].split("\t")
    unknown = [c for c in columns if c not in TSV_COLUMNS]
    if unknown or len(set(columns)) != len(columns) or not set(_TSV_REQUIRED) <= set(columns):
        raise DataError(
            f"{name}:1: bad header {header[1][:80]!r}: expected tab-separated column names from "
            f"{', '.join(TSV_COLUMNS)}, with source and target, each at most once"
        )
    pairs = []
    for lineno, line in records:
        if not line:
            continue
        fields = line.split("\t")
        if len(fields) != len(columns):
            raise DataError(f"{name}:{lineno}: {len(fields)} columns, the header has {len(columns)}")
        pairs.append(_tsv_pair(dict(zip(columns, fields)), f"{name}:{lineno}"))
    return pairs


def _tsv_pair(row: dict[str, str], where: str) -> Pair:
    def optional(column: str) -> str | None:
        value = row.get(column, _TSV_NULL)
        return None if value == _TSV_NULL else _unescape(value)

    try:
        src_ids = [int(i) for i in _split_list(row.get("src_ids", ""))]
        tgt_ids = [int(i) for i in _split_list(row.get("tgt_ids", ""))]
        score = float(row.get("score", "1.0"))
    except ValueError as exc:
        raise DataError(f"{where}: bad number ({exc})") from None
    return Pair(
        doc=_unescape(row.get("doc", "")),
        src_ids=src_ids,
        tgt_ids=tgt_ids,
        src=_unescape(row["source"]),
        tgt=_unescape(row["target"]),
        draft=optional("draft"),
        score=score,
        bead=_unescape(row["bead"]) if "bead" in row else f"{len(src_ids)}-{len(tgt_ids)}",
        flags=_split_list(row.get("flags", "")),
        status=optional("status"),
        locator=locator_from_text(optional("locator"), where),
    )




# ---------------------------------------------------------------------------------------------
# Moses


def _one_line(text: str) -> str:
    """Line breaks (all that ``str.splitlines`` knows) become spaces; other controls go."""
    return drop_forbidden(" ".join(text.splitlines()))


def format_moses(pairs: Sequence[Pair]) -> tuple[str, str]:
    """Source and target file texts; beads with an empty side have no place in them."""
    kept = [(_one_line(p.src), _one_line(p.tgt)) for p in pairs]
    kept = [(src, tgt) for src, tgt in kept if src.strip() and tgt.strip()]
    return "".join(src + "\n" for src, _ in kept), "".join(tgt + "\n" for _, tgt in kept)


def _read_moses(path: str | Path, src_lang: str, tgt_lang: str) -> list[Pair]:
    src_path, tgt_path = moses_paths(path, src_lang, tgt_lang)
    sides = [[line for _, line in _split_records(_read_corpus_text(p))] for p in (src_path, tgt_path)]
    if len(sides[0]) != len(sides[1]):
        raise DataError(f"{src_path} has {len(sides[0])} lines but {tgt_path} has {len(sides[1])}")
    doc = Path(path).name
    return [Pair(doc, [i], [i], src, tgt) for i, (src, tgt) in enumerate(zip(*sides))]
