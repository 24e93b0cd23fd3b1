"""Override paths (``--set``, sweep grids): a dotted field path, with ``[n]`` for an item of a list.

``solver.seed``, ``quotas.Læsø.min_visits`` and ``vehicles[1].days`` name a
field of the scenario as it reads after its includes are merged. A path
without ``[n]`` deep-merges like an included file (mappings merge, any
other value replaces, a list as a whole). ``[n]`` reaches into a list the
scenario already has: item ``n`` counted from 0, which must exist (a new
item is added by giving the whole list). :func:`set_items` applies those;
the scenario loader applies the plain dotted ones with its own merge.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from mobilstation.errors import ScenarioError
from mobilstation.i18n import t

Path = tuple[str | int, ...]

_PART = re.compile(r"([^.\[\]]+)((?:\[[^\]]*\])*)")


def split_path(path: str) -> Path:
    """``"vehicles[1].days"`` -> ``("vehicles", 1, "days")``; raises :class:`ScenarioError` if malformed."""
    parts: list[str | int] = []
    for piece in path.split("."):
        m = _PART.fullmatch(piece.strip())
        if m is None:
            raise ScenarioError(t("override.bad_path", path=path))
        parts.append(m.group(1).strip())
        for index in re.findall(r"\[([^\]]*)\]", m.group(2)):
            if not index.strip().isdigit():
                raise ScenarioError(t("override.bad_index", path=path, index=index))
            parts.append(int(index))
    return tuple(parts)


def has_items(path: str) -> bool:
    """Whether ``path`` reaches into a list (``[n]``)."""
    return "[" in path


def show(path: Path) -> str:
    """``("vehicles", 1, "days")`` -> ``"vehicles[1].days"``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def set_items(data: dict[str, Any], overrides: Mapping[str, Any]) -> tuple[dict[str, Any], list[Path]]:
    """``data`` with each override whose path has ``[n]`` applied; and the paths set.

    A mapping given for a mapping merges into it; anything else replaces the
    value at the path. Mappings on the way that do not exist yet are created;
    a list item must exist. Raises :class:`ScenarioError` naming the path.
    """
    out = _copy(data)
    done: list[Path] = []
    for raw, value in overrides.items():
        path = split_path(str(raw))
        node: Any = out
        for depth, part in enumerate(path[:-1]):
            node = _step(node, part, path, depth, create=not isinstance(path[depth + 1], int))
        last = path[-1]
        if isinstance(last, int):
            _check_item(node, last, path, len(path) - 1)
            node[last] = _merged(node[last], value)
        else:
            if not isinstance(node, dict):
                raise ScenarioError(t("override.not_mapping", path=show(path), where=show(path[:-1])))
            node[last] = _merged(node.get(last), value)
        done.append(path)
    return out, done


def _step(node: Any, part: str | int, path: Path, depth: int, *, create: bool) -> Any:
    if isinstance(part, int):
        _check_item(node, part, path, depth)
        return node[part]
    if not isinstance(node, dict):
        raise ScenarioError(t("override.not_mapping", path=show(path), where=show(path[:depth])))
    if part not in node or node[part] is None:
        if not create:
            raise ScenarioError(t("override.no_list", path=show(path), where=show(path[: depth + 1])))
        node[part] = {}
    return node[part]


def _check_item(node: Any, index: int, path: Path, depth: int) -> None:
    where = show(path[:depth])
    if not isinstance(node, list):
        raise ScenarioError(t("override.not_list", path=show(path), where=where))
    if index >= len(node):
        if not node:
            raise ScenarioError(t("override.empty_list", path=show(path), where=where))
        raise ScenarioError(
            t("override.out_of_range", path=show(path), where=where, count=len(node), last=len(node) - 1)
        )


def _merged(old: Any, new: Any) -> Any:
    if isinstance(new, Mapping) and isinstance(old, dict):
        merged = dict(old)
        for k, v in new.items():
            merged[k] = _merged(old.get(k), v)
        return merged
    return _copy(new)


def _copy(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value
