"""Translation memory: example selection, file format, and retrieved examples in few-shot prompts."""

from __future__ import annotations

import numpy as np
import pytest

from align.errors import DataError
from align.translate.memory import EMBEDDED_MEMORY, TranslationMemory, read_memory
from align.translate import DEFAULT_PROMPT, PromptedTranslator, GREEDY

PAIRS = [
    ("Le chat dort.", "The cat sleeps."),
    ("Le chien dort.", "The dog sleeps."),
    ("La bourse a chuté.", "The stock market fell."),
]


class WordEmbedder:
    """Fake embedder: bag of words over a fixed vocabulary, so similarity is word overlap."""

    name = "words"
    vocabulary = ["le", "la", "chat", "chien", "dort.", "bourse", "a", "chuté."]

    def encode(self, texts):
        rows = np.array([[t.lower().split().count(w) for w in self.vocabulary] for t in texts], dtype=np.float32)
        return rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)


class RecordingGenerator:
    def __init__(self):
        self.calls = []

    def complete_lines(self, prefix, prompts, decoding):
        self.calls.append((prefix, list(prompts), decoding))
        return [" draft" for _ in prompts]


def test_covering_picks_pairs_close_to_the_batch_and_skips_exact_matches():
    memory = TranslationMemory(PAIRS, WordEmbedder())
    assert memory.covering(["Le chat dort bien.", "La bourse a chuté hier."], 2)[::-1] == [PAIRS[2], PAIRS[0]]
    assert memory.covering(["Le chat dort."], 1) == [PAIRS[1]]
    assert memory.covering(["La bourse a chuté hier."], 0) == []


def test_memory_file_format(tmp_path):
    path = tmp_path / "tm.tsv"
    path.write_text("# comment\nUn.\tOne.\n\nDeux.\tTwo.\n", encoding="utf-8")
    assert read_memory(path) == [("Un.", "One."), ("Deux.", "Two.")]
    path.write_text("Un seul champ\n", encoding="utf-8")
    with pytest.raises(DataError, match="line 1"):
        read_memory(path)
    with pytest.raises(DataError):
        TranslationMemory([], WordEmbedder())


def test_embedded_memory_ships_news_pairs():
    pairs = read_memory(EMBEDDED_MEMORY)
    assert len(pairs) > 500 and all(fr and en for fr, en in pairs)


def test_retrieved_examples_extend_the_shared_prefix():
    generator = RecordingGenerator()
    memory = TranslationMemory(PAIRS, WordEmbedder())
    translator = PromptedTranslator(generator, "model", DEFAULT_PROMPT, memory, retrieved=1)
    assert translator.translate(["Le chat dort bien.", "Le chat dort là."]) == ["draft", "draft"]
    prefix, prompts, decoding = generator.calls[0]
    assert prefix == DEFAULT_PROMPT.prefix + "French: Le chat dort.\nEnglish: The cat sleeps.\n\n"
    assert prompts == ["French: Le chat dort bien.\nEnglish:", "French: Le chat dort là.\nEnglish:"]
    assert decoding == GREEDY
    plain = PromptedTranslator(generator, "model", DEFAULT_PROMPT)
    assert memory.digest in translator.name and memory.digest not in plain.name


def test_examples_are_chosen_for_sixteen_sentences_at_a_time_and_plain_calls_stay_whole():
    from align.translate.gguf import EXAMPLES_BATCH

    sentences = [f"Le chat numéro {i} dort." for i in range(EXAMPLES_BATCH + 4)]
    generator = RecordingGenerator()
    with_memory = PromptedTranslator(generator, "model", DEFAULT_PROMPT, TranslationMemory(PAIRS, WordEmbedder()), retrieved=1)
    assert len(with_memory.translate(sentences)) == len(sentences)
    assert [len(prompts) for _, prompts, _ in generator.calls] == [EXAMPLES_BATCH, 4]
    generator.calls.clear()
    assert len(with_memory.retranslate(sentences)) == len(sentences)  # each call holds both repair decodings
    assert [len(prompts) for _, prompts, _ in generator.calls] == [2 * EXAMPLES_BATCH, 8]
    generator.calls.clear()
    PromptedTranslator(generator, "model", DEFAULT_PROMPT).translate(sentences)
    assert [len(prompts) for _, prompts, _ in generator.calls] == [len(sentences)]
