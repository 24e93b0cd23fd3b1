"""Loading a scenario: YAML files, ``include:``, overrides, relative paths, validation.

This is the step ``mobilstation validate`` shares with ``plan`` before any
district data is read. It records which file set each field (the including
file, an included one, or ``--set`` overrides) so every error names the file
the planner has to open.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from mobilstation.errors import ScenarioError
from mobilstation.i18n import t
from mobilstation.overrides import has_items, set_items
from mobilstation.scenario.field_errors import _display, _format_errors
from mobilstation.scenario.schema import Scenario

#: Fields holding input file paths, resolved against the naming file's directory.
_PATH_FIELDS: tuple[tuple[str, ...], ...] = (
    ("officers_file",),
    ("requests",),
    ("requests", "file"),
    ("history",),
    ("ledger",),
    ("incidents", "file"),
    ("travel", "pbf"),
    ("stations_file",),
    ("stations_file", "file"),
    ("links_file",),
    ("links_file", "file"),
)


def _resolve_paths(data: dict[str, Any], base: Path) -> None:
    for keys in _PATH_FIELDS:
        node: Any = data
        for k in keys[:-1]:
            node = node.get(k) if isinstance(node, dict) else None
        if isinstance(node, dict) and isinstance(node.get(keys[-1]), (str, os.PathLike)):
            if "://" in os.fspath(node[keys[-1]]):
                continue  # a database URL (ledger), not a path
            p = Path(node[keys[-1]]).expanduser()
            node[keys[-1]] = str(p if p.is_absolute() else (base / p).resolve())
    for item in data.get("campaigns") or []:
        if isinstance(item, dict) and isinstance(item.get("targets"), (str, os.PathLike)):
            p = Path(item["targets"]).expanduser()
            item["targets"] = str(p if p.is_absolute() else (base / p).resolve())


def _record_origins(
    data: Any, label: str, origins: dict[tuple[Any, ...], str], prefix: tuple[Any, ...]
) -> None:
    if isinstance(data, dict):
        for k, v in data.items():
            origins[(*prefix, k)] = label
            _record_origins(v, label, origins, (*prefix, k))


def _drop_origins(origins: dict[tuple[Any, ...], str], prefix: tuple[Any, ...]) -> None:
    for key in [k for k in origins if len(k) > len(prefix) and k[: len(prefix)] == prefix]:
        del origins[key]


def _merge(
    base: dict[str, Any],
    top: Mapping[str, Any],
    label: str,
    origins: dict[tuple[Any, ...], str],
    prefix: tuple[Any, ...] = (),
) -> dict[str, Any]:
    """Deep-merge ``top`` over ``base``: mappings merge, everything else replaces."""
    out = dict(base)
    for k, v in top.items():
        key = (*prefix, k)
        if isinstance(v, Mapping) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v, label, origins, key)
            if label:  # an error about the whole mapping names the last file that changed it
                origins[key] = label
        else:
            _drop_origins(origins, key)
            out[k] = _plain(v)
            origins[key] = label
            _record_origins(out[k], label, origins, key)
    return out


def _plain(v: Any) -> Any:
    if isinstance(v, Mapping):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_plain(x) for x in v]
    return v


def _read_yaml(path: Path, label: str) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(t("scenario.file_not_found", where=label)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(t("scenario.unreadable", where=label, reason=exc)) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        where = ""
        mark = getattr(exc, "problem_mark", None)
        if mark is not None:
            where = t("scenario.yaml_at", line=mark.line + 1, column=mark.column + 1)
        problem = getattr(exc, "problem", None) or str(exc)
        raise ScenarioError(t("scenario.yaml", where=label, at=where, problem=problem)) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ScenarioError(t("scenario.not_mapping", where=label, got=type(data).__name__))
    return data


def _load_file(path: Path, origins: dict[tuple[Any, ...], str], stack: tuple[Path, ...]) -> dict[str, Any]:
    label = _display(path)
    real = path.resolve()
    if real in stack:
        chain = " -> ".join(_display(p) for p in (*stack, real))
        raise ScenarioError(t("scenario.include_cycle", where=_display(stack[-1]), chain=chain))
    data = _read_yaml(path, label)
    includes = data.pop("include", None)
    _resolve_paths(data, real.parent)
    merged: dict[str, Any] = {}
    if includes is not None:
        if isinstance(includes, str):
            includes = [includes]
        if not isinstance(includes, list) or not all(isinstance(i, str) for i in includes):
            raise ScenarioError(t("scenario.include_type", where=label, got=repr(includes)))
        for inc in includes:
            inc_path = Path(inc).expanduser()
            if not inc_path.is_absolute():
                inc_path = real.parent / inc_path
            if not inc_path.is_file():
                raise ScenarioError(t("scenario.include_missing", where=label, path=_display(inc_path)))
            merged = _merge(merged, _load_file(inc_path, origins, (*stack, real)), "", {})
    # included files recorded their own origins; this file's keys win
    return _merge(merged, data, label, origins)


def _expand_dotted(overrides: Mapping[str, Any]) -> dict[str, Any]:
    """``{"solver.time_limit_s": 5}`` -> ``{"solver": {"time_limit_s": 5}}`` (plain keys kept)."""
    out: dict[str, Any] = {}
    for key, value in overrides.items():
        parts = str(key).split(".")
        nested: Any = _plain(value)
        for part in reversed(parts[1:]):
            nested = {part: nested}
        out = _merge(out, {parts[0]: nested}, "", {})
    return out


def _set_items(
    data: dict[str, Any], items: Mapping[str, Any], origins: dict[tuple[Any, ...], str]
) -> dict[str, Any]:
    """The overrides that reach into a list (``vehicles[1].days``), recorded as set by the overrides."""
    if not items:
        return data
    try:
        data, paths = set_items(data, items)
    except ScenarioError as exc:
        raise ScenarioError(f"overrides: {exc}") from None
    for path in paths:
        _drop_origins(origins, path)
        origins[path] = "overrides"
        node: Any = data
        for part in path:
            node = node[part]
        _record_origins(node, "overrides", origins, path)
    return data


def load_scenario(
    source: str | os.PathLike[str] | Mapping[str, Any],
    *,
    overrides: Mapping[str, Any] | None = None,
    base_dir: str | os.PathLike[str] | None = None,
) -> Scenario:
    """Read and validate a scenario (no district data is touched; see :func:`resolve`).

    ``source`` is a YAML file or an already-parsed mapping (then relative
    paths resolve against ``base_dir``, default the working directory).
    ``overrides`` deep-merge over the file last; keys may be dotted
    (``{"solver.time_limit_s": 5}``), reach into a list the scenario has
    (``{"vehicles[1].days": ["mon"]}``, see :mod:`mobilstation.overrides`),
    and relative paths in them resolve against the working directory.

    Raises :class:`ScenarioError` naming the file, the field path and what
    was expected.

    >>> s = load_scenario("scenarios/quick.yaml", overrides={"solver.seed": 7})
    >>> s.week, s.solver.seed, [d.isoformat() for d in s.dates][:2]
    ('2026-W49', 7, ['2026-11-30', '2026-12-01'])
    """
    origins: dict[tuple[Any, ...], str] = {}
    src_path: Path | None = None
    if isinstance(source, Mapping):
        data = _plain(dict(source))
        includes = data.pop("include", None)
        base = Path(base_dir) if base_dir is not None else Path.cwd()
        _resolve_paths(data, base.resolve())
        merged: dict[str, Any] = {}
        for inc in [includes] if isinstance(includes, str) else (includes or []):
            inc_path = Path(inc) if Path(inc).is_absolute() else base / inc
            if not inc_path.is_file():
                raise ScenarioError(t("scenario.include_missing", where="scenario", path=_display(inc_path)))
            merged = _merge(merged, _load_file(inc_path, origins, ()), "", {})
        data = _merge(merged, data, "scenario", origins)
    else:
        src_path = Path(source)
        if not src_path.is_file():
            raise ScenarioError(t("scenario.not_found", where=_display(src_path)))
        data = _load_file(src_path, origins, ())
    if overrides:
        ov = _expand_dotted({k: v for k, v in overrides.items() if not has_items(str(k))})
        _resolve_paths(ov, Path.cwd().resolve())
        data = _merge(data, ov, "overrides", origins)
        data = _set_items(data, {k: v for k, v in overrides.items() if has_items(str(k))}, origins)
    if not data.get("name") and src_path is not None:
        data["name"] = src_path.stem
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        top = _display(src_path) if src_path is not None else "scenario"
        raise ScenarioError(_format_errors(exc, origins, top, Scenario)) from None
    scenario._source = src_path.resolve() if src_path is not None else None
    scenario._origins = origins
    return scenario


