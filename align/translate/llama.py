"""Batched decoding and scoring with llama.cpp, the gguf backend's engine."""

from __future__ import annotations

import contextlib
import ctypes
import logging
import sqlite3
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from align.cache import Cache, content_key
from align.resources import cpu_threads
from align.translate.base import Decoding, per_prompt
from align.translate.prompts import first_line
from align.vocabulary import NarrowedVocabulary


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


def _quiet_llama_cpp() -> Any:
    """llama_cpp with its log silenced: it reports some notices at level NONE, which
    set_verbose(False) still prints; failures reach us as exceptions."""
    import llama_cpp
    from llama_cpp import _logger

    _logger.logger.setLevel(logging.CRITICAL + 1)
    return llama_cpp


# Namespace of the answers of speaks_chatml in the cache; a new version forgets the old answers.
CHATML_NAMESPACE = "gguf-chatml-1"


def speaks_chatml(path: Path) -> bool:
    """Whether the GGUF's own chat template is ChatML (``<|im_start|>``): Qwen and other instruct
    models, which follow an instruction in their template far better than a few-shot layout
    (eval/results/translate.md, run 12).

    Reading the template means reading the vocabulary (0.6–4 s), so the answer is kept in the
    cache per file, keyed by its resolved path, size and modification time: only a new or
    changed file is read. A cache that cannot be read or written only costs that time."""
    status = path.stat()
    key = content_key(str(path.resolve()), str(status.st_size), str(status.st_mtime_ns))
    cache = Cache.default()
    try:
        with contextlib.suppress(sqlite3.Error, OSError):
            known = cache.get_many(CHATML_NAMESPACE, [key])
            if key in known:
                return known[key] == b"1"
        answer = _template_is_chatml(path)
        with contextlib.suppress(sqlite3.Error, OSError):
            cache.put_many(CHATML_NAMESPACE, {key: b"1" if answer else b"0"})
        return answer
    finally:
        cache.close()


def _template_is_chatml(path: Path) -> bool:
    llama_cpp = _quiet_llama_cpp()
    from llama_cpp import _internals

    params = llama_cpp.llama_model_default_params()
    params.vocab_only = True
    model = _internals.LlamaModel(path_model=str(path), params=params, verbose=False)
    try:
        return "<|im_start|>" in model.metadata().get("tokenizer.chat_template", "")
    finally:
        model.close()


class LlamaCppGenerator:
    """Batched decoding with llama.cpp: the shared prompt prefix is evaluated once and shared
    by every sequence in the KV cache, then all sequences advance one token per step."""

    def __init__(self, path: Path, n_threads: int = 0, max_batch: int = 32, n_ctx: int = 8192,
                 adapter: Path | None = None, vocabulary: Sequence[int] | None = None,
                 special_tokens: bool = False):
        """``vocabulary``: decode with a copy of the model narrowed to these token ids, plus each
        batch's source tokens (align.vocabulary); ``model`` keeps the full vocabulary.
        ``special_tokens``: read control-token text in prompts (a chat template's markers) as
        those tokens; otherwise all prompt text is plain text."""
        llama_cpp = _quiet_llama_cpp()
        from llama_cpp import _internals

        self._llama_cpp = llama_cpp
        self.special_tokens = special_tokens
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
        return self.model.tokenize(text.encode("utf-8"), add_bos=add_bos, special=self.special_tokens)

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

    def complete_lines(self, prefix: str, prompts: Sequence[str],
                       decoding: Decoding | Sequence[Decoding]) -> list[str]:
        self._load_prefix(prefix)
        decodings = per_prompt(decoding, len(prompts))
        encoded = [self._tokenize(p, add_bos=False) for p in prompts]
        order = sorted(range(len(prompts)), key=lambda i: len(encoded[i]))  # similar lengths together
        results: list[str] = [""] * len(prompts)
        rngs = {each: np.random.default_rng(each.seed) for each in set(decodings)}
        for batch in self._batches([len(encoded[i]) + self._budget(encoded[i]) for i in order]):
            group = [order[k] for k in batch]
            texts = self._complete_group([encoded[i] for i in group], [decodings[i] for i in group], rngs)
            for i, text in zip(group, texts):
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

    def _complete_group(self, prompts: list[list[int]], decodings: list[Decoding],
                        rngs: dict[Decoding, np.random.Generator]) -> list[str]:
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
                decoding = decodings[k]
                min_tokens = int(decoding.min_length_ratio * (len(prompts[k]) - 6))
                token = _choose_token(self._logits(index), outputs[k], decoding, self._is_line_end,
                                      len(outputs[k]) >= min_tokens, rngs[decoding], self.markup_tokens)
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
        return [first_line(b"".join(self._piece(t) for t in out).decode("utf-8", errors="ignore")) for out in outputs]


