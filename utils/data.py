"""Offline-first loaders for the course's four data sets.

Each loader returns plain NumPy arrays or Python strings and prints one line
saying where the data came from. Sources are tried in this order:

1. the folder named by `COURSE_DATA_DIR` (an offline copy: the official release
   files, or the layouts of the course's shared `datasets/` folder);
2. a system copy, where one exists (Debian's `dataset-fashion-mnist` installs
   `/usr/share/datasets/fashion-mnist`);
3. the cache folder (`COURSE_CACHE_DIR`, by default the project's `data/`);
4. a download of the official release through `keras.utils.get_file`, checked
   against its published checksum, into the cache.

Every file is checked against its known checksum before it is read, archives
are extracted atomically with tarfile's `data` filter, and pickled CIFAR
batches are only ever read straight from the checksum-verified official
archive. If no source works, the error lists every place searched and says how
to provide the data offline.
"""

from __future__ import annotations

import gzip
import itertools
import os
import pickle
import re
import shutil
import struct
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np

from utils.archives import DataError, extract_tar, verify_checksum
from utils.runtime import PROJECT_ROOT

FASHION_MNIST_CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)  # fmt: skip
CIFAR10_CLASSES = (
    "airplane", "automobile", "bird", "cat", "deer",
    "dog", "frog", "horse", "ship", "truck",
)  # fmt: skip


@dataclass(frozen=True)
class Release:
    """One published form of a data set: its files with checksums, and where it lives.

    `files` pairs each file name with its sha256 (64 hex digits) or md5 (32).
    `base_url` is the official origin the files download from, or None for a
    form that exists only as an offline copy. `folder` is the sub-folder name
    under which an offline copy may also sit.
    """

    label: str
    files: tuple[tuple[str, str], ...]
    base_url: str | None
    folder: str


FASHION_MNIST_IDX = Release(
    label="official IDX files",
    files=(
        ("train-images-idx3-ubyte.gz", "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7"),
        ("train-labels-idx1-ubyte.gz", "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056"),
        ("t10k-images-idx3-ubyte.gz", "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa"),
        ("t10k-labels-idx1-ubyte.gz", "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05"),
    ),
    base_url="https://storage.googleapis.com/tensorflow/tf-keras-datasets/",
    folder="fashion-mnist",
)
CIFAR10_PYTHON = Release(
    label="official python release",
    files=(("cifar-10-python.tar.gz", "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"),),
    base_url="https://www.cs.toronto.edu/~kriz/",
    folder="cifar-10",
)
CIFAR10_JPEG = Release(
    label="JPEG copy",
    files=(("cifar-10-images.tar.gz", "71b9c9837b43c816d41835ca4ca22e99decfba261293c4caa69214cec1346e98"),),
    base_url=None,
    folder="cifar-10",
)
IMDB_OFFICIAL = Release(
    label="official aclImdb release",
    files=(("aclImdb_v1.tar.gz", "7c2ac02c03563afcf9b574c7e56c153a"),),
    base_url="https://ai.stanford.edu/~amaas/data/sentiment/",
    folder="aclImdb",
)
IMDB_LABELED = Release(
    label="labeled-only aclImdb copy",
    files=(("aclImdb_v1_labeled.tar.gz", "4e9d0525b250a6cb05fe550c70c3341899b0df13f1d4ec200e26713b4bfd3a33"),),
    base_url=None,
    folder="aclImdb",
)
IRISH_ABC = Release(
    label="irish.abc",
    files=(("irish.abc", "df3782d5f7b5a2f4c66aa7c13f13008d5f48757b3f5f51620cd6c1ceb2c53023"),),
    base_url="https://raw.githubusercontent.com/aamini/introtodeeplearning/master/mitdeeplearning/data/",
    folder="irish",
)
SYSTEM_DIRS = {"fashion-mnist": Path("/usr/share/datasets/fashion-mnist")}


class ImageData(NamedTuple):
    """`(x_train, y_train), (x_test, y_test), class_names = load_...()`."""

    train: tuple[np.ndarray, np.ndarray]
    test: tuple[np.ndarray, np.ndarray]
    class_names: tuple[str, ...]


class TextData(NamedTuple):
    """`(train_texts, y_train), (test_texts, y_test) = load_imdb()`."""

    train: tuple[list[str], np.ndarray]
    test: tuple[list[str], np.ndarray]


class FolkTunes(NamedTuple):
    """`text, tunes = load_irish_folk_tunes()`: the whole file and one string per tune."""

    text: str
    tunes: list[str]


def cache_dir() -> Path:
    """The folder downloads and extracted archives go to: `COURSE_CACHE_DIR` or `data/`."""
    return Path(os.environ.get("COURSE_CACHE_DIR") or PROJECT_ROOT / "data")


def _display(path: Path) -> str:
    """A path as it may be printed in a notebook: relative where it can be."""
    offline = os.environ.get("COURSE_DATA_DIR")
    for base, name in ((PROJECT_ROOT, ""), (Path(offline) if offline else None, "$COURSE_DATA_DIR")):
        if base is not None:
            try:
                rel = path.resolve().relative_to(Path(base).resolve())
            except ValueError:
                continue
            return str(Path(name) / rel) if name else str(rel)
    return str(path)


def _candidate_places(dataset: str) -> list[tuple[str, Path | None]]:
    """The places searched, in order, as (description, folder or None when unset)."""
    offline = os.environ.get("COURSE_DATA_DIR")
    places: list[tuple[str, Path | None]] = [("offline folder $COURSE_DATA_DIR", Path(offline) if offline else None)]
    if dataset in SYSTEM_DIRS:
        places.append(("system copy", SYSTEM_DIRS[dataset]))
    places.append(("cache", cache_dir()))
    return places


def _files_in(folder: Path, release: Release) -> list[Path] | None:
    """The release's files in `folder` or its sub-folder, or None if any is missing."""
    for base in (folder, folder / release.folder):
        paths = [base / name for name, _ in release.files]
        if all(p.is_file() for p in paths):
            return paths
    return None


def _download(release: Release) -> list[Path]:
    """Download the release's files into the cache with `keras.utils.get_file`.

    Each file lands in a temporary folder first and is moved into the cache
    only once its checksum matched, so an interrupted download leaves nothing.
    """
    import keras

    target_dir = cache_dir()
    target_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, checksum in release.files:
        staging = Path(tempfile.mkdtemp(prefix=".download-", dir=target_dir))
        try:
            fetched = keras.utils.get_file(
                fname=name,
                origin=release.base_url + name,
                file_hash=checksum,
                cache_dir=str(staging),
                cache_subdir="files",
            )
            verify_checksum(Path(fetched), checksum)
            final = target_dir / name
            Path(fetched).replace(final)
            paths.append(final)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return paths


def locate(dataset: str, releases: tuple[Release, ...]) -> tuple[Release, list[Path]]:
    """Find a verified copy of one of `releases`, downloading the official one if need be.

    Returns the release found and the paths of its files, after checking every
    file's checksum and printing which source was used. Raises `DataError`
    naming the bad file if a copy is corrupt, or listing every place searched
    if there is no copy and the download fails.
    """
    searched = []
    for description, folder in _candidate_places(dataset):
        if folder is None:
            searched.append(f"{description}: not set")
            continue
        for release in releases:
            paths = _files_in(folder, release)
            if paths is not None:
                for path, (_, checksum) in zip(paths, release.files, strict=True):
                    verify_checksum(path, checksum)
                print(f"{dataset}: {release.label} from {_display(paths[0])} ({description})")
                return release, paths
        searched.append(f"{description}: {folder}")
    downloadable = [r for r in releases if r.base_url]
    errors = []
    for release in downloadable:
        try:
            paths = _download(release)
        except DataError:
            raise
        except Exception as error:
            errors.append(f"download {release.base_url}{release.files[0][0]}: {type(error).__name__}: {error}")
            continue
        print(f"{dataset}: {release.label} downloaded from {release.base_url} into the cache")
        return release, paths
    wanted = " or ".join(" + ".join(name for name, _ in r.files) for r in releases)
    raise DataError(
        f"{dataset} not found. Searched:\n  - "
        + "\n  - ".join(searched + errors)
        + f"\nTo work offline, put {wanted} in a folder and set COURSE_DATA_DIR to it"
        + (" (or `apt-get install dataset-fashion-mnist`)" if dataset == "fashion-mnist" else "")
        + "; with internet access the official files are downloaded into the cache."
    )


def _read_idx(path: Path, expected_ndim: int) -> np.ndarray:
    """Read a gzipped IDX file (the MNIST family's format) into a uint8 array."""
    try:
        with gzip.open(path, "rb") as stream:
            raw = stream.read()
    except (OSError, EOFError) as error:
        raise DataError(
            f"{path} is not a readable gzip file ({error}); it is corrupt or truncated: "
            "delete it and download it again."
        ) from error
    if len(raw) < 4 or raw[:2] != b"\x00\x00" or raw[2] != 0x08 or raw[3] != expected_ndim:
        raise DataError(f"{path} is not an IDX file of {expected_ndim}-D unsigned bytes (bad header).")
    shape = struct.unpack(f">{expected_ndim}I", raw[4 : 4 + 4 * expected_ndim])
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * expected_ndim)
    if data.size != int(np.prod(shape)):
        raise DataError(f"{path} holds {data.size} bytes of data where its header promises {shape}.")
    return data.reshape(shape)


def load_fashion_mnist() -> ImageData:
    """Load Fashion-MNIST: 60,000 training and 10,000 test images, 28×28 uint8.

    Returns `(x_train, y_train), (x_test, y_test), class_names` with
    x: (N, 28, 28) uint8 in 0–255, y: (N,) uint8 in 0–9.
    """
    _, paths = locate("fashion-mnist", (FASHION_MNIST_IDX,))
    x_train, y_train, x_test, y_test = (
        _read_idx(paths[0], 3), _read_idx(paths[1], 1), _read_idx(paths[2], 3), _read_idx(paths[3], 1)
    )  # fmt: skip
    for x, y in ((x_train, y_train), (x_test, y_test)):
        if len(x) != len(y):
            raise DataError(f"Fashion-MNIST has {len(x)} images but {len(y)} labels.")
    return ImageData((x_train, y_train), (x_test, y_test), FASHION_MNIST_CLASSES)


def _read_cifar_python(archive: Path) -> ImageData:
    """Read the official pickled batches straight out of the verified archive."""
    batches = {}
    with tarfile.open(archive, "r:gz") as tar:
        for member in tar.getmembers():
            name = Path(member.name).name
            if name.startswith(("data_batch_", "test_batch")):
                batch = pickle.load(tar.extractfile(member), encoding="bytes")  # noqa: S301 - checksum-verified official archive
                images = np.asarray(batch[b"data"], dtype=np.uint8).reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
                batches[name] = (images, np.asarray(batch[b"labels"], dtype=np.uint8))
    train = [batches[f"data_batch_{i}"] for i in range(1, 6)]
    x_train = np.concatenate([x for x, _ in train])
    y_train = np.concatenate([y for _, y in train])
    return ImageData((x_train, y_train), batches["test_batch"], CIFAR10_CLASSES)


def _read_jpeg_folder(split_dir: Path) -> tuple[np.ndarray, np.ndarray]:
    """Decode `split_dir/<class>/*.jpg` into (N, 32, 32, 3) uint8 images and labels."""
    from PIL import Image

    found = sorted(p.name for p in split_dir.iterdir() if p.is_dir())
    if tuple(found) != CIFAR10_CLASSES:
        raise DataError(f"{split_dir} should hold one folder per CIFAR-10 class {CIFAR10_CLASSES}, found {found}.")
    images, labels = [], []
    for label, name in enumerate(CIFAR10_CLASSES):
        for path in sorted((split_dir / name).glob("*.jpg")):
            with Image.open(path) as image:
                pixels = np.asarray(image.convert("RGB"), dtype=np.uint8)
            if pixels.shape != (32, 32, 3):
                raise DataError(f"{path} is {pixels.shape}, not a 32×32 RGB image.")
            images.append(pixels)
            labels.append(label)
    return np.stack(images), np.asarray(labels, dtype=np.uint8)


def _extracted(archive: Path, checksum: str) -> Path:
    """Extract a verified archive once into the cache, keyed by its checksum."""
    return extract_tar(archive, cache_dir() / f"{archive.name.split('.')[0]}-{checksum[:12]}")


def load_cifar10() -> ImageData:
    """Load CIFAR-10: 50,000 training and 10,000 test images, 32×32×3 uint8.

    Returns `(x_train, y_train), (x_test, y_test), class_names` with
    x: (N, 32, 32, 3) uint8, y: (N,) uint8 in the official label order.
    """
    release, paths = locate("cifar-10", (CIFAR10_PYTHON, CIFAR10_JPEG))
    if release is CIFAR10_PYTHON:
        return _read_cifar_python(paths[0])
    checksum = release.files[0][1]
    decoded = cache_dir() / f"cifar-10-images-{checksum[:12]}.npz"
    if decoded.is_file():
        try:
            with np.load(decoded, allow_pickle=False) as arrays:
                train, test = (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])
            return ImageData(train, test, CIFAR10_CLASSES)
        except (OSError, ValueError, KeyError, zipfile.BadZipFile):
            decoded.unlink()  # damaged memo: decode the verified archive again
    root = _extracted(paths[0], checksum) / "cifar-10-images"
    (x_train, y_train), (x_test, y_test) = _read_jpeg_folder(root / "train"), _read_jpeg_folder(root / "test")
    _save_npz_atomically(decoded, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    return ImageData((x_train, y_train), (x_test, y_test), CIFAR10_CLASSES)


def _save_npz_atomically(path: Path, **arrays: np.ndarray) -> None:
    """Save decoded arrays (no pickles) through a temporary file and a rename.

    Decoding 60,000 JPEGs takes seconds on every load; the arrays are kept
    beside the extracted archive, named after its checksum, so a different
    archive never reuses them.
    """
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.stem}-", suffix=".npz", delete=False) as tmp:
        np.savez(tmp, **arrays)
    Path(tmp.name).replace(path)


def _review_id(path: Path) -> int:
    """The review id in an aclImdb file name `<id>_<rating>.txt`."""
    review_id, _, rating = path.stem.partition("_")
    if not (review_id.isdigit() and rating.isdigit()):
        raise DataError(f"{path.name} is not named <id>_<rating>.txt: not the official aclImdb layout.")
    return int(review_id)


def _read_reviews(split_dir: Path) -> tuple[list[str], np.ndarray]:
    """Read `split_dir/{neg,pos}/*.txt`: texts and labels (0 negative, 1 positive), negatives first.

    Within each folder the reviews come in the order of their ids. The
    release numbers the reviews of one movie consecutively, so neighbours
    in this order are often about the same movie (what lesson 05's
    validation split in blocks relies on).
    """
    texts, labels = [], []
    for label, polarity in enumerate(("neg", "pos")):
        folder = split_dir / polarity
        if not folder.is_dir():
            raise DataError(f"{folder} is missing: not the official aclImdb layout.")
        for path in sorted(folder.glob("*.txt"), key=_review_id):
            texts.append(path.read_text(encoding="utf-8"))
            labels.append(label)
    return texts, np.asarray(labels, dtype=np.int64)


def load_imdb() -> TextData:
    """Load the IMDB Large Movie Review Dataset's official 25k/25k labeled split.

    Returns `(train_texts, y_train), (test_texts, y_test)`: raw review strings
    (with their `<br />` tags) and labels (N,) int64, 1 for positive.
    """
    release, paths = locate("aclImdb", (IMDB_OFFICIAL, IMDB_LABELED))
    root = _extracted(paths[0], release.files[0][1]) / "aclImdb"
    return TextData(_read_reviews(root / "train"), _read_reviews(root / "test"))


def split_tunes(text: str) -> list[str]:
    """Split an ABC file into tunes: each starts at a line opening with `X:`.

    Tunes are usually separated by blank lines, but a blank line can also sit
    inside a tune (tune 22 of irish.abc has one after its K: line), so the
    `X:` header, not the blank line, marks where a tune begins. Text before
    the first `X:` (other than blank lines and `%` comments) is an error.
    """
    starts = [m.start() for m in re.finditer(r"^X:", text, flags=re.MULTILINE)]
    preamble = text[: starts[0]] if starts else text
    stray = [line for line in preamble.splitlines() if line.strip() and not line.startswith("%")]
    if stray:
        raise DataError(f"ABC text before the first 'X:' header is not a tune: {stray[0][:60]!r}")
    bounds = [*starts, len(text)]
    return [text[a:b].strip() for a, b in itertools.pairwise(bounds)]


def load_irish_folk_tunes() -> FolkTunes:
    """Load the 804 Irish folk tunes in ABC notation: the whole text and one string per tune."""
    _, paths = locate("irish-folk-tunes", (IRISH_ABC,))
    try:
        text = paths[0].read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise DataError(f"{paths[0]} is not UTF-8 text: {error}") from error
    return FolkTunes(text, split_tunes(text))
