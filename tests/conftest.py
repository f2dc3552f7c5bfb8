"""Fixtures that build tiny copies of every data format the loaders accept.

Each builder writes a few images, reviews or tunes in the official layout and
returns a `Release` describing them (file names and the checksums of these tiny
files), so a test can swap it in for the real one with `monkeypatch`.
"""

from __future__ import annotations

import gzip
import io
import os
import pickle
import struct
import tarfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from utils import data, sources
from utils.archives import sha256sum

# The real offline folder, captured before the isolation fixture hides it from each test.
REAL_DATA_DIR = os.environ.get("COURSE_DATA_DIR")

TWO_TUNES = """X:1
T:First
M:6/8
L:1/8
K:D Major
AFD DFA|dfe dBA|!

X:2
T:Second
M:C|
L:1/8
K:G Major

GABc d2B2|c2A2 G4:|!
"""


def idx_bytes(array: np.ndarray) -> bytes:
    """Encode a uint8 array in the IDX format of (Fashion-)MNIST."""
    header = bytes([0, 0, 0x08, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(np.uint8).tobytes()


def add_bytes(tar: tarfile.TarFile, name: str, payload: bytes) -> None:
    """Add a regular file `name` holding `payload` to an open tar archive."""
    info = tarfile.TarInfo(name)
    info.size = len(payload)
    tar.addfile(info, io.BytesIO(payload))


def release_for(
    folder: Path, names: list[str], template: sources.Release, base_url: str | None = None
) -> sources.Release:
    """A Release like `template` for the files `names` in `folder`, with their real checksums."""
    return sources.Release(
        label=template.label,
        files=tuple((name, sha256sum(folder / name)) for name in names),
        base_url=base_url,
        folder=template.folder,
    )


@pytest.fixture(autouse=True)
def isolated_sources(tmp_path, monkeypatch):
    """Every test starts with no offline folder, no system copy and an empty cache."""
    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)
    monkeypatch.setenv("COURSE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("COURSE_RESULTS_DIR", str(tmp_path / "results"))
    monkeypatch.setattr(sources, "SYSTEM_DIRS", {"fashion-mnist": tmp_path / "no-system-copy"})
    # Through monkeypatch, so it is restored: notebooks run later in the same pytest
    # session start their kernels with this process's environment (COURSE_MODE=smoke).
    monkeypatch.delenv("COURSE_MODE", raising=False)


@pytest.fixture(autouse=True, scope="session")
def run_mode_is_left_as_found():
    """Fail loudly if any test leaks a change of COURSE_MODE into the notebooks' kernels."""
    before = os.environ.get("COURSE_MODE")
    yield
    assert os.environ.get("COURSE_MODE") == before, "a test changed COURSE_MODE for the rest of the session"


@pytest.fixture
def fashion_files(tmp_path):
    """Four tiny IDX files (6 training, 4 test images) and their Release."""
    folder = tmp_path / "fashion"
    folder.mkdir()
    rng = np.random.default_rng(0)
    arrays = {
        "train-images-idx3-ubyte.gz": rng.integers(0, 256, (6, 28, 28)),
        "train-labels-idx1-ubyte.gz": np.arange(6) % 10,
        "t10k-images-idx3-ubyte.gz": rng.integers(0, 256, (4, 28, 28)),
        "t10k-labels-idx1-ubyte.gz": np.arange(4),
    }
    for name, array in arrays.items():
        (folder / name).write_bytes(gzip.compress(idx_bytes(array)))
    return folder, release_for(folder, list(arrays), data.FASHION_MNIST_IDX), arrays


def jpeg_bytes(colour: tuple[int, int, int]) -> bytes:
    """A 32×32 JPEG of one flat colour."""
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), colour).save(buffer, format="JPEG", quality=95)
    return buffer.getvalue()


@pytest.fixture
def cifar_jpeg_archive(tmp_path):
    """A tiny `cifar-10-images.tar.gz`: 2 training and 1 test JPEG per class."""
    folder = tmp_path / "cifar-jpeg"
    folder.mkdir()
    with tarfile.open(folder / "cifar-10-images.tar.gz", "w:gz") as tar:
        for split, count in (("train", 2), ("test", 1)):
            for label, name in enumerate(data.CIFAR10_CLASSES):
                for i in range(count):
                    add_bytes(tar, f"cifar-10-images/{split}/{name}/{i:04d}.jpg", jpeg_bytes((25 * label, 0, 0)))
    return folder, release_for(folder, ["cifar-10-images.tar.gz"], data.CIFAR10_JPEG)


@pytest.fixture
def cifar_python_archive(tmp_path):
    """A tiny `cifar-10-python.tar.gz`: five training batches of 2 and a test batch of 3."""
    folder = tmp_path / "cifar-python"
    folder.mkdir()
    rng = np.random.default_rng(1)
    with tarfile.open(folder / "cifar-10-python.tar.gz", "w:gz") as tar:
        for name, size in [*((f"data_batch_{i}", 2) for i in range(1, 6)), ("test_batch", 3)]:
            batch = {b"data": rng.integers(0, 256, (size, 3072), dtype=np.uint8), b"labels": list(range(size))}
            add_bytes(tar, f"cifar-10-batches-py/{name}", pickle.dumps(batch))
    return folder, release_for(folder, ["cifar-10-python.tar.gz"], data.CIFAR10_PYTHON)


@pytest.fixture
def imdb_archive(tmp_path):
    """A tiny labeled aclImdb archive: 3 positive and 1 negative review per split."""
    folder = tmp_path / "imdb"
    folder.mkdir()
    with tarfile.open(folder / "aclImdb_v1_labeled.tar.gz", "w:gz") as tar:
        add_bytes(tar, "aclImdb/README", b"Large Movie Review Dataset v1.0")
        for split in ("train", "test"):
            add_bytes(tar, f"aclImdb/{split}/neg/0_1.txt", b"Dreadful.<br /><br />Not good at all.")
            add_bytes(tar, f"aclImdb/{split}/pos/0_10.txt", "A gem, caf\u00e9 scene and all.".encode())
            add_bytes(tar, f"aclImdb/{split}/pos/10_8.txt", b"Good fun.")  # sorts before 1_9.txt as text
            add_bytes(tar, f"aclImdb/{split}/pos/1_9.txt", b"Loved it.")
    return folder, release_for(folder, ["aclImdb_v1_labeled.tar.gz"], data.IMDB_LABELED)


@pytest.fixture
def tunes_file(tmp_path):
    """A two-tune `irish.abc` (the second with a blank line inside it, as in the real corpus)."""
    folder = tmp_path / "tunes"
    folder.mkdir()
    (folder / "irish.abc").write_text(TWO_TUNES)
    return folder, release_for(folder, ["irish.abc"], data.IRISH_ABC)


MULTI30K_PAIRS = {
    "train": (
        ["Zwei Männer.", "Ein Hund\u2028läuft.", "Ein Kind spielt."],
        ["Two men.", "A dog runs.", "A child plays."],
    ),
    "val": (["Eine Frau singt."], ["A woman sings."]),
    "test_2016_flickr": (["Ein Ball.", "Zwei Bälle."], ["A ball.", "Two balls."]),
}


@pytest.fixture
def multi30k_files(tmp_path):
    """Tiny Multi30k task 1 files: the six upstream .gz files, and the course's archive of them.

    A training sentence holds U+2028 (a line separator to `str.splitlines`, not to the files).
    Returns the folder of the six files, the folder of the archive, and both releases.
    """
    upstream = tmp_path / "multi30k-upstream"
    upstream.mkdir()
    for stem, (german, english) in MULTI30K_PAIRS.items():
        for language, sentences in (("de", german), ("en", english)):
            text = "".join(sentence + "\n" for sentence in sentences)
            (upstream / f"{stem}.{language}.gz").write_bytes(gzip.compress(text.encode()))
    names = [f"{stem}.{language}.gz" for stem in MULTI30K_PAIRS for language in ("de", "en")]
    archived = tmp_path / "multi30k-archive"
    archived.mkdir()
    with tarfile.open(archived / "multi30k.tar.gz", "w:gz") as tar:
        for name in names:
            add_bytes(tar, f"multi30k/{name}", (upstream / name).read_bytes())
    return (
        upstream,
        archived,
        release_for(upstream, names, data.MULTI30K_UPSTREAM),
        release_for(archived, ["multi30k.tar.gz"], data.MULTI30K_ARCHIVE),
    )
