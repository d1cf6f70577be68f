"""Benchmark the encoder-decoder backends' speed: transformers against CTranslate2.

No MT model can be downloaded on the workbench machines, so the model is a MarianMT with the
shape of ``Helsinki-NLP/opus-mt-fr-en`` (6 + 6 layers, d_model 512, 8 heads, FFN 2048, a
59,514-token vocabulary) and random weights, built here with a sentencepiece model trained on
French and English text from ../shared. Its end-of-sentence logit is pushed down, so every
system decodes each sentence to the same token budget (the backends' 2n + 16) and all do the
same work: the figures are per generated token and bound real translations (which end
sooner) from below. Quality needs the real weights: run ``bench_translate.py`` with a network.

    .venv/bin/python eval/bench_seq2seq.py --limit 200 --write eval/results/ctranslate2.md

Each system runs in its own child process, through the translator class users get
(``translate``), on the French side of newstest2013 dev lines; peak RSS is per process.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_translate import DATA, read_set  # noqa: E402

OPUS_MT_FR_EN = dict(
    vocab_size=59514, d_model=512, encoder_layers=6, decoder_layers=6, encoder_attention_heads=8,
    decoder_attention_heads=8, encoder_ffn_dim=2048, decoder_ffn_dim=2048, max_position_embeddings=512,
    activation_function="swish", scale_embedding=True, share_encoder_decoder_embeddings=True,
)
SYSTEMS = {
    "transformers": ("transformers", None),
    "ctranslate2-int8": ("ctranslate2", "int8"),
    "ctranslate2-float32": ("ctranslate2", "float32"),
}


def build_model(root: Path) -> Path:
    """A random-weight MarianMT of opus-mt-fr-en's shape, with tokenizer, in ``root/model``."""
    import sentencepiece
    import torch
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    target = root / "model"
    if (target / "config.json").is_file():
        return target
    lines = []
    for name in ("wmt/newstest2013.fra", "wmt/newstest2013.eng"):
        lines += (DATA / name).read_text(encoding="utf-8").splitlines()[:1000]  # not the timed lines
    sentencepiece.SentencePieceTrainer.train(
        sentence_iterator=iter(lines), model_prefix=str(root / "spm"), vocab_size=4000, character_coverage=1.0,
        unk_id=1, bos_id=-1, eos_id=0, pad_id=-1, unk_piece="<unk>", eos_piece="</s>",
    )
    processor = sentencepiece.SentencePieceProcessor(model_file=str(root / "spm.model"))
    vocab = {processor.id_to_piece(i): i for i in range(processor.get_piece_size())}
    while len(vocab) < OPUS_MT_FR_EN["vocab_size"] - 1:  # opus-mt's vocabulary size; <pad> comes last
        vocab[f"<filler{len(vocab)}>"] = len(vocab)
    pad = vocab["<pad>"] = len(vocab)
    (root / "vocab.json").write_text(json.dumps(vocab), encoding="utf-8")
    tokenizer = MarianTokenizer(source_spm=str(root / "spm.model"), target_spm=str(root / "spm.model"),
                                vocab=str(root / "vocab.json"), source_lang="fr", target_lang="en")
    config = MarianConfig(**OPUS_MT_FR_EN, pad_token_id=pad, eos_token_id=0, decoder_start_token_id=pad,
                          forced_eos_token_id=0)
    torch.manual_seed(0)
    model = MarianMTModel(config)
    with torch.no_grad():
        model.final_logits_bias[0, 0] = -1e4  # never end early: every system decodes the same tokens
    model.save_pretrained(target)
    tokenizer.save_pretrained(target)
    return target


def run_worker(system: str, model: Path, limit: int) -> dict:
    from align.translate import CTranslate2Translator, Seq2SeqTranslator

    backend, compute_type = SYSTEMS[system]
    sources, _ = read_set("newstest2013-dev", limit)
    start = time.perf_counter()
    if backend == "transformers":
        translator = Seq2SeqTranslator(str(model))
    else:
        translator = CTranslate2Translator(str(model), compute_type=compute_type)
    translator.load()
    load = time.perf_counter() - start
    before, start = os.times(), time.perf_counter()
    drafts = translator.translate(sources)
    wall = time.perf_counter() - start
    after = os.times()
    assert len(drafts) == len(sources)
    lengths = [len(translator.tokenizer.encode(s)) for s in sources]
    batches = [lengths[i : i + translator.batch_size] for i in range(0, len(lengths), translator.batch_size)]
    tokens = sum((2 * max(batch) + 16) * len(batch) for batch in batches)  # every sentence decodes its budget
    return {
        "load_s": load,
        "wall_s": wall,
        "cpu_s": (after.user + after.system) - (before.user + before.system),
        "tokens": tokens,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=200, help="newstest2013 dev sentences to translate")
    parser.add_argument("--root", type=Path, default=Path("/tmp/align-bench-seq2seq"), help="model folder")
    parser.add_argument("--write", type=Path, help="also write the Markdown table here")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(run_worker(args.worker, args.root / "model", args.limit)))
        return

    args.root.mkdir(parents=True, exist_ok=True)
    model = build_model(args.root)
    environment = {**os.environ, "ALIGN_CACHE_DIR": str(args.root / "cache")}  # conversions go here

    def run(system: str) -> dict:
        child = subprocess.run([sys.executable, __file__, "--limit", str(args.limit), "--root", str(args.root),
                                "--worker", system], check=True, capture_output=True, text=True, env=environment)
        return json.loads(child.stdout.strip().splitlines()[-1])

    rows = []
    for system, (backend, _) in SYSTEMS.items():
        # A CTranslate2 system's first run converts the model (timed as its load); the second is timed.
        conversion = run(system)["load_s"] if backend == "ctranslate2" else None
        result = {**run(system), "conversion_s": conversion}
        rows.append((system, result))
        print(f"{system:20} {args.limit / result['wall_s']:6.2f} sent/s {result['tokens'] / result['wall_s']:7.1f} tok/s "
              f"{result['cpu_s'] / args.limit:5.2f} cpu-s/sent {result['peak_rss_mib']:6.0f} MiB "
              f"load {result['load_s']:.1f} s", flush=True)

    base = next(r for s, r in rows if s == "transformers")
    table = ["| system | sentences/s | generated tokens/s | × transformers | CPU s/sentence | peak RSS MiB | load s | first conversion s |",
             "|---|---|---|---|---|---|---|---|"]
    for system, r in rows:
        conversion = "–" if r["conversion_s"] is None else f"{r['conversion_s']:.1f}"
        table.append(f"| {system} | {args.limit / r['wall_s']:.2f} | {r['tokens'] / r['wall_s']:.0f} | "
                     f"{(r['tokens'] / r['wall_s']) / (base['tokens'] / base['wall_s']):.1f} | {r['cpu_s'] / args.limit:.2f} | "
                     f"{r['peak_rss_mib']:.0f} | {r['load_s']:.1f} | {conversion} |")
    text = "\n".join(table) + "\n"
    print(text)
    if args.write:
        args.write.write_text(text)


if __name__ == "__main__":
    main()
