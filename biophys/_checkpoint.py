"""On-disk checkpoint of a sweep: one file per finished chunk, written atomically.

Layout of a checkpoint directory::

    manifest.json        settings hash, human-readable settings, chunk layout
    chunk_000000.npz     status and metric arrays of points [0, chunk_size); the archive's
                         comment records the settings hash and the points' bounds
    chunk_000001.npz     ...

Every file is written to a temporary name in the same directory, flushed to disk and renamed
with :func:`os.replace`, which is atomic: a killed process leaves either a complete file or none.
The manifest is instead hard-linked into place (:func:`os.link`, atomic and exclusive), so that
of two runs starting one checkpoint together only one writes it; the file system must support
hard links (POSIX local file systems and NFS do).
The manifest carries a SHA-256 of everything that determines the numbers (model, its kernel
sources and the package's Python sources, the full parameter and initial-state vectors, the
design, times, metrics, method, the stimulus's exact waveform...), so a checkpoint made for
different settings is refused rather than mixed in.
Every chunk carries that hash and its points' bounds too, and one that does not match is
recomputed; a run writes the manifest before any chunk, so chunk files found without a manifest
(left by another run whose manifest was deleted) are refused, not adopted.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
import zipfile
from pathlib import Path

import numpy as np

MANIFEST = "manifest.json"
FORMAT = 1


def settings_hash(settings: dict) -> str:
    """SHA-256 (hex) of a JSON-serialisable settings dict (key order irrelevant)."""
    text = json.dumps(settings, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def array_digest(*arrays: np.ndarray) -> str:
    """SHA-256 (first 32 hex digits) of the bytes, shapes and dtypes of arrays."""
    h = hashlib.sha256()
    for a in arrays:
        a = np.ascontiguousarray(a)
        h.update(f"{a.dtype.str}{a.shape}".encode())
        h.update(a.tobytes())
    return h.hexdigest()[:32]


def _file_mode() -> int:
    """The mode a newly created file gets under this process's umask (``0o666 & ~umask``)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


#: Mode of checkpoint files: as ``open()`` would create them, not ``mkstemp``'s 0600, so that
#: the shards of a job run by the members of a group on a shared file system can read each
#: other's chunks (the umask read once, at import).
FILE_MODE = _file_mode()


def _atomic_write(path: Path, write, exclusive: bool = False) -> None:
    """Write ``path`` through a temporary file in the same directory, renamed into place
    (``exclusive``: hard-linked, so that an existing ``path`` is left alone, silently), with
    mode :data:`FILE_MODE`."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            os.fchmod(f.fileno(), FILE_MODE)
            write(f)
            f.flush()
            os.fsync(f.fileno())
        if exclusive:
            with contextlib.suppress(FileExistsError):
                os.link(tmp, path)  # atomic and exclusive, on NFS too
            os.unlink(tmp)
        else:
            os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # make the rename durable (POSIX)
        dfd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


def read_manifest(path) -> dict | None:
    """The manifest of the checkpoint directory ``path``, or None if it has none yet (a named
    error if it is unreadable)."""
    return _load_manifest(path) if (Path(path) / MANIFEST).exists() else None


#: Names of a checkpoint's own files: manifest, chunks, and their temporary files
#: (:func:`_atomic_write`: ``.<name>.<random>.tmp``).
_OWN_FILE = re.compile(r"\.?(manifest\.json|chunk_\d{6,}\.npz)(\.[^.]+\.tmp)?")
_CHUNK_FILE = re.compile(r"chunk_\d{6,}\.npz")


def chunk_name(k: int) -> str:
    """File name of chunk ``k`` in a checkpoint directory."""
    return f"chunk_{k:06d}.npz"


def stored_chunks(path, manifest: dict) -> tuple[int, int]:
    """``(stored, total)``: how many of the chunks of the checkpoint at ``path``, whose
    manifest is ``manifest``, are on disk (each is written atomically, so a file is a whole
    chunk)."""
    total = -(-int(manifest["n_points"]) // int(manifest["chunk_size"]))
    return sum((Path(path) / chunk_name(k)).exists() for k in range(total)), total


def _load_manifest(path) -> dict:
    try:
        man = json.loads((Path(path) / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise ValueError(f"checkpoint {str(path)!r}: unreadable {MANIFEST}: {exc}") from None
    # a manifest.json of another program (a common name): not ours, whatever else it holds
    if (not isinstance(man, dict) or not {"format", "hash"} <= set(man)
            or not isinstance(man.get("settings", {}), dict)):
        raise ValueError(
            f"checkpoint {str(path)!r}: its {MANIFEST} is not that of a biophys checkpoint (no "
            "format, settings hash and settings); give a new or empty directory")
    return man


def refuse_foreign_files(path) -> None:
    """Refuse to start a checkpoint in an existing directory holding files of its own.

    A new checkpoint writes its manifest and chunk files into ``path``; a directory that
    already holds other files (the user's data, another program's output) is not taken over.
    Checkpoint files (the manifest, chunks and their temporary files) are tolerated if a run
    starting the same checkpoint at this moment (sharded runs) may have written them since
    the caller found no manifest: chunk files only with the manifest, which every run writes
    before its first chunk (it is looked for after the listing, so a concurrent run's chunks
    are seen with it). Chunk files without a manifest are those of another run, whose manifest
    was deleted: a ``ValueError`` naming the directory.
    """
    path = Path(path)
    if not path.is_dir():
        return
    names = [e.name for e in path.iterdir()]
    chunks = [n for n in names if _CHUNK_FILE.fullmatch(n)]
    if chunks and not (path / MANIFEST).exists():
        raise ValueError(
            f"checkpoint = {str(path)!r} holds {len(chunks)} chunk file(s) (e.g. "
            f"{min(chunks)!r}) but no {MANIFEST}: they are left by another run, whose settings "
            "are unknown, and are not reused; delete the directory (or its chunk_*.npz files) "
            "or give another checkpoint directory")
    foreign = sorted(n for n in names if not _OWN_FILE.fullmatch(n))
    if foreign:
        shown = ", ".join(repr(n) for n in foreign[:3]) + (", ..." if len(foreign) > 3 else "")
        raise ValueError(
            f"checkpoint = {str(path)!r} is a directory with {len(foreign)} file(s) but no "
            f"biophys checkpoint ({MANIFEST}), e.g. {shown}; give a new or empty directory, "
            "so that the sweep does not write its chunk files among other files")


class SettingsMismatch(ValueError):
    """A checkpoint written for other settings: ``path`` (the directory) and ``differing``
    (the names of the settings that differ) for callers that give their own advice."""

    def __init__(self, path, differing: list[str]) -> None:
        self.path = Path(path)
        self.differing = differing
        super().__init__(
            f"checkpoint {str(path)!r} was written for different settings (differing: "
            f"{', '.join(differing) or 'format'}); refusing to mix results. Use another "
            "directory, or delete this one to start afresh.")


def _check_directory(path: Path) -> None:
    if path.exists() and not path.is_dir():
        raise ValueError(f"checkpoint = {str(path)!r} exists and is not a directory")


def _check_manifest(path, man: dict, settings: dict, chunk_size: int | None) -> None:
    """A ``ValueError`` unless the manifest ``man`` of the checkpoint at ``path`` was written
    for ``settings`` and, if given, ``chunk_size`` (points)."""
    if man.get("format") != FORMAT or man.get("hash") != settings_hash(settings):
        old = man.get("settings", {})
        diff = sorted(k for k in set(old) | set(settings)  # as hashed: 0.0 is not -0.0
                      if settings_hash({k: old.get(k)}) != settings_hash({k: settings.get(k)}))
        raise SettingsMismatch(path, diff)
    if chunk_size is not None and int(chunk_size) != man["chunk_size"]:
        raise ValueError(
            f"checkpoint {str(path)!r} uses chunk_size = {man['chunk_size']}; resume with "
            f"chunk_size = {man['chunk_size']} or None (got {chunk_size})"
        )


def check_checkpoint(path, settings: dict, chunk_size: int | None) -> None:
    """Raise the ``ValueError`` that ``Checkpoint(path, settings, ..., chunk_size, ...)`` would
    raise, reading only (nothing is created or written): a manifest of other settings or
    another chunk size (points), or, without a manifest, a directory of other files or of
    chunk files (:func:`refuse_foreign_files`). For a dry run."""
    path = Path(path)
    _check_directory(path)
    man = read_manifest(path)
    if man is None:
        refuse_foreign_files(path)
    else:
        _check_manifest(path, man, settings, chunk_size)


class Checkpoint:
    """A checkpoint directory for one sweep.

    Parameters
    ----------
    path : path-like
        Directory (created if missing).
    settings : dict
        JSON-serialisable description of everything that determines the results.
    n_points, chunk_size : int
        Chunk layout: chunk ``k`` holds points ``[k*chunk_size, min((k+1)*chunk_size, n))``.
        ``chunk_size=None`` adopts the layout of an existing checkpoint, or ``new_chunk_size``
        for a new one.
    names : sequence of str
        Arrays stored per chunk.
    new_chunk_size : int, optional
        Chunk size of a new checkpoint started with ``chunk_size=None``.
    """

    def __init__(self, path, settings: dict, n_points: int, chunk_size: int | None,
                 names, new_chunk_size: int | None = None) -> None:
        self.path = Path(path)
        self.names = tuple(names)
        self.n_points = int(n_points)
        self.hash = digest = settings_hash(settings)
        man_path = self.path / MANIFEST
        _check_directory(self.path)
        if not man_path.exists():
            refuse_foreign_files(self.path)
            size = new_chunk_size if chunk_size is None else chunk_size
            if size is None:
                raise ValueError("chunk_size is needed to start a new checkpoint")
            self.path.mkdir(parents=True, exist_ok=True)
            man = {"format": FORMAT, "hash": digest, "chunk_size": int(size),
                   "n_points": self.n_points, "arrays": list(self.names), "settings": settings}
            text = json.dumps(man, indent=1, sort_keys=True)
            # exclusive: of two runs starting a checkpoint together (shards), one writes the
            # manifest and the other then checks its settings against it like any resume
            _atomic_write(man_path, lambda f: f.write(text.encode()), exclusive=True)
        man = _load_manifest(self.path)  # ours, or that of a run which started it first
        _check_manifest(path, man, settings, chunk_size)
        self.chunk_size = int(man["chunk_size"])
        self.n_chunks = -(-self.n_points // self.chunk_size)

    def chunk_file(self, k: int) -> Path:
        return self.path / chunk_name(k)

    def bounds(self, k: int) -> tuple[int, int]:
        lo = k * self.chunk_size
        return lo, min(lo + self.chunk_size, self.n_points)

    def load(self, k: int) -> dict[str, np.ndarray] | None:
        """The arrays of chunk ``k``, or None if missing, incomplete, or not written for this
        checkpoint's settings hash and the chunk's points (e.g. a chunk of another
        checkpoint copied in, or of a format without that record): to be recomputed."""
        f = self.chunk_file(k)
        if not f.exists():
            return None
        lo, hi = self.bounds(k)
        try:
            with np.load(f, allow_pickle=False) as z:
                out = {n: z[n] for n in self.names}
                made_for = json.loads(z.zip.comment or b"null")
        except (OSError, KeyError, ValueError, EOFError, zipfile.BadZipFile,
                NotImplementedError, RuntimeError):
            # EOFError: an empty file; BadZipFile: a truncated one; NotImplementedError and
            # RuntimeError: a damaged member header (an unknown compression method, or the
            # encryption flag set)
            return None
        if made_for != self._record(k) or any(a.shape != (hi - lo,) for a in out.values()):
            return None
        return out

    def _record(self, k: int) -> dict:
        """What chunk ``k`` was written for (the comment of its archive, as JSON)."""
        return {"settings_hash": self.hash, "points": list(self.bounds(k))}

    def save(self, k: int, arrays: dict[str, np.ndarray]) -> None:
        """Write chunk ``k`` atomically: an ``.npz`` archive of its arrays (as
        :func:`numpy.savez` writes it) whose comment records the settings hash and the
        chunk's points."""
        data = {n: np.asarray(arrays[n]) for n in self.names}
        comment = json.dumps(self._record(k)).encode()

        def write(f) -> None:
            with zipfile.ZipFile(f, mode="w", compression=zipfile.ZIP_STORED) as zf:
                for name, a in data.items():
                    with zf.open(f"{name}.npy", "w", force_zip64=True) as member:
                        np.lib.format.write_array(member, a, allow_pickle=False)
                zf.comment = comment

        _atomic_write(self.chunk_file(k), write)
