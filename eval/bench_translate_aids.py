"""Benchmark the translation aids: glossary compliance, translation-memory reuse, lookup speed.

    .venv/bin/python eval/bench_translate_aids.py glossary --limit 120
    .venv/bin/python eval/bench_translate_aids.py tm --limit 50
    .venv/bin/python eval/bench_translate_aids.py lookups --segments 1000000
    .venv/bin/python eval/bench_translate_aids.py tmx --segments 200000

``glossary``: terms are mined from WMT newstest2013+2014 (a French stem n-gram and an English
n-gram that occur in the same sentence pairs, Dice >= 0.7, both in >= 8 pairs, the English not a
copy of the French). The test set is the first newstest2014 sentences whose source holds a term
that its reference renders as the glossary gives it. Compliance is the share of those term
occurrences whose English the draft contains (the check ``term-missing`` makes), without a
glossary and with each glossary mode, plus chrF against the references.

``tm``: a document built from newstest2013 lines 1000+ (never in the embedded example memory):
``--limit`` sentences the memory holds exactly, as many whose memory entry is an earlier
version (a number changed on both sides, else one French word missing), as many that are new.
Reports verbatim reuse of exact matches, and chrF on the near repeats with and without the
memory (paired bootstrap).

``lookups``: a synthetic memory of ``--segments`` French segments (real sentences from the
shared sets cut at a random word and spliced), then lookups of segments it holds, near repeats
(one word changed) and new sentences: build time, lookups per second, and how often a near
repeat finds its original; then, for ``--recall`` of the near repeats and new sentences, whether
the index finds a match as good as an exhaustive rapidfuzz search over every segment; and
``load_tm`` on the memory as a file, first indexed and kept, then read back from the cache folder.

``tmx``: the same synthetic memory written as TMX by ``align``'s exporter (``write_corpus``), then
read by ``read_tm`` (entity check and parse), each in a fresh process, whose CPU time and peak
memory are its own.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_translate import chrf_gain, score  # noqa: E402

DATA = Path(os.environ.get("ALIGN_TRANSLATE_DATA", "/work/shared/data/translate"))
WMT = DATA / "wmt"
_FRENCH_FUNCTION = frozenset(
    "le la les un une des de du d l au aux et ou en dans sur pour par avec sans que qui quoi dont ne pas plus "
    "ce cet cette ces son sa ses leur leurs il elle ils elles on nous vous je tu se s est sont a ont été être "
    "avoir y n qu c j m t mais comme si tout tous toute toutes très aussi bien même autre".split())
_ENGLISH_FUNCTION = frozenset(
    "the a an of to in on for by with and or that which who is are was were be been has have had it its "
    "this these those as at from not but their they he she we you i his her our if also more".split())


def read_pairs(name: str) -> list[tuple[str, str]]:
    french = (WMT / f"{name}.fra").read_text(encoding="utf-8").splitlines()
    english = (WMT / f"{name}.eng").read_text(encoding="utf-8").splitlines()
    return list(zip(french, english))


# ---------------------------------------------------------------------------------------------
# Glossary compliance


def _grams(words: list[str], stop: frozenset[str]) -> set[tuple[str, ...]]:
    grams = {(w,) for w in words if w not in stop and len(w) > 3}
    grams |= {(a, b) for a, b in zip(words, words[1:]) if a not in stop and b not in stop}
    return grams


def mine_terms(pairs: list[tuple[str, str]], min_count: int = 8, min_dice: float = 0.7):
    """(French surface, English surface) terms whose stem n-grams co-occur across ``pairs``."""
    from align.translate.glossary import _WORD_RE, english_stem, french_stem

    french_sides, english_sides, surfaces = [], [], defaultdict(Counter)
    for fr, en in pairs:
        fr_words = [m.group() for m in _WORD_RE.finditer(fr)]
        en_words = [m.group() for m in _WORD_RE.finditer(en)]
        fr_stems = [french_stem(w) for w in fr_words]
        en_stems = [english_stem(w) for w in en_words]
        fr_grams, en_grams = _grams(fr_stems, _FRENCH_FUNCTION), _grams(en_stems, _ENGLISH_FUNCTION)
        for n in (1, 2):
            for i in range(len(fr_words) - n + 1):
                if tuple(fr_stems[i : i + n]) in fr_grams:
                    surfaces[("fr",) + tuple(fr_stems[i : i + n])][" ".join(fr_words[i : i + n])] += 1
            for i in range(len(en_words) - n + 1):
                if tuple(en_stems[i : i + n]) in en_grams:
                    surfaces[("en",) + tuple(en_stems[i : i + n])][" ".join(en_words[i : i + n])] += 1
        french_sides.append(fr_grams)
        english_sides.append(en_grams)
    fr_df = Counter(g for grams in french_sides for g in grams)
    en_df = Counter(g for grams in english_sides for g in grams)
    frequent_fr = {g for g, c in fr_df.items() if c >= min_count}
    frequent_en = {g for g, c in en_df.items() if c >= min_count}
    both = Counter()
    for fr_grams, en_grams in zip(french_sides, english_sides):
        for f in fr_grams & frequent_fr:
            for e in en_grams & frequent_en:
                both[f, e] += 1
    candidates: dict[tuple[str, ...], list[tuple[float, tuple[str, ...]]]] = defaultdict(list)
    for (f, e), c in both.items():
        dice = 2 * c / (fr_df[f] + en_df[e])
        if dice >= min_dice:
            candidates[f].append((dice, e))
    best = {}
    for f, scored in candidates.items():  # the longest English within 0.1 of the best Dice
        top = max(d for d, _ in scored)
        best[f] = max(((d, e) for d, e in scored if d >= top - 0.1), key=lambda de: (len(de[1]), de[0]))
    terms = []
    for f, (_, e) in best.items():
        french = surfaces[("fr",) + f].most_common(1)[0][0]
        english = surfaces[("en",) + e].most_common(1)[0][0]
        if french.casefold() != english.casefold() and f != e:
            terms.append((french, english))
    return terms


def bench_glossary(limit: int, modes: list[str]) -> None:
    from align.translate import get_translator, translate_sentences
    from align.translate.glossary import Glossary, Term

    terms = mine_terms(read_pairs("newstest2013") + read_pairs("newstest2014"))
    glossary = Glossary([Term(fr, en) for fr, en in terms], "mined glossary")
    test = []
    for fr, en in read_pairs("newstest2014"):  # every term of the source rendered as given
        if glossary.find(fr) and not glossary.missing(fr, en):
            test.append((fr, en))
        if len(test) == limit:
            break
    sources, references = [s for s, _ in test], [r for _, r in test]
    occurrences = sum(len(glossary.find(s)) for s in sources)
    print(f"glossary: {len(glossary.terms)} terms mined; test: {len(test)} newstest2014 sentences, "
          f"{occurrences} term occurrences; e.g. {terms[:8]}", flush=True)
    translator = get_translator("gguf")
    outputs = {}
    for mode in modes:
        start = time.perf_counter()
        if mode == "none":
            drafts = translate_sentences(sources, translator)
        else:
            drafts = translate_sentences(sources, translator, glossary=glossary, glossary_mode=mode)
        wall = time.perf_counter() - start
        missing = sum(len(glossary.missing(d.source, d.text)) for d in drafts)
        outputs[mode] = [d.text for d in drafts]
        scores = score(outputs[mode], references)
        print(f"| {mode} | {len(sources)} | {occurrences} | {1 - missing / occurrences:.3f} | {scores['chrf']:.1f} | "
              f"{scores['bleu']:.1f} | {len(sources) / wall:.2f} |", flush=True)
    for mode in modes:
        if mode != "none" and "none" in outputs:
            point, low, high = chrf_gain(outputs[mode], outputs["none"], references)
            print(f"chrF {mode} - none: {point:+.1f} (95 % interval {low:+.1f} … {high:+.1f})")


# ---------------------------------------------------------------------------------------------
# Translation memory reuse

_NUMBER_RE = re.compile(r"(?<![\d.,])\d+(?![\d.,])")


def _earlier_version(fr: str, en: str, rng: random.Random) -> tuple[str, str]:
    """What a memory might hold from a previous document: the same sentence with a number
    changed on both sides, or, without a shared number, with one French word missing."""
    shared = [n for n in _NUMBER_RE.findall(fr) if re.search(rf"(?<![\d.,]){n}(?![\d.,])", en)]
    if shared:
        n = rng.choice(shared)
        other = str(int(n) + 1)
        pattern = rf"(?<![\d.,]){n}(?![\d.,])"
        return re.sub(pattern, other, fr, count=1), re.sub(pattern, other, en, count=1)
    words = fr.split()
    drop = rng.randrange(1, len(words) - 1)
    return " ".join(words[:drop] + words[drop + 1 :]), en


def bench_tm(limit: int) -> None:
    from align.translate import get_translator, translate_sentences
    from align.translate.tm import TMIndex

    rng = random.Random(2013)
    pool = [(fr, en) for fr, en in read_pairs("newstest2013")[1000:] if 8 <= len(fr.split()) <= 40]
    rng.shuffle(pool)
    exact, near, new, rest = pool[:limit], pool[limit : 2 * limit], pool[2 * limit : 3 * limit], pool[3 * limit :]
    memory_pairs = rest + exact + [_earlier_version(fr, en, rng) for fr, en in near]
    memory = TMIndex(memory_pairs)
    document = [fr for fr, _ in exact + near + new]
    references = [en for _, en in exact + near + new]
    print(f"memory: {len(memory_pairs)} pairs (newstest2013 lines 1000+); document: {len(document)} sentences "
          f"({limit} exact, {limit} near repeats, {limit} new)", flush=True)
    translator = get_translator("gguf")
    start = time.perf_counter()
    plain = translate_sentences(document, translator)
    plain_s = time.perf_counter() - start
    start = time.perf_counter()
    aided = translate_sentences(document, translator, memory=memory)
    aided_s = time.perf_counter() - start
    reused = sum(d.text == en and d.flags[:1] == ("tm:100",) for d, (_, en) in zip(aided[:limit], exact))
    fuzzy = [next((f for f in d.flags if f.startswith("tm:")), None) for d in aided[limit : 2 * limit]]
    found = [int(f[3:]) for f in fuzzy if f]
    print(f"exact matches reused verbatim: {reused}/{limit}; near repeats with a fuzzy match >= 75 %: "
          f"{len(found)}/{limit} (median {sorted(found)[len(found) // 2] if found else 0} %); "
          f"new sentences flagged tm: {sum(any(f.startswith('tm:') for f in d.flags) for d in aided[2 * limit:])}")
    print(f"seconds: without memory {plain_s:.1f}, with {aided_s:.1f}")
    span = slice(limit, 2 * limit)
    near_refs = references[span]
    for label, drafts in (("without memory", plain), ("with memory", aided)):
        print(f"near repeats, {label}: chrF {score([d.text for d in drafts[span]], near_refs)['chrf']:.1f}")
    point, low, high = chrf_gain([d.text for d in aided[span]], [d.text for d in plain[span]], near_refs)
    print(f"chrF gain on near repeats: {point:+.1f} (95 % interval {low:+.1f} … {high:+.1f})")
    whole_plain = score([d.text for d in plain], references)["chrf"]
    whole_aided = score([d.text for d in aided], references)["chrf"]
    print(f"whole document chrF: without {whole_plain:.1f}, with {whole_aided:.1f}")


# ---------------------------------------------------------------------------------------------
# Lookup speed at scale


def _french_sentences() -> list[str]:
    files = [WMT / "newstest2013.fra", WMT / "newstest2014.fra", DATA / "ntrex128/newstest2019-ref.fra.txt",
             DATA / "tatoeba/tatoeba-test-v2021-08-07.fra"]
    novels = Path(os.environ.get("ALIGN_ALIGN_DATA", "/work/shared/data/align")) / "transread-fr-en"
    files += sorted(novels.glob("*.fr.sents"))
    lines = [line.strip() for f in files for line in f.read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if len(line.split()) >= 4]


def _synthetic_memory(segments: int, split_pool: list[list[str]], rng: random.Random) -> list[tuple[str, str]]:
    """Segments that are one real sentence cut at a random word and spliced onto another's tail."""
    memory = []
    for i in range(segments):
        a, b = rng.choice(split_pool), rng.choice(split_pool)
        memory.append((" ".join(a[: rng.randint(2, len(a))] + b[rng.randint(0, len(b) - 2) :]), f"en {i}"))
    return memory


def _exhaustive_best(sources: list[str], queries: list[str]) -> list[int]:
    """Each query's best CAT percentage over every stored source (0 below 75 %), by rapidfuzz
    without any index: tokens become one character each, so whole sentences compare as strings."""
    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    from align.translate.tm_search import percent, tokens

    code: dict[str, str] = {}

    def encode(text: str) -> str:
        return "".join(code.setdefault(t, chr(0x10000 + len(code))) for t in tokens(text))

    choices = [encode(s) for s in sources]
    best = []
    for query in queries:
        found = process.extractOne(encode(query), choices, scorer=Levenshtein.normalized_similarity,
                                   score_cutoff=0.7499)
        best.append(percent(tokens(query), tokens(sources[found[2]])) if found else 0)
    return best


def _rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def bench_lookups(segments: int, queries: int, recall_sample: int) -> None:
    from align.translate.tm import TMIndex

    rng = random.Random(1)
    sentences = _french_sentences()
    rng.shuffle(sentences)
    held_out, pool = sentences[:queries], sentences[queries:]
    split_pool = [s.split() for s in pool]
    memory = _synthetic_memory(segments, split_pool, rng)
    before = _rss_mib()
    start, cpu = time.perf_counter(), time.process_time()
    index = TMIndex(memory)
    build, build_cpu = time.perf_counter() - start, time.process_time() - cpu
    index_mib = _rss_mib() - before
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    third = queries // 3
    exact = [memory[rng.randrange(segments)][0] for _ in range(third)]
    originals = [memory[rng.randrange(segments)][0] for _ in range(third)]
    near = []
    for text in originals:
        words = text.split()
        words[rng.randrange(len(words))] = rng.choice(rng.choice(split_pool))
        near.append(" ".join(words))
    novel = held_out[: queries - 2 * third]
    results, cpu_rates = {}, {}
    for label, batch in (("exact", exact), ("near", near), ("new", novel)):
        start, cpu = time.perf_counter(), time.process_time()
        found = [index.lookup(q) for q in batch]
        results[label] = (len(batch) / (time.perf_counter() - start), found)
        cpu_rates[label] = len(batch) / (time.process_time() - cpu)
    near_found = sum(bool(f) and any(m.source == " ".join(o.split()) for m in f)
                     for f, o in zip(results["near"][1], originals))
    eligible = sum(len(o.split()) >= 4 for o in originals)
    total = sum(len(results[k][1]) for k in results)
    everything = total / sum(len(results[k][1]) / results[k][0] for k in results)
    everything_cpu = total / sum(len(results[k][1]) / cpu_rates[k] for k in results)
    print(f"| {segments:,} | {build:.0f} s ({build_cpu:.0f} CPU s) | {index_mib:,.0f} MiB ({peak:,.0f}) | "
          + " | ".join(f"{results[k][0]:,.0f} ({cpu_rates[k]:,.0f})" for k in ("exact", "near", "new"))
          + f" | {everything:,.0f} ({everything_cpu:,.0f}) | {near_found}/{len(near)} ({eligible} of >= 4 words) |"
          + f" load {os.getloadavg()[0]:.1f}", flush=True)
    if recall_sample:
        # Half near repeats, half new sentences: exact matches never reach the search.
        sample = near[: recall_sample // 2] + novel[: recall_sample - recall_sample // 2]
        fast = [index.lookup(q) for q in sample]
        start = time.process_time()
        reference = _exhaustive_best([source for source, _ in index.pairs], sample)
        same = [(f[0].score if f else 0) == r for f, r in zip(fast, reference) if r >= index.threshold]
        print(f"\nrecall against exhaustive rapidfuzz ({time.process_time() - start:.0f} CPU s): "
              f"{sum(same)}/{len(same)} of the {len(sample)} sampled queries whose best match is >= "
              f"{index.threshold} % get a match as good; {sum(r < index.threshold for r in reference)} have none, "
              f"and the index finds none for {sum(not f for f, r in zip(fast, reference) if r < index.threshold)}")
    del index, results
    _kept_index(memory)


def _kept_index(memory: list[tuple[str, str]]) -> None:
    """load_tm on the memory as a TSV file: read and indexed, then read back from the cache folder."""
    import tempfile

    from align.translate import tm

    with tempfile.TemporaryDirectory() as folder:
        os.environ["ALIGN_CACHE_DIR"] = folder
        path = Path(folder) / "memory.tsv"
        path.write_text("".join(f"{fr}\t{en}\n" for fr, en in memory), encoding="utf-8")
        for label in ("read, indexed and kept", "read back"):
            tm._load_tm.cache_clear()
            start, cpu = time.perf_counter(), time.process_time()
            tm.load_tm([path])
            print(f"load_tm, {label}: {time.perf_counter() - start:.1f} s ({time.process_time() - cpu:.1f} CPU s)",
                  flush=True)
        kept = sum(f.stat().st_size for f in (Path(folder) / "tm").glob("*.npz"))
        print(f"kept index: {kept / 2**20:,.0f} MiB on disk; memory file {path.stat().st_size / 2**20:,.0f} MiB")


def bench_tmx(segments: int) -> None:
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "memory.tmx"
        load, start = os.getloadavg()[0], time.perf_counter()
        cpu, before, peak = subprocess.run([sys.executable, __file__, "tmx", "--segments", str(segments), "--write", str(path)],
                                           capture_output=True, text=True, check=True).stdout.split()
        wall, size = time.perf_counter() - start, path.stat().st_size
        print(f"write_corpus of {segments:,} pairs as TMX ({size / 2**20:,.0f} MiB): {float(cpu):.1f} CPU s, "
              f"{wall:.1f} s wall with building the pairs; RSS {float(before):,.0f} MiB with the pairs built, "
              f"peak {float(peak):,.0f} MiB; load {load:.1f} before, {os.getloadavg()[0]:.1f} after", flush=True)
        load, start = os.getloadavg()[0], time.perf_counter()
        units, cpu, peak = subprocess.run([sys.executable, __file__, "tmx", "--read", str(path)], capture_output=True,
                                          text=True, check=True).stdout.split()
        wall = time.perf_counter() - start
    print(f"read_tm on {int(units):,} TMX units ({size / 2**20:,.0f} MiB): {float(cpu):.1f} CPU s, {wall:.1f} s wall, "
          f"peak RSS {float(peak):,.0f} MiB; load {load:.1f} before, {os.getloadavg()[0]:.1f} after", flush=True)


def _memory_mib(field: str) -> float:
    return int(re.search(rf"{field}:\s*(\d+)", Path("/proc/self/status").read_text()).group(1)) / 1024


def _write_tmx(path: str, segments: int) -> None:
    """bench_tmx's writing process: CPU seconds of write_corpus, memory before it and peak."""
    from align.formats import write_corpus
    from align.records import Pair

    memory = _synthetic_memory(segments, [s.split() for s in _french_sentences()], random.Random(1))
    pairs = [Pair("memory", [i], [i], fr, en) for i, (fr, en) in enumerate(memory)]
    del memory
    before, cpu = _memory_mib("VmRSS"), time.process_time()
    write_corpus(pairs, path, "tmx")
    print(time.process_time() - cpu, before, _memory_mib("VmHWM"))


def _read_tmx(path: str) -> None:
    """bench_tmx's fresh process: units, CPU seconds and peak memory of read_tm (as VmHWM: a
    child's ru_maxrss starts from its parent's, which holds the memory just written)."""
    from align.translate.tm import read_tm

    cpu = time.process_time()
    units = len(read_tm(path))
    cpu = time.process_time() - cpu
    print(units, cpu, _memory_mib("VmHWM"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="what", required=True)
    glossary = sub.add_parser("glossary")
    glossary.add_argument("--limit", type=int, default=120)
    glossary.add_argument("--mode", dest="modes", action="append", choices=["none", "gloss", "prompt"])
    tm = sub.add_parser("tm")
    tm.add_argument("--limit", type=int, default=50, help="sentences of each kind")
    lookups = sub.add_parser("lookups")
    lookups.add_argument("--segments", type=int, default=1_000_000)
    lookups.add_argument("--queries", type=int, default=3000)
    lookups.add_argument("--recall", type=int, default=200,
                         help="near repeats and new sentences also searched exhaustively")
    tmx = sub.add_parser("tmx")
    tmx.add_argument("--segments", type=int, default=200_000)
    tmx.add_argument("--read", metavar="TMX", help=argparse.SUPPRESS)
    tmx.add_argument("--write", metavar="TMX", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.what == "glossary":
        print("| system | sentences | term occurrences | compliance | chrF | BLEU | sent/s |\n|---|---|---|---|---|---|---|")
        bench_glossary(args.limit, args.modes or ["none", "gloss", "prompt"])
    elif args.what == "tm":
        bench_tm(args.limit)
    elif args.what == "tmx" and args.read:
        _read_tmx(args.read)
    elif args.what == "tmx" and args.write:
        _write_tmx(args.write, args.segments)
    elif args.what == "tmx":
        bench_tmx(args.segments)
    else:
        print("lookups a second, wall clock (per CPU second)\n\n"
              "| segments | build | index RSS (peak) | exact | near repeat | new | all | near repeat found |\n"
              "|---|---|---|---|---|---|---|---|")
        bench_lookups(args.segments, args.queries, args.recall)


if __name__ == "__main__":
    main()
