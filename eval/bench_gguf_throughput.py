"""Raw llama.cpp throughput of the packaged GGUF models: prompt and decode tokens per second.

Why: it bounds what any decoding scheme can reach on this machine. A sentence costs its prompt
tokens plus its output tokens; once batching makes decoding as compute-bound as prompt
evaluation, sentences per second cannot exceed about (prompt rate) / (tokens per sentence),
whatever the draft model or lookup used (eval/results/translate.md, run 12).

    .venv/bin/python eval/bench_gguf_throughput.py [--model fast|best|qwen-0.5b] [--decode 64]
"""

from __future__ import annotations

import argparse
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", action="append", choices=["fast", "best", "qwen-0.5b"])
    parser.add_argument("--decode", type=int, default=64, help="tokens to decode")
    args = parser.parse_args()
    for name in args.model or ["best", "qwen-0.5b"]:
        n, prompt_rate, decode_rate = measure(model_path(name), args.decode)
        print(f"{name:10} prompt {n} tokens at {prompt_rate:6.1f} tok/s, decode {decode_rate:6.1f} tok/s "
              f"({cpu_threads()} threads)", flush=True)


if __name__ == "__main__":
    main()
