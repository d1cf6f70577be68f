"""Drafts for whole documents: cache, splitting of long sentences, checks and repair."""

from __future__ import annotations

import re
from typing import Callable, Sequence

from align.cache import Cache, content_key
from align.entities import english_support
from align.embed import Embedder
from align.errors import DataError
from align.fidelity import added_sentences, with_addition
from align.quality import check_draft
from align.records import MAX_SENTENCE_CHARS, Draft
from align.translate.base import ExampleSource, ExampleTaker, Translator
from align.translate.glossary import GLOSSARY_MODES, Glossary, GlossedTranslator, PromptedGlossary
from align.translate.prompts import gloss_names
from align.translate.rerank import Check, translate_and_repair
from align.translate.tm import EXACT_FLAG, TMIndex
from align.translate.verbatim import restore_verbatim

CACHE_NAMESPACE = "draft"
# Part of every draft's cache key: a change to decoding, checking or repair makes cached drafts stale.
REPAIR_VERSION = "repair-v7"
# Sentences longer than this are translated in pieces cut at ; : , boundaries, else between words.
MAX_PIECE_CHARS = 320
SPLIT_FLAG = "split-long"  # a sentence with no clause mark to cut at was cut between words
# How glossary terms reach the model (align.translate.glossary), as measured by
# eval/bench_translate_aids.py glossary (eval/results/translate.md, "Glossary and translation memory").
DEFAULT_GLOSSARY_MODE = "prompt"
# Sentences translated (and written to the cache) at a time: the most work an interruption can
# lose. llama.cpp decodes 32 sequences a step (run 17); handing it 64 sentences lets it group
# them by length and gives the retries of flagged drafts fuller batches: --quality best 15 %
# faster on NTREX's long sentences, the same on newstest2014 (eval/results/translate.md, run 22).
# The gguf translator still chooses memory matches and glossary terms for 16 sentences at a
# time (align.translate.gguf.EXAMPLES_BATCH).
CACHE_BATCH = 64


def _pack(parts: Sequence[str], max_chars: int) -> list[str]:
    """Neighbouring ``parts`` joined with spaces while they fit ``max_chars``."""
    pieces: list[str] = []
    for part in parts:
        if pieces and len(pieces[-1]) + 1 + len(part) <= max_chars:
            pieces[-1] += " " + part
        else:
            pieces.append(part)
    return pieces


def split_long(sentence: str, max_chars: int = MAX_PIECE_CHARS) -> list[str]:
    """Cut ``sentence`` at ; then : then , then between words, so that pieces fit ``max_chars``;
    a word longer than that alone is cut inside.

    Pieces keep their punctuation and, joined with spaces, give back the sentence (less the
    spaces a cut inside a word adds). Cutting at clause marks alone, as this once did, left a
    sentence without them whole, and a 250k-token line overflowed the model's context.
    """
    if len(sentence) <= max_chars:
        return [sentence]
    for separator in (";", ":", ","):
        parts = [p for p in re.split(rf"(?<={separator})\s+", sentence) if p]
        if len(parts) >= 2:
            return [sub for piece in _pack(parts, max_chars) for sub in split_long(piece, max_chars)]
    words = sentence.split()
    if len(words) >= 2:
        return [sub for piece in _pack(words, max_chars) for sub in split_long(piece, max_chars)]
    return [sentence[i : i + max_chars] for i in range(0, len(sentence), max_chars)]


_PIECE_FLAGS = ("empty", "untranslated", "looping")
_CLAUSE_MARKS = (";", ":", ",")


def _sentence_flags(source: str, pieces: Sequence[str], piece_drafts: Sequence[str], check: Check) -> tuple[str, ...]:
    """Flags of the joined draft, plus piece failures a whole-sentence check would dilute."""
    flags = list(check(source, join_pieces(pieces, piece_drafts)))
    if len(pieces) > 1:
        if any(not piece.rstrip().endswith(_CLAUSE_MARKS) for piece in pieces[:-1]):
            flags.append(SPLIT_FLAG)  # cut between words: the joins need a reader's eye
        for piece, text in zip(pieces, piece_drafts):
            flags += [f for f in check(piece, text) if f in _PIECE_FLAGS]
    return tuple(dict.fromkeys(flags))


# A piece after the first continues a sentence: the model capitalises its first word all the same.
_CONTINUATION_WORDS = frozenset(
    "the a an and but or nor which who whom whose with without as in on at for to that this these those by "
    "from of while would could should will may might we it its their our not also so if when where after "
    "before since including especially particularly notably such both either".split()
)


def join_pieces(pieces: Sequence[str], piece_drafts: Sequence[str]) -> str:
    """The drafts of a split sentence as one. The model ends each piece as a sentence: a piece
    cut at a clause mark keeps that mark rather than the full stop it was given ("…conflict. with
    grave" → "…conflict, with grave"), and a piece that continues the sentence starts in lower
    case unless its first word renders a capitalised word of its French ("…, Regarding the
    deployment" → "…, regarding the deployment"; "…; Russia has used" stays)."""
    texts = [text.strip() for text in piece_drafts]
    for i in range(len(texts) - 1):
        mark = pieces[i].rstrip()[-1:]
        if mark in _CLAUSE_MARKS and texts[i].endswith(".") and not texts[i].endswith(".."):
            texts[i] = texts[i][:-1] + mark
    for i in range(1, len(texts)):
        first = texts[i].split(" ", 1)[0]
        if not (first[:1].isupper() and first[1:].islower() and first.isalpha()):
            continue
        capitalised = " ".join(w for w in pieces[i].split() if w[:1].isupper())
        if first.lower() in _CONTINUATION_WORDS or not english_support(capitalised)(first):
            texts[i] = texts[i][0].lower() + texts[i][1:]
    return " ".join(t for t in texts if t)


def _with_aids(translator: Translator, glossary: Glossary | None, memory: TMIndex | None, glossary_mode: str) -> Translator:
    """The translator as the aids reach the model: memory matches and (``prompt`` mode) glossary
    terms as examples where the backend takes examples, else glossary terms put into the source."""
    if glossary_mode not in GLOSSARY_MODES:
        raise ValueError(f"glossary mode {glossary_mode!r}: expected one of {GLOSSARY_MODES}")
    takes_examples = isinstance(translator, ExampleTaker)
    sources: list[ExampleSource] = []
    if memory is not None:
        sources.append(memory)
    if glossary is not None and glossary_mode == "prompt" and takes_examples:
        sources.append(PromptedGlossary(glossary))  # last: nearest the sentences
    if sources and takes_examples:
        translator = translator.with_examples(sources)
    if glossary is not None and not (glossary_mode == "prompt" and takes_examples):
        translator = GlossedTranslator(translator, glossary)
    return translator


def _check_with(glossary: Glossary | None, embedder: Embedder | None) -> Check:
    """:func:`check_draft`, with the ``glossary``'s missing terms and, with an ``embedder``, a
    sentence the draft adds of its own (:func:`align.fidelity.added_sentences`)."""
    if glossary is None and embedder is None:
        return check_draft

    def check(source: str, draft: str) -> tuple[str, ...]:
        flags = check_draft(source, draft)
        if glossary is not None:
            flags += glossary.missing(source, draft)
        if embedder is not None and not any(f.startswith("addition:") for f in flags):  # else no need to embed
            flags = with_addition(flags, added_sentences([source], [draft], embedder)[0])
        return flags

    return check


def translate_sentences(
    sentences: Sequence[str],
    translator: Translator,
    cache: Cache | None = None,
    progress: Callable[[int, int], None] | None = None,
    glossary: Glossary | None = None,
    memory: TMIndex | None = None,
    glossary_mode: str = DEFAULT_GLOSSARY_MODE,
    embedder: Embedder | None = None,
) -> list[Draft]:
    """Drafts for ``sentences``: cached ones reused, the rest translated, checked and cached.

    ``progress(done, total)`` counts sentences. Results reach the cache every
    :data:`CACHE_BATCH` pieces, so a rerun after an interruption translates only the rest.
    A sentence the ``memory`` holds is its stored translation (``tm:100``); one with fuzzy
    matches is flagged with the best one's percentage. Drafts of sources with ``glossary``
    terms are checked for their English (``term-missing:…``). Web and e-mail addresses, hashtags
    and handles are the source's own (:func:`.verbatim.restore_verbatim`). With an
    ``embedder``, a draft with a sentence of its own is flagged ``addition:<its first words>``
    and repaired like any other flagged draft (eval/results/fidelity.md, tenth round). A sentence over
    :data:`MAX_SENTENCE_CHARS` is refused before any work.
    """
    for number, sentence in enumerate(sentences, 1):
        if len(sentence) > MAX_SENTENCE_CHARS:
            raise DataError(f"sentence {number} has {len(sentence):,} characters, over the limit of "
                            f"{MAX_SENTENCE_CHARS:,}; give one sentence per line")
    cache = cache if cache is not None else Cache(None)
    check = _check_with(glossary, embedder)
    matches = {s: memory.lookup(s) for s in dict.fromkeys(sentences) if s.strip()} if memory is not None else {}
    reused = {s: found[0].target for s, found in matches.items() if found and found[0].score == 100}
    aided = _with_aids(translator, glossary, memory, glossary_mode)
    gloss = gloss_names if glossary is None else (lambda text: gloss_names(glossary.gloss(text)))
    pieces_of = [[] if s in reused else split_long(s) for s in sentences]
    unique_pieces = list(dict.fromkeys(p for pieces in pieces_of for p in pieces if p.strip()))
    repair = REPAIR_VERSION if embedder is None else f"{REPAIR_VERSION}:sentences-{embedder.name}"  # other choices
    key_of = {p: content_key(aided.name, repair, p) for p in unique_pieces}
    cached = cache.get_many(CACHE_NAMESPACE, key_of.values())
    done_text = {p: cached[key_of[p]].decode("utf-8") for p in unique_pieces if key_of[p] in cached}
    todo = [p for p in unique_pieces if p not in done_text]

    def report() -> None:
        if progress is not None:
            finished = sum(all(p in done_text or not p.strip() for p in pieces) for pieces in pieces_of)
            progress(finished, len(sentences))

    report()
    for start in range(0, len(todo), CACHE_BATCH):
        batch = todo[start : start + CACHE_BATCH]
        drafts = [restore_verbatim(p, d) for p, d in zip(batch, translate_and_repair(batch, aided, check, gloss))]
        cache.put_many(CACHE_NAMESPACE, {key_of[p]: d.encode("utf-8") for p, d in zip(batch, drafts)})
        done_text.update(zip(batch, drafts))
        report()

    results = []
    for source, pieces in zip(sentences, pieces_of):
        if source in reused:
            text = reused[source]
            flags = (EXACT_FLAG, *(glossary.missing(source, text) if glossary is not None else ()))
            results.append(Draft(source, text, flags))
            continue
        piece_drafts = [done_text.get(p, "") for p in pieces]
        flags = _sentence_flags(source, pieces, piece_drafts, check)
        fuzzy = matches.get(source)
        results.append(Draft(source, join_pieces(pieces, piece_drafts), flags + ((fuzzy[0].flag,) if fuzzy else ())))
    return results
