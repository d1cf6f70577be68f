"""The ctranslate2 backend: the transformers backend's models converted for CTranslate2 (once,
into the cache folder) or a directory ``ct2-transformers-converter`` wrote; int8 on CPU."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

from align.cache import default_cache_path
from align.errors import DataError
from align.resources import cpu_threads
from align.translate.base import model_file_id
from align.translate.seq2seq import _EncoderDecoderTranslator, _load_pretrained, _english_token, _config_identity



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
        super().__init__(f"ctranslate2:{compute_type}:{model_file_id(self.directory / 'model.bin')}:v1", batch_size)
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


