"""The words a planner reads in the terminal: Danish by default, English on request.

Every message a run prints (help, progress, tables, warnings, errors) has an
id in a catalogue module of this package with a Danish and an English
template; :func:`t` fills the template of the current language. The
language is chosen once per run, from ``--lang`` (the command line sets it
with :func:`set_language`) or the ``MOBILSTATION_LANG`` environment variable,
and is Danish otherwise: the planners are Danish, English is for the
developers and for reports to colleagues abroad.

Numbers follow the language as well (:func:`num`, :func:`pct`): ``3,5`` and
``1.234`` in Danish, as in the files the planners open in Excel, ``3.5`` and
``1,234`` in English.

The catalogue lives in small modules by where the words are read
(:mod:`.terminal`, :mod:`.ledger`, :mod:`.steps`, :mod:`.notes`,
:mod:`.errors`, :mod:`.scenario`, :mod:`.inputs`, :mod:`.geodata`); an id is
``area.name`` and unique over all of them.
"""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Iterator, Mapping, Sequence

LANGUAGES = ("da", "en")
DEFAULT = "da"
ENV = "MOBILSTATION_LANG"

_current: str | None = None  # None: from the environment (read on use, so a test can set it)


def normalise(name: str | None) -> str | None:
    """``"en"``, ``"EN"``, ``"en_GB.UTF-8"``, ``"english"`` -> ``"en"``; None for an unknown language."""
    if not name:
        return None
    code = name.strip().lower().replace("-", "_").split("_")[0].split(".")[0]
    code = {"dansk": "da", "danish": "da", "dk": "da", "english": "en", "engelsk": "en"}.get(code, code)
    return code if code in LANGUAGES else None


def language() -> str:
    """The current language: the one set for this run, else ``MOBILSTATION_LANG``, else Danish."""
    if _current is not None:
        return _current
    return normalise(os.environ.get(ENV)) or DEFAULT


def set_language(name: str | None) -> str:
    """Use ``name`` ("da" or "en") for every message from now on; None goes back to the environment.

    Raises ``ValueError`` naming the languages there are for any other name.
    """
    global _current
    if name is None:
        _current = None
        return language()
    code = normalise(name)
    if code is None:
        raise ValueError(t("lang.unknown", name=name, known=", ".join(LANGUAGES)))
    _current = code
    return code


@contextlib.contextmanager
def using(name: str | None) -> Iterator[str]:
    """:func:`set_language` for a block, then back to the setting before it (a run inside a process)."""
    global _current
    before = _current
    try:
        yield set_language(name)
    finally:
        _current = before


def _catalogue() -> dict[str, tuple[str, str]]:
    from mobilstation.i18n import errors, geodata, inputs, ledger, notes, scenario, steps, terminal

    merged: dict[str, tuple[str, str]] = {}
    for module in (terminal, ledger, scenario, steps, notes, errors, inputs, geodata):
        for key, pair in module.MESSAGES.items():
            if key in merged:
                raise RuntimeError(f"message id {key!r} is in two catalogue modules")
            merged[key] = pair
    return merged


_MESSAGES: dict[str, tuple[str, str]] | None = None


def catalogue() -> Mapping[str, tuple[str, str]]:
    """Every message: id -> (Danish template, English template)."""
    global _MESSAGES
    if _MESSAGES is None:
        _MESSAGES = _catalogue()
    return _MESSAGES


def t(msg_id: str, /, **fields: object) -> str:
    """The message ``msg_id`` in the current language, its ``{fields}`` filled in.

    Numbers meant for a reader are passed already formatted (:func:`num`),
    so a template never decides the decimal mark.
    """
    da, en = catalogue()[msg_id]
    template = en if language() == "en" else da
    return template.format(**fields)


def num(value: float | int | None, digits: int = 1, *, missing: str = "-") -> str:
    """``value`` with ``digits`` decimals and thousands grouped, in the current language's marks.

    Danish: ``1.234,5``; English: ``1,234.5``. None and NaN give ``missing``.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return missing
    text = f"{value:,.{digits}f}"
    if language() == "en":
        return text
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def short(value: float | int | None, *, missing: str = "-") -> str:
    """``value`` without trailing zeros (``8``, ``2,5``): like ``:g``, in the current language's marks."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return missing
    text = f"{value:g}"
    return text if language() == "en" else text.replace(".", ",")


def pct(share: float | None, digits: int = 0, *, missing: str = "-") -> str:
    """A share (0.42) as a percentage: ``42 %`` in Danish, ``42%`` in English."""
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return missing
    value = num(100 * share, digits)
    return f"{value}%" if language() == "en" else f"{value} %"


def join(items: Sequence[str]) -> str:
    """``a, b og c`` / ``a, b and c``."""
    items = list(items)
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {t('word.and')} {items[-1]}"


def english_templates() -> list[str]:
    """Every English template whose words differ from the Danish one (what a Danish run must not print)."""
    return [en for da, en in catalogue().values() if en != da]
