"""Shared fixtures: paths to the project's documents and an isolated cache per test session."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEED_FR = ROOT / "source" / "dprk-troops-2024-11-05.fr.txt"
SEED_EN = ROOT / "translations" / "dprk-troops-2024-11-05.en.txt"
SEED_GOLD = ROOT / "eval" / "gold" / "dprk-troops-2024-11-05.fr-en.gold"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(autouse=True, scope="session")
def isolated_cache(tmp_path_factory: pytest.TempPathFactory):
    """Keep tests away from the user's cache, but share one cache within the session."""
    mp = pytest.MonkeyPatch()
    mp.setenv("ALIGN_CACHE_DIR", str(tmp_path_factory.mktemp("align-cache")))
    yield
    mp.undo()


@pytest.fixture(scope="session")
def embedded_gguf():
    """The embedded Gemma GGUF, read once: parsing its 262k-token vocabulary costs ~10 CPU s,
    and the vocabulary, LoRA and transformers tests all look at its tensors."""
    from gguf import GGUFReader

    from align.translate import embedded_gguf_path

    return GGUFReader(str(embedded_gguf_path()))


@pytest.fixture(scope="session")
def browser() -> Iterator:
    """Debian's headless Chromium driven by Playwright (its own browser download cannot work here)."""
    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium at /usr/bin/chromium (scripts/install-browser)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()
