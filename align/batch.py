"""Corpus building at scale: every document pair of a manifest through the ``align run`` pipeline.

``run_batch(manifest, out)`` writes::

    out/docs/<id>/          what `align run` writes for that pair, plus done.json (written last)
    out/corpus.jsonl        all pairs of the finished documents, in manifest order
    out/corpus.parquet      the same rows (polars)
    out/corpus.tmx          the same rows, on request
    out/summary.tsv         one row per document: counts, bead types, confidence, status, reason
    out/summary.parquet

Documents run in a pool of worker processes (``engine="local"``) or in Ray actors
(``engine="ray"``); each worker loads its models once and caps its threads so that the workers
share the cores instead of fighting over them. A document whose ``done.json`` matches the
current inputs and options is never redone, so a killed job continues where it stopped; a
document with bad data (:class:`DataError`) is recorded as failed and the others go on.

Heavy modules (numpy, torch, the pipeline) are imported inside functions: a freshly started
worker caps its thread pools before they load.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import hashlib
import io
import json
import os
import re
import resource
import shutil
import time
import traceback
import typing
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from align import __version__
from align.errors import DataError
from align.textio import atomic_writer, read_text, write_text_atomic

if TYPE_CHECKING:
    from align.pipeline import RunOptions
    from align.records import Pair

ENGINES = ("local", "ray")
MANIFEST_DELIMITERS = {".csv": ",", ".tsv": "\t"}
REQUIRED_COLUMNS = ("source", "reference")
DONE_MARKER = "done.json"
# RunOptions fields that are per process, not part of what a document's result depends on.
_PROCESS_LOCAL_OPTIONS = ("cache", "notify", "show_progress")
# An id becomes a folder name: no separators, no leading dot, nothing invisible.
_BAD_ID = re.compile(r"[/\\\x00-\x1f\x7f]|^\.|^$")

STATUS_OK = "ok"
STATUS_FAILED = "failed"  # bad data: final until the inputs or options change
STATUS_ERROR = "error"  # a crash in our code: retried on the next run


# ---------------------------------------------------------------------------------------------
# Manifest


@dataclass(frozen=True)
class ManifestEntry:
    """One document pair; ``line`` is where it sits in the manifest, for messages."""

    id: str
    source: Path
    reference: Path
    metadata: dict[str, str]
    line: int


def read_manifest(path: Path) -> list[ManifestEntry]:
    """Document pairs listed in a CSV, TSV or JSONL manifest (chosen by the file suffix).

    Columns/keys: ``source`` and ``reference`` (paths, relative ones resolved against the
    manifest's folder), optional ``id`` (default: the source's document name), anything else
    is metadata carried into the summary. Raises :class:`DataError` naming file and line.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (*MANIFEST_DELIMITERS, ".jsonl"):
        raise DataError(f"{path}: cannot tell the manifest format from the name; use .csv, .tsv or .jsonl")
    text = read_text(path).text
    rows = _jsonl_rows(text, path) if suffix == ".jsonl" else _table_rows(text, path, MANIFEST_DELIMITERS[suffix])
    entries = [_entry(row, line, path) for line, row in rows]
    if not entries:
        raise DataError(f"{path}: no document pairs listed")
    first_line: dict[str, int] = {}
    for entry in entries:
        seen = first_line.setdefault(entry.id, entry.line)
        if seen != entry.line:
            raise DataError(
                f"{path}:{entry.line}: duplicate id {entry.id!r} (first on line {seen}); give each pair a unique id"
            )
    return entries


def _table_rows(text: str, path: Path, delimiter: str) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        yield from _checked_rows(reader, path)
    except csv.Error as exc:  # a field past csv's size limit, a NUL byte …: no manifest row has those
        raise DataError(f"{path}:{reader.line_num}: not a manifest row ({exc})") from None


def _checked_rows(reader, path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    header = [name.strip() for name in next(reader)]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise DataError(f"{path}:1: missing column(s) {', '.join(missing)} (the header needs source and reference)")
    if len(set(header)) != len(header):
        raise DataError(f"{path}:1: a column name appears twice in the header")
    for fields in reader:
        if not any(value.strip() for value in fields):
            continue
        if len(fields) != len(header):
            raise DataError(f"{path}:{reader.line_num}: {len(fields)} fields, the header has {len(header)}")
        yield reader.line_num, dict(zip(header, fields))


def _jsonl_rows(text: str, path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    from align.formats import json_objects

    for line, row in json_objects(text, str(path), REQUIRED_COLUMNS):
        if not all(isinstance(row[name], str) for name in REQUIRED_COLUMNS):
            raise DataError(f"{path}:{line}: source and reference must be strings (file paths)")
        yield line, {k: v if isinstance(v, str) else json.dumps(v, ensure_ascii=False) for k, v in row.items()}


def _entry(row: dict[str, str], line: int, manifest: Path) -> ManifestEntry:
    from align.pipeline import document_name

    def resolve(column: str) -> Path:
        value = row[column].strip()
        if not value:
            raise DataError(f"{manifest}:{line}: empty {column} path")
        return (manifest.parent / Path(value).expanduser()).resolve()

    source, reference = resolve("source"), resolve("reference")
    doc_id = row.get("id", "").strip() or document_name(source)
    if _BAD_ID.search(doc_id) or doc_id == "..":
        raise DataError(
            f"{manifest}:{line}: id {doc_id!r} cannot name a folder (no '/', '\\', leading '.' or control characters)"
        )
    metadata = {k: v for k, v in row.items() if k not in ("id", *REQUIRED_COLUMNS)}
    return ManifestEntry(doc_id, source, reference, metadata, line)


# ---------------------------------------------------------------------------------------------
# One document


@dataclass
class DocumentResult:
    """A summary row. ``mean_confidence`` is over beads with sentences on both sides;
    ``draft_chrf`` is chrF of the drafts against the aligned reference (None without drafts)."""

    id: str
    status: str
    error: str | None = None
    source_sentences: int | None = None
    reference_sentences: int | None = None
    beads: int | None = None
    bead_types: dict[str, int] = field(default_factory=dict)
    mean_confidence: float | None = None
    low_confidence: int | None = None
    flagged_pairs: int | None = None
    flagged_drafts: int | None = None
    draft_chrf: float | None = None
    notices: list[str] = field(default_factory=list)
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # of the worker process, all its threads
    worker_peak_rss_mb: float | None = None
    resumed: bool = False  # finished by an earlier run; not stored in the marker


@dataclass(frozen=True)
class DocumentTask:
    entry: ManifestEntry
    folder: Path
    fingerprint: str


def _pipeline_settings(options: RunOptions) -> dict[str, Any]:
    """The RunOptions fields a document's output depends on (picklable, JSON-able)."""
    return {
        f.name: getattr(options, f.name)
        for f in dataclasses.fields(options)
        if f.name not in _PROCESS_LOCAL_OPTIONS
    }


def fingerprint(entry: ManifestEntry, settings: dict[str, Any]) -> str:
    """Hash of both input files, the glossary and memories the drafts use, the pipeline
    settings and the package version: a document is redone exactly when one of them changed."""
    digest = hashlib.sha256(json.dumps([__version__, settings], sort_keys=True).encode())
    aids = ([settings["glossary"]] if settings.get("glossary") else []) + list(settings.get("tm") or ())
    for path in (entry.source, entry.reference, *map(Path, aids)):
        try:
            data = path.read_bytes()
        except OSError as exc:
            data = f"<unreadable: {exc.strerror}>".encode()
        digest.update(len(data).to_bytes(8, "little") + data)
    return digest.hexdigest()


def finished_result(task: DocumentTask) -> DocumentResult | None:
    """The stored result when ``done.json`` exists and matches the task's inputs."""
    try:
        marker = json.loads((task.folder / DONE_MARKER).read_text(encoding="utf-8"))
        if marker["fingerprint"] != task.fingerprint:
            return None
        return DocumentResult(**marker["result"], resumed=True)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _summarise(doc_id: str, report: dict, pairs: list[Pair]) -> DocumentResult:
    """A verdict (the texts do not look like translations of each other) fails the document:
    its pairs would pollute the corpus."""
    counts = report["counts"]
    aligned = [p.score for p in pairs if p.src_ids and p.tgt_ids]
    quality = report.get("draft_quality") or {}
    metrics = quality.get("metrics", {}).values()
    chrf = [m["score"] for m in metrics if m["name"].startswith("chrF") and "++" not in m["name"]]
    verdict = report.get("verdict")
    return DocumentResult(
        id=doc_id,
        status=STATUS_FAILED if verdict else STATUS_OK,
        error=f"{report['source']}: {verdict}" if verdict else None,
        source_sentences=counts["source_segments"],
        reference_sentences=counts.get("reference_segments"),
        beads=len(pairs),
        bead_types=dict(report.get("bead_types", {})),
        mean_confidence=round(sum(aligned) / len(aligned), 4) if aligned else None,
        low_confidence=len(report.get("low_confidence", [])),
        flagged_pairs=sum(1 for p in pairs if p.flags),
        flagged_drafts=counts.get("flagged_drafts"),
        draft_chrf=round(chrf[0], 2) if chrf else None,
    )


def process_document(task: DocumentTask, options: RunOptions) -> DocumentResult:
    """Run one pair from a clean folder; record the result in ``done.json`` unless our own code
    crashed (then the next run retries it)."""
    from align.formats import read_corpus
    from align.pipeline import run_document

    entry = task.entry
    shutil.rmtree(task.folder, ignore_errors=True)
    notices: list[str] = []
    started, cpu_started = time.perf_counter(), time.process_time()
    try:
        collecting = dataclasses.replace(options, notify=notices.append, doc=entry.id, exports=False)
        report = run_document(entry.source, entry.reference, task.folder, collecting)
        result = _summarise(entry.id, report, read_corpus(task.folder / "pairs.jsonl"))
    except DataError as exc:
        result = DocumentResult(entry.id, STATUS_FAILED, error=str(exc))
    except Exception as exc:  # noqa: BLE001 - one document's crash must not stop the batch
        last = traceback.extract_tb(exc.__traceback__)[-1]
        where = f"{Path(last.filename).name}:{last.lineno}"
        result = DocumentResult(entry.id, STATUS_ERROR, error=f"{type(exc).__name__} at {where}: {exc}")
    result.notices = notices
    result.seconds = round(time.perf_counter() - started, 3)
    result.cpu_seconds = round(time.process_time() - cpu_started, 3)
    result.worker_peak_rss_mb = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    if result.status != STATUS_ERROR:
        stored = {k: v for k, v in dataclasses.asdict(result).items() if k != "resumed"}
        marker = {"fingerprint": task.fingerprint, "result": stored}
        write_text_atomic(task.folder / DONE_MARKER, json.dumps(marker, ensure_ascii=False) + "\n")
    return result


# ---------------------------------------------------------------------------------------------
# Worker processes


@dataclass(frozen=True)
class WorkerSetup:
    """What a worker process needs to rebuild the RunOptions (which hold a cache connection
    and a callback, so cannot travel between processes)."""

    settings: dict[str, Any]
    cache_path: str | None
    threads: int


def prepare_worker(setup: WorkerSetup) -> RunOptions:
    """Cap this process's thread pools (models load once per process: embed/translate memoise)."""
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "ALIGN_THREADS"):
        os.environ[variable] = str(setup.threads)
    import threadpoolctl
    import torch

    torch.set_num_threads(setup.threads)
    threadpoolctl.threadpool_limits(setup.threads)

    from align.cache import Cache
    from align.pipeline import RunOptions

    return RunOptions(**setup.settings, cache=Cache(setup.cache_path))


_worker_options: RunOptions | None = None


def _start_pool_worker(setup: WorkerSetup) -> None:
    global _worker_options
    _worker_options = prepare_worker(setup)


def _run_in_pool_worker(task: DocumentTask) -> DocumentResult:
    assert _worker_options is not None, "pool worker not initialised"
    return process_document(task, _worker_options)


class DocumentActor:
    """A Ray actor: prepares its process once, then runs documents."""

    def __init__(self, setup: WorkerSetup):
        self.options = prepare_worker(setup)

    def process(self, task: DocumentTask) -> DocumentResult:
        return process_document(task, self.options)


def _run_local(tasks: list[DocumentTask], setup: WorkerSetup, workers: int) -> Iterator[DocumentResult]:
    # spawn, not fork: a child starts without the parent's thread pools and loaded models.
    with ProcessPoolExecutor(
        max_workers=min(workers, len(tasks)),
        mp_context=get_context("spawn"),
        initializer=_start_pool_worker,
        initargs=(setup,),
    ) as pool:
        pending = {pool.submit(_run_in_pool_worker, task) for task in tasks}
        try:
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield future.result()
        finally:
            for future in pending:
                future.cancel()


def _run_ray(
    tasks: list[DocumentTask], setup: WorkerSetup, workers: int, address: str | None
) -> Iterator[DocumentResult]:
    import ray
    from ray.util import ActorPool

    started_here = not ray.is_initialized()
    if started_here:
        # A new local instance needs no dashboard; an existing cluster refuses the argument.
        ray.init(address=address, log_to_driver=False, **({} if address else {"include_dashboard": False}))
    actor_class = ray.remote(num_cpus=setup.threads)(DocumentActor)
    actors = [actor_class.remote(setup) for _ in range(min(workers, len(tasks)))]
    try:
        yield from ActorPool(actors).map_unordered(lambda actor, task: actor.process.remote(task), tasks)
    finally:
        for actor in actors:
            ray.kill(actor)
        if started_here:
            ray.shutdown()


# ---------------------------------------------------------------------------------------------
# The batch


@dataclass
class BatchSummary:
    """Results in manifest order, with the files written; ``resumed`` documents were finished
    by an earlier run and not redone."""

    documents: list[DocumentResult]
    entries: list[ManifestEntry]
    pairs: int
    seconds: float
    files: list[Path]

    def count(self, status: str) -> int:
        return sum(1 for d in self.documents if d.status == status)

    @property
    def resumed(self) -> int:
        return sum(1 for d in self.documents if d.resumed)

    def format_table(self, max_rows: int = 20) -> str:
        """A short plain-text table: totals, then the first documents and every problem."""
        problems = {i for i, d in enumerate(self.documents) if d.status != STATUS_OK}
        first = range(min(len(self.documents), max(0, max_rows - len(problems))))
        shown = [self.documents[i] for i in sorted(problems.union(first))]
        header = ("id", "status", "fr", "en", "beads", "conf", "chrF", "reason")
        rows = [header] + [
            (
                d.id[:30],
                d.status + (" (resumed)" if d.resumed else ""),
                _cell(d.source_sentences),
                _cell(d.reference_sentences),
                _cell(d.beads),
                _cell(d.mean_confidence),
                _cell(d.draft_chrf),
                (d.error or "")[:70],
            )
            for d in shown
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(len(header) - 1)]
        lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[-1] for row in rows]
        if len(shown) < len(self.documents):
            lines.append(f"… {len(self.documents) - len(shown)} more ok documents (see summary.tsv)")
        lines.append(
            f"{len(self.documents)} documents: {self.count(STATUS_OK)} ok, {self.count(STATUS_FAILED)} failed, "
            f"{self.count(STATUS_ERROR)} errors, {self.resumed} resumed; {self.pairs} pairs in {self.seconds:.1f} s"
        )
        return "\n".join(line.rstrip() for line in lines) + "\n"


def _cell(value: object) -> str:
    return "" if value is None else str(value)


def run_batch(
    manifest: Path,
    out: Path,
    *,
    engine: str = "local",
    address: str | None = None,
    workers: int = 2,
    translate: bool = True,
    tmx: bool = False,
    options: RunOptions | None = None,
    progress: Callable[[int, int], None] | None = None,
    threads_per_worker: int = 1,
) -> BatchSummary:
    """Run every pair of ``manifest`` not already finished, then write the merged corpus and the
    summary into ``out``. ``translate`` overrides ``options.translate``; ``progress(done, total)``
    counts documents (finished earlier ones included). Each worker uses ``threads_per_worker``
    threads (parallelism comes from workers: eval/results/batch.md shows one worker
    with two BLAS threads several times slower than with one on a busy machine); a Ray actor
    reserves that many CPUs of its node."""
    from align.pipeline import RunOptions

    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; expected one of {', '.join(ENGINES)}")
    if workers < 1 or threads_per_worker < 1:
        raise ValueError("workers and threads per worker must be at least 1")
    started = time.perf_counter()
    entries = read_manifest(manifest)
    options = dataclasses.replace(options or RunOptions(), translate=translate)
    settings = _pipeline_settings(options)
    tasks = [DocumentTask(e, Path(out) / "docs" / e.id, fingerprint(e, settings)) for e in entries]

    results: dict[str, DocumentResult] = {}
    for task in tasks:
        finished = finished_result(task)
        if finished is not None:
            results[task.entry.id] = finished
    todo = [task for task in tasks if task.entry.id not in results]

    def tick() -> None:
        if progress is not None:
            progress(len(results), len(tasks))

    tick()
    if todo:
        setup = WorkerSetup(settings, str(options.cache.path) if options.cache.path else None, threads_per_worker)
        runner = _run_local(todo, setup, workers) if engine == "local" else _run_ray(todo, setup, workers, address)
        with contextlib.closing(runner):  # on an exception, stop the workers now, not at garbage collection
            for result in runner:
                results[result.id] = result
                tick()

    documents = [results[e.id] for e in entries]
    pairs = merged_pairs(zip(entries, documents), Path(out))
    files = write_corpus_files(pairs, Path(out), tmx) + write_summary(entries, documents, Path(out))
    return BatchSummary(documents, entries, len(pairs), round(time.perf_counter() - started, 2), files)


# ---------------------------------------------------------------------------------------------
# Merged outputs


def merged_pairs(finished: Iterable[tuple[ManifestEntry, DocumentResult]], out: Path) -> list[Pair]:
    """Pairs of the ok documents in manifest order, ``doc`` set to the manifest id."""
    from align.formats import read_corpus

    return [
        dataclasses.replace(pair, doc=entry.id)
        for entry, result in finished
        if result.status == STATUS_OK
        for pair in read_corpus(out / "docs" / entry.id / "pairs.jsonl")
    ]


def _corpus_schema() -> dict[str, Any]:
    import polars as pl

    text, ids = pl.String, pl.List(pl.Int64)
    return {
        "doc": text, "src_ids": ids, "tgt_ids": ids, "src": text, "tgt": text, "draft": text,
        "score": pl.Float64, "bead": text, "flags": pl.List(pl.String), "status": text, "locator": text,
    }  # fmt: skip


def write_corpus_files(pairs: list[Pair], out: Path, tmx: bool) -> list[Path]:
    import polars as pl

    from align.formats import locator_text, write_corpus

    files = write_corpus(pairs, out / "corpus.jsonl", "jsonl")
    rows = [p.to_dict() | {"locator": locator_text(p.locator)} for p in pairs]  # its keys vary with the format
    frame = pl.DataFrame(rows, schema=_corpus_schema(), orient="row")
    files.append(_write_parquet(frame, out / "corpus.parquet"))
    if tmx:
        files += write_corpus(pairs, out / "corpus.tmx", "tmx")
    return files


def _bead_order(kind: str) -> tuple[bool, int, str]:
    """1-1 first, then bigger beads by size, then the unaligned 1-0 / 0-1."""
    src, _, tgt = kind.partition("-")
    unaligned = "0" in (src, tgt)
    return unaligned, int(src) + int(tgt) if src.isdigit() and tgt.isdigit() else 0, kind


def write_summary(entries: list[ManifestEntry], documents: list[DocumentResult], out: Path) -> list[Path]:
    """summary.tsv and summary.parquet: one row per document, bead types and metadata as columns."""
    import polars as pl

    kinds = sorted({k for d in documents for k in d.bead_types}, key=_bead_order)
    meta_keys = list(dict.fromkeys(k for e in entries for k in e.metadata))
    rows = []
    for entry, doc in zip(entries, documents):
        row = {k: v for k, v in dataclasses.asdict(doc).items() if k not in ("bead_types", "notices")}
        row |= {f"beads_{k}": doc.bead_types.get(k, 0) if doc.status == STATUS_OK else None for k in kinds}
        row |= {"notices": " | ".join(doc.notices) or None}
        row |= {"source": str(entry.source), "reference": str(entry.reference)}
        row |= {f"meta.{k}": entry.metadata.get(k) for k in meta_keys}
        rows.append(row)
    frame = pl.DataFrame(rows, schema={column: _summary_dtype(column) for column in rows[0]}, orient="row")
    with atomic_writer(out / "summary.tsv", "wb") as fh:
        frame.write_csv(fh, separator="\t")
    return [out / "summary.tsv", _write_parquet(frame, out / "summary.parquet")]


def _summary_dtype(column: str) -> Any:
    """Fixed column types (from DocumentResult's annotations), so that summaries of different
    batches concatenate even when a column happens to be empty in one of them."""
    import polars as pl

    types = {int: pl.Int64, float: pl.Float64, bool: pl.Boolean}
    if column.startswith("beads_"):
        return pl.Int64
    hint = typing.get_type_hints(DocumentResult).get(column, str)
    return next((types[t] for t in (hint, *typing.get_args(hint)) if t in types), pl.String)


def _write_parquet(frame: Any, path: Path) -> Path:
    with atomic_writer(path, "wb") as fh:
        frame.write_parquet(fh)
    return path
