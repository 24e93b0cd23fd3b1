"""A disk cache of travel matrices, so a re-plan does not recompute them.

A matrix is stored as one ``.npz`` file named by a sha256 of everything it
depends on: the model's :meth:`fingerprint` (model name, parameters, link
data, and the land geometry or the OSM file's bytes) and the points (ids and
coordinates rounded to 1e-6 degrees, about 0.1 m). Change any of these and
the key changes. Files are written atomically; a file that cannot be read or
does not match what was asked for is ignored and rebuilt.

The directory is ``$MOBILSTATION_CACHE`` when set, else
``~/.cache/mobilstation``.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from mobilstation._io import atomic_write_bytes
from mobilstation.travel.base import Point, TravelMatrix

log = logging.getLogger(__name__)

CACHE_ENV = "MOBILSTATION_CACHE"
_FORMAT = "1"


class CacheableTravelModel(Protocol):
    """A travel model that can say what its matrices depend on."""

    name: str

    def matrix(self, points: Sequence[Point]) -> TravelMatrix: ...

    def fingerprint(self) -> str: ...


def default_cache_dir() -> Path:
    """``$MOBILSTATION_CACHE`` or ``~/.cache/mobilstation``."""
    env = os.environ.get(CACHE_ENV)
    return Path(env).expanduser() if env else Path.home() / ".cache" / "mobilstation"


def cache_key(model: CacheableTravelModel, points: Sequence[Point]) -> str:
    """sha256 hex of the model fingerprint and the points (ids, coordinates rounded to 1e-6)."""
    h = hashlib.sha256()
    h.update(f"mobilstation-travel-cache/{_FORMAT}\n".encode())
    h.update(model.name.encode() + b"\n")
    h.update(model.fingerprint().encode() + b"\n")
    pts = [[p.id, round(float(p.lat), 6), round(float(p.lon), 6)] for p in points]
    h.update(json.dumps(pts, ensure_ascii=False).encode("utf-8"))
    return h.hexdigest()


def _encode(tm: TravelMatrix, key: str) -> bytes:
    meta = {
        "format": _FORMAT,
        "key": key,
        "ids": list(tm.ids),
        "links": [[i, j, list(v)] for (i, j), v in sorted(tm.links.items())],
        "model": tm.model,
        "estimated": tm.estimated,
        "params": tm.params,
    }
    buf = io.BytesIO()
    np.savez_compressed(
        buf,
        minutes=np.asarray(tm.minutes, np.int64),
        metres=np.asarray(tm.metres, np.int64),
        ferry=np.asarray(tm.ferry, bool),
        meta=np.frombuffer(json.dumps(meta, ensure_ascii=False).encode("utf-8"), dtype=np.uint8),
    )
    return buf.getvalue()


def _decode(path: Path, key: str, ids: tuple[str, ...]) -> TravelMatrix | None:
    """The matrix in ``path``, or None when it is unreadable or not the one asked for."""
    try:
        with np.load(path, allow_pickle=False) as z:
            meta: dict[str, Any] = json.loads(z["meta"].tobytes().decode("utf-8"))
            minutes = np.asarray(z["minutes"], np.int64)
            metres = np.asarray(z["metres"], np.int64)
            ferry = np.asarray(z["ferry"], bool)
        n = len(ids)
        if meta.get("format") != _FORMAT or meta.get("key") != key or tuple(meta["ids"]) != ids:
            return None
        if minutes.shape != (n, n) or metres.shape != (n, n) or ferry.shape != (n, n):
            return None
        links = {(int(i), int(j)): tuple(str(x) for x in v) for i, j, v in meta["links"]}
        return TravelMatrix(
            ids=ids,
            minutes=minutes,
            metres=metres,
            ferry=ferry,
            links=links,
            model=str(meta["model"]),
            estimated=bool(meta["estimated"]),
            params=dict(meta["params"]),
        )
    except Exception as exc:  # any corruption: rebuild
        log.warning("ignoring unreadable travel cache file %s (%s: %s)", path, type(exc).__name__, exc)
        return None


def cached_matrix(
    model: CacheableTravelModel, points: Sequence[Point], cache_dir: str | os.PathLike[str] | None = None
) -> TravelMatrix:
    """``model.matrix(points)``, from the cache when an identical matrix was computed before.

    ``cache_dir`` defaults to :func:`default_cache_dir`. A missing, corrupt or
    mismatching cache file is (re)built and written atomically.
    """
    points = list(points)
    directory = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    key = cache_key(model, points)
    path = directory / f"{model.name}-{key}.npz"
    ids = tuple(p.id for p in points)
    if path.is_file():
        hit = _decode(path, key, ids)
        if hit is not None:
            return hit
    tm = model.matrix(points)
    atomic_write_bytes(path, _encode(tm, key))
    return tm
