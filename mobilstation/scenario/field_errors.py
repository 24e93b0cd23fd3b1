"""Naming where a scenario is wrong: the file a field came from, the field path, what was expected.

Loading, the CSV readers and resolving all report errors as
``file: field.path: message``; this module holds what they share: how a
file is shown (relative to the working directory), how a field path splits
into keys, and how a pydantic error (its ``loc`` and type) becomes such a
message with a did-you-mean for unknown fields.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ValidationError

from mobilstation.i18n import catalogue, language, short, t

def _display(path: Path | str) -> str:
    """A path as the planner typed it: relative to the working directory when inside it."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)


def _split_path(field_path: str) -> list[Any]:
    keys: list[Any] = []
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", field_path):
        keys.append(int(part[1:-1]) if part.startswith("[") else part)
    return keys



def _unwrap(tp: Any) -> Any:
    """Strip Annotated/Optional wrappers."""
    while True:
        origin = typing.get_origin(tp)
        if origin is Annotated:
            tp = typing.get_args(tp)[0]
            continue
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(args) == 1:
                tp = args[0]
                continue
        return tp


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _union_branch(members: Sequence[Any], label: Any) -> Any:
    for m in members:
        mm = _unwrap(m)
        if _is_model(mm):
            if mm.__name__ == label:
                return mm
            for f in mm.model_fields.values():
                ann = _unwrap(f.annotation)
                if typing.get_origin(ann) is Literal and label in typing.get_args(ann):
                    return mm
    return None


def _walk(root: type[BaseModel], loc: Sequence[Any]) -> tuple[str, list[Any], Any]:
    """Map a pydantic ``loc`` to ("vehicles[1].home", keys, parent type of the last key)."""
    tp: Any = root
    parts: list[str] = []
    keys: list[Any] = []
    parent: Any = None
    i = 0
    while i < len(loc):
        e = loc[i]
        tp = _unwrap(tp)
        origin = typing.get_origin(tp)
        if origin in (typing.Union, types.UnionType):
            branch = _union_branch(typing.get_args(tp), e)
            tp = branch
            i += 1
            continue
        parent = tp
        if _is_model(tp) and isinstance(e, str):
            parts.append(f".{e}" if parts else e)
            keys.append(e)
            f = tp.model_fields.get(e)
            tp = f.annotation if f is not None else None
        elif origin in (list, tuple, set, frozenset) and isinstance(e, int):
            parts.append(f"[{e}]")
            keys.append(e)
            args = typing.get_args(tp)
            tp = args[0] if args else None
        elif origin is dict:
            parts.append(f".{e}" if parts else str(e))
            keys.append(e)
            args = typing.get_args(tp)
            tp = args[1] if len(args) == 2 else None
        elif isinstance(e, int):
            parts.append(f"[{e}]")
            keys.append(e)
            tp = None
        else:
            if isinstance(e, str) and (e.startswith("function-") or e in ("str", "int", "float", "bool")):
                i += 1
                continue
            parts.append(f".{e}" if parts else str(e))
            keys.append(e)
            tp = None
        i += 1
    return "".join(parts), keys, parent


def _message(err: Mapping[str, Any], parent: Any, last: Any) -> str:
    kind = err["type"]
    if kind == "extra_forbidden":
        if _is_model(parent):
            names = list(parent.model_fields)
            close = difflib.get_close_matches(str(last), names, n=1, cutoff=0.6)
            if close:
                return t("field.unknown_close", close=close[0])
            return t("field.unknown_list", names=", ".join(names))
        return t("field.unknown")
    if kind == "missing":
        return t("field.missing")
    msg = str(err["msg"])
    if kind in ("value_error", "assertion_error"):
        return msg.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if kind == "union_tag_invalid":
        ctx = err.get("ctx") or {}
        return t("field.unknown_value", tag=ctx.get("tag"), expected=ctx.get("expected_tags"))
    if kind == "union_tag_not_found":
        return t("field.missing")
    if language() == "da" and f"pydantic.{kind}" in catalogue():
        ctx = {k: short(v) if isinstance(v, (int, float)) else v for k, v in (err.get("ctx") or {}).items()}
        msg = t(f"pydantic.{kind}", **ctx)
    inp = err.get("input")
    if isinstance(inp, (str, int, float, bool)) or inp is None:
        return t("field.got", message=f"{msg[:1].lower()}{msg[1:]}", got=repr(inp))
    return f"{msg[:1].lower()}{msg[1:]}"


def _format_errors(
    exc: ValidationError, origins: Mapping[tuple[Any, ...], str], top: str, root: type[BaseModel]
) -> str:
    """One line per error of ``exc`` validating ``root``, each naming the file that set the field."""
    lines: list[str] = []
    for err in exc.errors():
        path, keys, parent = _walk(root, err["loc"])
        if err["type"].startswith("union_tag"):
            disc = str((err.get("ctx") or {}).get("discriminator", "")).strip("'")
            if disc:
                path = f"{path}.{disc}" if path else disc
        last = keys[-1] if keys else None
        origin = top
        for n in range(len(keys), 0, -1):
            label = origins.get(tuple(keys[:n]))
            if label:
                origin = label
                break
        where = f"{origin}: {path}: " if path else f"{origin}: "
        line = where + _message(err, parent, last)
        if line not in lines:
            lines.append(line)
    return "\n".join(lines)


