"""Raw llama.cpp throughput of the packaged GGUF models: prompt and decode tokens per second.

Why: it bounds what any decoding scheme can reach on this machine. A sentence costs its prompt
tokens plus its output tokens; once batching makes decoding as compute-bound as prompt
evaluation, sentences per second cannot exceed about (prompt rate) / (tokens per sentence),
whatever the draft model or lookup used (eval/results/translate.md, run 12).

    .venv/bin/python eval/bench_gguf_throughput.py [--model fast|best|qwen-0.5b] [--decode 64]
    .venv/bin/python eval/bench_gguf_throughput.py --sentences 12 [--model best]
    .venv/bin/python eval/bench_gguf_throughput.py --steps [--model best] [--requantize q8_0 --requantize q4_0]

``--steps`` times a step of 1, 2, 4 … 64 tokens (milliseconds per token): one token is
memory-bound, a full batch compute-bound, which is what a build's instruction set and the batch
size change (eval/results/translate.md, run 17); then a step of 32 tokens that asks for the
scores of every token, as batched decoding does (a prompt asks only for its last token's).
``--requantize`` times copies of the model in other llama.cpp formats as well, made from its
Q4_K_M weights by llama.cpp's own quantiser (run 18).

``--sentences N`` checks the bound on real drafts: the first N newstest2014 sentences in
``CHAT_PROMPT``, greedy, through the batched engine ``--quality best`` uses (batches of 32
sharing the prompt prefix), then one sequence at a time through llama-cpp-python's own
generation, with and without prompt-lookup speculative decoding (``LlamaPromptLookupDecoding``),
the draft scheme that needs no second model; each with its drafts' chrF.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from align.resources import cpu_threads

PROMPT = ("<|im_start|>user\nTranslate into English: "
          + "Le président a déclaré mardi que le gouvernement allait présenter un nouveau projet de loi "
            "sur la santé publique. " * 3
          + "<|im_end|>\n<|im_start|>assistant\n")


def model_path(name: str) -> Path:
    from align.translate import embedded_gguf_path
    from align.translate.packaged import QWEN_0_5B, QWEN_1_5B, assemble

    if name == "fast":
        return embedded_gguf_path()
    return assemble(QWEN_1_5B if name == "best" else QWEN_0_5B)


def measure(path: Path, decode: int) -> tuple[int, float, float]:
    """(prompt tokens, prompt tokens/s, decoded tokens/s) for one sequence, greedy."""
    from llama_cpp import Llama

    llm = Llama(str(path), n_ctx=1024, n_threads=cpu_threads(), n_batch=512, verbose=False)
    tokens = llm.tokenize(PROMPT.encode(), special=True)
    start = time.perf_counter()
    llm.eval(tokens)
    prompt_rate = len(tokens) / (time.perf_counter() - start)
    start, produced = time.perf_counter(), 0
    for _ in llm.generate(tokens, temp=0, reset=False):
        produced += 1
        if produced >= decode:
            break
    return len(tokens), prompt_rate, produced / (time.perf_counter() - start)


def time_steps(path: Path, total: int = 128) -> None:
    """Milliseconds per token when ``total`` tokens are evaluated in steps of 1, 2, 4 … 64, and
    in steps of 32 that score every token."""
    from llama_cpp import Llama

    for sizes, logits_all in (((1, 2, 4, 8, 16, 32, 64), False), ((32,), True)):
        llm = Llama(str(path), n_ctx=2048, n_threads=cpu_threads(), n_batch=512, logits_all=logits_all, verbose=False)
        tokens = llm.tokenize((PROMPT * 8).encode(), special=True)
        for size in sizes:
            llm.reset()
            llm.eval(tokens[:64])
            start = time.perf_counter()
            for position in range(64, 64 + total, size):
                llm.eval(tokens[position : position + size])
            elapsed = time.perf_counter() - start
            scored = ", each token scored" if logits_all else ""
            print(f"{size:3d} tokens a step{scored}: {elapsed / total * 1000:5.1f} ms/token", flush=True)


# llama.cpp formats a model can be requantised to for --requantize.
REQUANTIZED = {"q8_0": "LLAMA_FTYPE_MOSTLY_Q8_0", "q4_0": "LLAMA_FTYPE_MOSTLY_Q4_0"}


def requantized(path: Path, kind: str, folder: Path) -> Path:
    """A copy of ``path`` in llama.cpp format ``kind``, made from its own (Q4_K_M) weights: the
    values stay the 4-bit model's, only their layout and the arithmetic on them change."""
    import ctypes

    import llama_cpp

    target = folder / f"{path.stem}.{kind}.gguf"
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = getattr(llama_cpp, REQUANTIZED[kind])
    params.allow_requantize = True
    params.nthread = cpu_threads()
    if llama_cpp.llama_model_quantize(str(path).encode(), str(target).encode(), ctypes.byref(params)) != 0:
        raise SystemExit(f"requantizing {path.name} to {kind} failed")
    return target


def compare_decoding(path: Path, count: int) -> None:
    """Sentences per second of the batched engine against single sequences with and without
    prompt lookup, on the same sentences and prompt (see the module docstring)."""
    import sys

    from llama_cpp import Llama
    from llama_cpp.llama_speculative import LlamaPromptLookupDecoding

    from align.translate import load_gguf_translator
    from align.translate.prompts import CHAT_PROMPT

    sys.path.insert(0, str(Path(__file__).parent))
    from bench_translate import read_set

    sources, references = read_set("newstest2014", count)
    start = time.perf_counter()
    batched = load_gguf_translator(str(path), CHAT_PROMPT).translate(sources)
    report("batched engine (32 a batch, shared prefix)", count / (time.perf_counter() - start), batched, references)
    for name, draft in (("one sequence", None), ("one sequence + prompt lookup", LlamaPromptLookupDecoding(num_pred_tokens=10))):
        llm = Llama(str(path), n_ctx=1024, n_threads=cpu_threads(), n_batch=512, verbose=False, draft_model=draft)
        start, drafts = time.perf_counter(), []
        for source in sources:
            prompt = CHAT_PROMPT.prefix + CHAT_PROMPT.query(source)
            out = llm.create_completion(prompt, max_tokens=256, temperature=0.0, stop=["<|im_end|>", "\n"])
            drafts.append(CHAT_PROMPT.reply(out["choices"][0]["text"], source))
        report(name, count / (time.perf_counter() - start), drafts, references)
    print(f"({cpu_threads()} threads, load average {os.getloadavg()[0]:.1f})")


def report(name: str, rate: float, drafts: list[str], references: list[str]) -> None:
    from sacrebleu.metrics import CHRF

    print(f"{name:40} {rate:5.2f} sentences/s, chrF {CHRF().corpus_score(drafts, [references]).score:.1f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", action="append", choices=["fast", "best", "qwen-0.5b"])
    parser.add_argument("--decode", type=int, default=64, help="tokens to decode")
    parser.add_argument("--sentences", type=int, help="compare decoding schemes on this many real sentences")
    parser.add_argument("--steps", action="store_true", help="time steps of 1 to 64 tokens")
    parser.add_argument("--requantize", action="append", choices=sorted(REQUANTIZED),
                        help="with --steps, also time a copy of the model in this format")
    args = parser.parse_args()
    if args.steps:
        for name in args.model or ["best"]:
            print(name, f"({cpu_threads()} threads)")
            path = model_path(name)
            time_steps(path)
            for kind in args.requantize or []:
                with tempfile.TemporaryDirectory() as folder:
                    print(f"{name} requantized to {kind}")
                    time_steps(requantized(path, kind, Path(folder)))
        return
    if args.sentences:
        for name in args.model or ["best"]:
            compare_decoding(model_path(name), args.sentences)
        return
    for name in args.model or ["best", "qwen-0.5b"]:
        n, prompt_rate, decode_rate = measure(model_path(name), args.decode)
        print(f"{name:10} prompt {n} tokens at {prompt_rate:6.1f} tok/s, decode {decode_rate:6.1f} tok/s "
              f"({cpu_threads()} threads)", flush=True)


if __name__ == "__main__":
    main()
