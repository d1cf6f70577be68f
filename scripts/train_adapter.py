"""Train the LoRA adapter that the default translator applies to the embedded Gemma 3 270M.

The base model only imitates its few-shot examples; a small adapter trained on open French–
English pairs teaches it to translate in exactly that prompt format. Training runs on CPU with
plain torch (the GGUF dequantised by transformers), and the adapter is written in llama.cpp's
LoRA GGUF format, which llama.cpp applies on top of the quantised model at load time.

    .venv/bin/python scripts/train_adapter.py --out align/adapters/gemma3-270m-fr-en-lora.gguf

Training data (never the reported test sets NTREX-128 and newstest2014, nor the dev lines
1000–1199 of newstest2013 on which variants are compared): newstest2013 lines 0–999 and
1200–2999, the UD PUD French–English sentences and a sample of Tatoeba, all from ../shared.
Sequences pack several pairs after the prompt header, as the few-shot prompt does, and the loss
covers the English side only, over the English tokens seen in the training data (a restricted
softmax: the full 262k-token output layer would cost more than the rest of the model).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from align.translate import (  # noqa: E402
    DEFAULT_PROMPT,
    LORA_TARGETS,
    embedded_gguf_path,
    prepare_source,
    write_lora_adapter,
)
from align.textio import write_text_atomic  # noqa: E402
from align.translate.packaged import QWEN_1_5B, assemble  # noqa: E402
from align.translate.prompts import CHAT_PROMPT  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
DEV_LINES = range(1000, 1200)


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def training_pairs(tatoeba: int, seed: int) -> list[tuple[str, str]]:
    wmt = SHARED / "translate" / "wmt"
    news = [
        (fr, en)
        for i, (fr, en) in enumerate(zip(_lines(wmt / "newstest2013.fra"), _lines(wmt / "newstest2013.eng")))
        if i not in DEV_LINES
    ]
    pud = SHARED / "segment" / "ud-pud-fr-en"
    news += list(zip(_lines(pud / "pud.fr"), _lines(pud / "pud.en")))
    tatoeba_dir = SHARED / "translate" / "tatoeba"
    short = list(
        zip(_lines(tatoeba_dir / "tatoeba-test-v2021-08-07.fra"), _lines(tatoeba_dir / "tatoeba-test-v2021-08-07.eng"))
    )
    rng = random.Random(seed)
    pairs = news + rng.sample(short, min(tatoeba, len(short)))
    rng.shuffle(pairs)
    return [(fr.strip(), en.strip()) for fr, en in pairs if fr.strip() and en.strip()]


class LoRALinear(nn.Module):
    """``base(x) + scale · B A x`` with A, B trainable (kept in float32 whatever the model
    computes in) and the base frozen."""

    def __init__(self, base: nn.Linear, rank: int, alpha: float):
        super().__init__()
        self.base = base
        self.a = nn.Parameter(torch.empty(rank, base.in_features))
        nn.init.kaiming_uniform_(self.a, a=5**0.5)
        self.b = nn.Parameter(torch.zeros(base.out_features, rank))
        self.scale = alpha / rank

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.base(x) + (x @ self.a.T.to(x.dtype) @ self.b.T.to(x.dtype)) * self.scale


def add_lora(model: nn.Module, rank: int, alpha: float) -> dict[str, LoRALinear]:
    for parameter in model.parameters():
        parameter.requires_grad_(False)
    adapters = {}
    for index, layer in enumerate(model.model.layers):
        for module_name, tensor_name in LORA_TARGETS.items():
            parent_name, child_name = module_name.split(".")
            parent = getattr(layer, parent_name)
            wrapped = LoRALinear(getattr(parent, child_name), rank, alpha)
            setattr(parent, child_name, wrapped)
            adapters[f"blk.{index}.{tensor_name}.weight"] = wrapped
    return adapters


def packed_sequences(pairs, tokenizer, max_tokens: int, chat: bool = False) -> list[tuple[list[int], list[bool]]]:
    """Header then pairs as ``French: …\\nEnglish: …\\n\\n`` (``chat``: the system turn then
    pairs as user and assistant turns, as :data:`CHAT_PROMPT` lays them out), tokenised piece by
    piece as the translator does (prefix, then each query); ``True`` marks English tokens (and
    the chat turn's end) to predict."""
    def encode(text: str) -> list[int]:
        return tokenizer(text, add_special_tokens=False)["input_ids"]

    if chat:
        header = encode(CHAT_PROMPT.prefix)
    else:
        header = [tokenizer.bos_token_id] + encode(DEFAULT_PROMPT.header)
    sequences, ids, targets = [], list(header), [False] * len(header)
    for fr, en in pairs:
        if chat:
            query = encode(CHAT_PROMPT.query(fr))
            answer = encode(f"{en}<|im_end|>\n")
        else:
            query = encode(f"French: {prepare_source(fr)}\nEnglish:")
            answer = encode(f" {en}\n\n")
        if len(header) + len(query) + len(answer) > max_tokens:
            continue
        if len(ids) + len(query) + len(answer) > max_tokens:
            sequences.append((ids, targets))
            ids, targets = list(header), [False] * len(header)
        ids += query + answer
        targets += [False] * len(query) + [True] * len(answer)
    if len(ids) > len(header):
        sequences.append((ids, targets))
    return sequences


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--rank", type=int, default=16)
    parser.add_argument("--alpha", type=float, default=32.0)
    parser.add_argument("--lr", type=float, default=3e-4)
    parser.add_argument("--tatoeba", type=int, default=1500, help="Tatoeba pairs mixed in")
    parser.add_argument("--max-tokens", type=int, default=384, help="tokens per packed sequence")
    parser.add_argument("--epochs", type=int, default=1, help="passes over the data, reshuffled each time")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--log", type=Path, help="training record (JSON); default: next to --out")
    parser.add_argument("--model", choices=["embedded", "qwen-1.5b"], default="embedded",
                        help="qwen-1.5b: --quality best's model, trained in its chat layout, computing in bfloat16 "
                             "(twice as fast as float32 on a CPU with AVX-512 BF16)")
    parser.add_argument("--pairs", type=int, help="train on the first N shuffled pairs only")
    args = parser.parse_args()

    from transformers import AutoModelForCausalLM, AutoTokenizer

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    chat = args.model == "qwen-1.5b"
    gguf_path = assemble(QWEN_1_5B) if chat else embedded_gguf_path()
    tokenizer = AutoTokenizer.from_pretrained(gguf_path.parent, gguf_file=gguf_path.name)
    model = AutoModelForCausalLM.from_pretrained(gguf_path.parent, gguf_file=gguf_path.name,
                                                 dtype=torch.bfloat16 if chat else torch.float32)
    adapters = add_lora(model, args.rank, args.alpha)
    pairs = training_pairs(args.tatoeba, args.seed)[: args.pairs]
    sequences = packed_sequences(pairs, tokenizer, args.max_tokens, chat)
    vocabulary = sorted({t for ids, targets in sequences for t, y in zip(ids, targets) if y})  # same in every epoch
    remap = torch.full((model.config.vocab_size,), -1, dtype=torch.long)
    remap[torch.tensor(vocabulary)] = torch.arange(len(vocabulary))
    head = model.get_output_embeddings().weight[torch.tensor(vocabulary)].detach()
    epochs = [sequences] + [
        packed_sequences(random.Random(args.seed + e).sample(pairs, len(pairs)), tokenizer, args.max_tokens, chat)
        for e in range(1, args.epochs)
    ]
    training_sequences = [seq for epoch in epochs for seq in epoch]
    steps = len(training_sequences)
    print(f"{len(sequences)} sequences, {sum(sum(t) for _, t in sequences)} target tokens, "
          f"{len(vocabulary)} output tokens, {steps} steps", flush=True)
    parameters = [p for lora in adapters.values() for p in (lora.a, lora.b)]
    optimiser = torch.optim.AdamW(parameters, lr=args.lr, weight_decay=0.0)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda step: min(1.0, (step + 1) / 20) * max(0.05, 1 - step / steps)
    )
    softcap = getattr(model.config, "final_logit_softcapping", None)
    model.train()
    start, losses, log = time.perf_counter(), [], []
    for step, (ids, targets) in enumerate(training_sequences):
        input_ids = torch.tensor([ids])
        hidden = model.model(input_ids=input_ids).last_hidden_state[0]
        # position t predicts token t+1
        predict = torch.tensor(targets[1:] + [False])
        labels = remap[input_ids[0, 1:][predict[:-1]]]
        logits = (hidden[predict] @ head.T).float()
        if softcap:
            logits = torch.tanh(logits / softcap) * softcap
        loss = nn.functional.cross_entropy(logits, labels)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(parameters, 1.0)
        optimiser.step()
        schedule.step()
        optimiser.zero_grad()
        losses.append(loss.item())
        elapsed = time.perf_counter() - start
        if (step + 1) % 10 == 0:
            mean = sum(losses[-10:]) / 10
            log.append({"step": step + 1, "loss": round(mean, 4), "seconds": round(elapsed, 1)})
            print(f"step {step + 1}/{steps} loss {mean:.3f} {elapsed:.0f} s", flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    partial = args.out.with_name(args.out.name + ".partial")
    write_lora_adapter(
        partial, {name: (lora.a.detach().numpy(), lora.b.detach().numpy()) for name, lora in adapters.items()}, args.alpha,
        arch="qwen2" if chat else "gemma3",
    )
    partial.replace(args.out)
    record = {"command": " ".join(sys.argv), "args": {k: str(v) for k, v in vars(args).items()}, "log": log}
    write_text_atomic(args.log or args.out.with_suffix(".json"), json.dumps(record, indent=1) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
