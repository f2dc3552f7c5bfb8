"""Offline-first loaders for the course's data sets: decode the files into arrays and strings.

Each loader asks `utils.sources.locate` for verified files (offline folder,
system copy, cache or download, in that order; it prints one line saying where
the data came from) and decodes them into plain NumPy arrays or Python strings.
Archives are extracted atomically with tarfile's `data` filter, and pickled
CIFAR batches are only ever read straight from the checksum-verified official
archive.
"""

from __future__ import annotations

import gzip
import pickle
import struct
import tarfile
import tempfile
import zipfile
from pathlib import Path
from typing import NamedTuple

import numpy as np

from utils.abc_notation import ABCError, split_tunes
from utils.archives import DataError, extract_tar, verify_checksum
from utils.sources import Release, cache_dir, locate

FASHION_MNIST_CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)  # fmt: skip
CIFAR10_CLASSES = (
    "airplane", "automobile", "bird", "cat", "deer",
    "dog", "frog", "horse", "ship", "truck",
)  # fmt: skip


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

MULTI30K_UPSTREAM = Release(
    label="upstream task 1 files",
    files=(
        ("train.de.gz", "726e39b2fa9eb9ffb6dc763fb35a179f80fae06ffc5d28b6ace5faa883de28a6"),
        ("train.en.gz", "d79cfa999dd4c51d2cb42499b6796d5a882c3a8a961923c25a898c90f8bbd56f"),
        ("val.de.gz", "f0cba2f995189cf5770f29a8a9a537a3ad3f51657ad873405082ff6863a5e75a"),
        ("val.en.gz", "14f7d25ddd868909a9213e361768460edcacdd6ab9d1e77b92560dc10c10dc28"),
        ("test_2016_flickr.de.gz", "9204244e408ccb38d2a55cfcd344df15005fc42a07a6e55ca6c52b6ababb8cc8"),
        ("test_2016_flickr.en.gz", "611d361c6334bc7246101d48097c13cf5c4413c5befc793cc629934359d532d9"),
    ),
    # github.com/multi30k/dataset at a pinned commit: the files never change under the checksums.
    base_url="https://raw.githubusercontent.com/multi30k/dataset/a3d2e0d26b56f3846f66a952536ffed4e401d05a/data/task1/raw/",
    folder="multi30k",
)
MULTI30K_ARCHIVE = Release(
    label="multi30k.tar.gz copy",
    files=(("multi30k.tar.gz", "816478e67c98ab4cf5d9128a53743c52c8b9f28828e2734c388730087bcfa811"),),
    base_url=None,
    folder="multi30k",
)
MULTI30K_SPLITS = {"train": "train", "validation": "val", "test": "test_2016_flickr"}  # our name: file stem


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


class ParallelText(NamedTuple):
    """Aligned sentences: `german[i]` translates to `english[i]`."""

    german: list[str]
    english: list[str]


class Translations(NamedTuple):
    """`train, validation, test = load_multi30k()`: three `ParallelText`s."""

    train: ParallelText
    validation: ParallelText
    test: ParallelText


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


def _locate_cifar10() -> tuple[Release, list[Path]]:
    """The verified CIFAR-10 files: the official release if found (or downloaded), else the offline JPEG copy."""
    return locate("cifar-10", (CIFAR10_PYTHON, CIFAR10_JPEG))


def _jpeg_copy_root(archive: Path, checksum: str) -> Path:
    """The JPEG copy's `cifar-10-images` folder (train/ and test/, one folder per class), extracted once."""
    return _extracted(archive, checksum) / "cifar-10-images"


def load_cifar10() -> ImageData:
    """Load CIFAR-10: 50,000 training and 10,000 test images, 32×32×3 uint8.

    Returns `(x_train, y_train), (x_test, y_test), class_names` with
    x: (N, 32, 32, 3) uint8, y: (N,) uint8 in the official label order.
    """
    release, paths = _locate_cifar10()
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
    root = _jpeg_copy_root(paths[0], checksum)
    (x_train, y_train), (x_test, y_test) = _read_jpeg_folder(root / "train"), _read_jpeg_folder(root / "test")
    _save_npz_atomically(decoded, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    return ImageData((x_train, y_train), (x_test, y_test), CIFAR10_CLASSES)


def cifar10_jpeg_files() -> list[Path]:
    """The JPEG files behind `load_cifar10()`'s images, or [] when it reads the official release (raw pixels).

    The offline copy is extracted into the cache once (keyed by its checksum), so the files' headers can be
    read to state how the images were compressed.
    """
    release, paths = _locate_cifar10()
    if release is CIFAR10_PYTHON:
        return []
    return sorted(_jpeg_copy_root(paths[0], release.files[0][1]).glob("*/*/*.jpg"))


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


def load_irish_folk_tunes() -> FolkTunes:
    """Load the 804 Irish folk tunes in ABC notation: the whole text and one string per tune."""
    _, paths = locate("irish-folk-tunes", (IRISH_ABC,))
    try:
        text = paths[0].read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise DataError(f"{paths[0]} is not UTF-8 text: {error}") from error
    try:
        return FolkTunes(text, split_tunes(text))
    except ABCError as error:
        raise DataError(f"{paths[0]} is not a file of ABC tunes: {error}") from error


def read_sentences(path: Path) -> list[str]:
    """The lines of a gzipped UTF-8 text file, one sentence each, without their newlines.

    Lines are split at "\\n" only: `str.splitlines` would also split at characters
    such as U+2028 inside a sentence and so shift every later line of one
    language against the other.
    """
    try:
        with gzip.open(path, "rb") as stream:
            text = stream.read().decode("utf-8")
    except (OSError, EOFError) as error:  # gzip.BadGzipFile is an OSError; a cut-off stream ends in EOFError
        raise DataError(
            f"{path} is not a complete gzip file ({type(error).__name__}: {error}): delete it and download it again."
        ) from error
    except UnicodeDecodeError as error:
        raise DataError(f"{path} is not UTF-8 text: {error}") from error
    return text.removesuffix("\n").split("\n") if text else []


def read_parallel(german_path: Path, english_path: Path) -> ParallelText:
    """Read two aligned files; a different number of lines means they are not aligned, an error."""
    german, english = read_sentences(german_path), read_sentences(english_path)
    if len(german) != len(english):
        raise DataError(
            f"{german_path} has {len(german):,} sentences but {english_path} has {len(english):,}: "
            "line i of one must translate line i of the other. One file is truncated or from another release: "
            "delete both and download them again."
        )
    return ParallelText(german, english)


def load_multi30k() -> Translations:
    """Load Multi30k task 1, German-English: 29,000 training, 1,014 validation and 1,000 test pairs.

    The test split is `test_2016_flickr`. Sentences are returned as written
    (case, punctuation and the upstream's few `&amp;` untouched); tokenising is
    the lesson's job. The offline archive's six files are checked against the
    upstream checksums too, so both sources give byte-identical text.
    """
    release, paths = locate("multi30k", (MULTI30K_UPSTREAM, MULTI30K_ARCHIVE))
    if release is MULTI30K_ARCHIVE:
        archive = paths[0]
        folder = _extracted(archive, release.files[0][1]) / "multi30k"
        paths = [folder / name for name, _ in MULTI30K_UPSTREAM.files]
        for path, (name, checksum) in zip(paths, MULTI30K_UPSTREAM.files, strict=True):
            if not path.is_file():
                raise DataError(
                    f"{archive} holds no multi30k/{name}: not the course's multi30k.tar.gz. "
                    "Delete it and copy a good one in its place."
                )
            verify_checksum(path, checksum)
    files = {path.name: path for path in paths}
    return Translations(
        *(read_parallel(files[f"{stem}.de.gz"], files[f"{stem}.en.gz"]) for stem in MULTI30K_SPLITS.values())
    )
