"""Where a data set's files come from: an offline folder, a system copy, the cache or a download.

`locate` tries, in order:

1. the folder named by `COURSE_DATA_DIR` (an offline copy: the official release
   files, or the layouts of the course's shared `datasets/` folder);
2. a system copy, where one exists (Debian's `dataset-fashion-mnist` installs
   `/usr/share/datasets/fashion-mnist`);
3. the cache folder (`COURSE_CACHE_DIR`, by default the project's `data/`);
4. a download of the official release through `keras.utils.get_file`, into the
   cache.

Every file is checked against its known checksum before it is returned. If no
source works, the error lists every place searched and says how to provide the
data offline. Decoding the files is `utils.data`'s job.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from utils.archives import DataError, verify_checksum
from utils.runtime import PROJECT_ROOT

SYSTEM_DIRS = {"fashion-mnist": Path("/usr/share/datasets/fashion-mnist")}


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
