"""Machine-translated drafts of French sentences, cached, checked and repaired.

Backends sit behind the :class:`Translator` protocol (:mod:`.base`); :func:`get_translator`
builds one:

* ``gguf`` (default, :mod:`.gguf` on :mod:`.llama`): a small *base* LLM in GGUF format (the
  embedded Gemma 3 270M, or any file given as ``model``), few-shot prompted (:mod:`.prompts`),
  decoded greedily in batches through llama.cpp, or through transformers when
  llama-cpp-python is not installed. The embedded model gets a LoRA adapter trained on open
  French–English pairs in the same prompt format (``scripts/train_adapter.py``). Because a
  270M model garbles acronyms and French number formats, sources are rewritten first
  (``RPDC`` → ``DPRK``, ``1 000,5`` → ``1,000.5``) so that the model only has to copy them.
  Optionally, each batch also gets examples retrieved from a memory of news pairs
  (:mod:`.memory`).
* ``transformers`` (:mod:`.seq2seq`): an encoder-decoder MT model (MarianMT, NLLB, M2M100,
  mBART-50) from a local directory or the Hugging Face cache.
* ``ctranslate2`` (:mod:`.ct2`): the same models converted for CTranslate2 (once, into the
  cache folder), or a directory ``ct2-transformers-converter`` wrote; int8 on CPU.

:func:`translate_sentences` (:mod:`.drafts`) adds what makes drafts usable: a content-addressed
cache written as batches finish (an interrupted run resumes), splitting of over-long sentences,
quality flags from :mod:`align.quality`, and a retry with other decodings for flagged drafts
(and, for drafts that still get a name or term wrong, with them put into English: :mod:`.rerank`).
A user's glossary (:mod:`.glossary`) and translation memories (:mod:`.tm`) are optional aids.
"""

from __future__ import annotations

import functools
from typing import Callable

from align.errors import DataError
from align.translate.base import GREEDY, REPAIR_DECODINGS, Decoding, Generator, Retranslator, Translator, per_prompt
from align.translate.ct2 import CTranslate2Translator, converted_model_dir
from align.translate.drafts import (
    CACHE_BATCH,
    MAX_PIECE_CHARS,
    MAX_SENTENCE_CHARS,
    REPAIR_VERSION,
    SPLIT_FLAG,
    split_long,
    translate_sentences,
)
from align.translate.gguf import (
    EMBEDDED_ADAPTER,
    LORA_TARGETS,
    GgufModel,
    LazyGenerator,
    PromptedTranslator,
    TransformersCausalGenerator,
    embedded_gguf_path,
    load_gguf_translator,
    lora_deltas,
    resolve_gguf,
    write_lora_adapter,
)
from align.translate.llama import LlamaCppGenerator, _carriers  # noqa: F401  (_carriers: align.likelihood's tests)
from align.translate.prompts import ADAPTED_PROMPT, DEFAULT_PROMPT, FewShotPrompt, gloss_names, prepare_source
from align.translate.glossary import Glossary, read_glossary
from align.translate.seq2seq import Seq2SeqTranslator
from align.translate.tm import TMIndex, load_tm

__all__ = [
    "ADAPTED_PROMPT",
    "CACHE_BATCH",
    "CTranslate2Translator",
    "DEFAULT_PROMPT",
    "Decoding",
    "EMBEDDED_ADAPTER",
    "FewShotPrompt",
    "Glossary",
    "GREEDY",
    "Generator",
    "GgufModel",
    "LORA_TARGETS",
    "LazyGenerator",
    "LlamaCppGenerator",
    "MAX_PIECE_CHARS",
    "MAX_SENTENCE_CHARS",
    "PromptedTranslator",
    "REPAIR_DECODINGS",
    "REPAIR_VERSION",
    "Retranslator",
    "SPLIT_FLAG",
    "Seq2SeqTranslator",
    "TMIndex",
    "TransformersCausalGenerator",
    "Translator",
    "converted_model_dir",
    "embedded_gguf_path",
    "get_translator",
    "gloss_names",
    "load_gguf_translator",
    "load_tm",
    "lora_deltas",
    "per_prompt",
    "prepare_source",
    "read_glossary",
    "resolve_gguf",
    "split_long",
    "translate_sentences",
    "write_lora_adapter",
]

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
