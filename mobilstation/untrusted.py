"""Text from outside (citizens, other systems, planners' files) is data in every output, never code.

Request names and notes, incident fields, officer names and campaign targets
arrive from a public web form and from other systems. Everything the
product writes treats them as text; this module holds the two rules every
writer and reader shares, so they are stated once.

**Spreadsheet formulas (CSV injection).** Excel, LibreOffice and Google
Sheets evaluate a cell whose first character is ``=``, ``+``, ``-``, ``@``,
a tab, a carriage return or a line feed (also when opened from a CSV). Following
OWASP's advice on CSV injection, :func:`neutralise` puts a single quote
(``'``) in front of such a text cell, also when the trigger follows
leading spaces or leading quotes (so the rule is reversible, see below), and
for the full-width forms (U+FF1D, U+FF0B, U+FF0D, U+FF20) some locales accept. Numbers the
product writes itself (coordinates, minutes, scores) are numbers and are
never touched; only text cells are. :func:`unneutralise` is the exact
inverse: the product's readers undo the quote, so a round trip through a
CSV keeps the text character for character (``unneutralise(neutralise(t)) == t``
for every ``t``). In an Excel workbook the same text is stored as a string
cell with Excel's "quote prefix" flag, never as a formula, and without any
visible quote.

**Text that cannot be shown sensibly.** Control characters, bidirectional
overrides (which make ``txt.exe`` look like ``exe.txt``) and very long
fields (a note of a megabyte) are cleaned and shortened by
:func:`display_text` wherever a person reads them (sheets, CSV cells, GIS
attributes); :func:`text_problems` names what was wrong, so the reader that
met the field can warn once, naming the file and row. ``plan.json`` keeps the
full, original text.
"""

from __future__ import annotations

import re

from mobilstation.i18n import t

FORMULA_TRIGGERS = frozenset("=+-@\t\r\n\x00\uff1d\uff0b\uff0d\uff20")
"""First characters that make a spreadsheet evaluate a cell (ASCII and full-width forms)."""

QUOTE = "'"
_LEADING = " \u00a0"  # spaces some spreadsheets skip before looking for a formula

DISPLAY_LIMIT = 500
"""Longest text shown in a cell, attribute or label (characters); plan.json keeps the rest."""

SHORTENED_MARK = " … [forkortet]"
"""The mark of a shortened text in the outputs (the files are Danish whatever the run's language)."""

_ID_LIMIT = 200  # longest id (characters)

# C0 and C1 control characters (tab, line feed and carriage return are handled as white space).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_BREAKS = re.compile(r"[\t\r\n\u2028\u2029]+")
# Bidirectional embeddings, overrides, isolates and marks.
_BIDI = re.compile(r"[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _formula_like(text: str) -> bool:
    core = text.lstrip(QUOTE)
    return core[:1] in FORMULA_TRIGGERS or core.lstrip(_LEADING)[:1] in FORMULA_TRIGGERS


def neutralise(value: object) -> object:
    """``value`` safe for a CSV cell: text a spreadsheet would evaluate gets a leading ``'``.

    Anything that is not a ``str`` (numbers, None) is returned unchanged.
    """
    if isinstance(value, str) and _formula_like(value):
        return QUOTE + value
    return value


def unneutralise(value: str) -> str:
    """Undo :func:`neutralise` (the product's readers call this on every text cell)."""
    if value.startswith(QUOTE) and _formula_like(value[1:]):
        return value[1:]
    return value


def is_formula_like(value: object) -> bool:
    """True when a spreadsheet would evaluate ``value`` written as it is."""
    return isinstance(value, str) and _formula_like(value)


def text_problems(text: str, limit: int = DISPLAY_LIMIT) -> list[str]:
    """What :func:`display_text` would change in ``text``, in the run's words (empty when nothing).

    E.g. ``["control characters", "1048576 characters (shown shortened to 500)"]`` in English.
    """
    out: list[str] = []
    if _CONTROL.search(text):
        out.append(t("text.control"))
    if _BIDI.search(text):
        out.append(t("text.bidi"))
    if len(text) > limit:
        out.append(t("text.long", length=len(text), limit=limit))
    return out


def id_problem(text: str) -> str | None:
    """Why ``text`` cannot be an id (a key printed in messages and file names), or None.

    Ids are written by systems, not typed by citizens: control characters,
    bidirectional controls or line breaks in one mean a broken export, and
    would reach the terminal as escape sequences.
    """
    if _CONTROL.search(text) or _BREAKS.search(text) or _BIDI.search(text):
        return t("text.id_control")
    if len(text) > _ID_LIMIT:
        return t("text.id_long", length=len(text), limit=_ID_LIMIT)
    return None


def display_text(value: object, limit: int = DISPLAY_LIMIT) -> object:
    """``value`` as a person should see it: one line, no control or bidi characters, ≤ ``limit``.

    Line breaks and tabs become single spaces; other control characters and
    bidirectional controls are removed; text longer than ``limit`` is cut and
    marked ``… [forkortet]``. Non-strings are returned unchanged.
    """
    if not isinstance(value, str):
        return value
    text = _BIDI.sub("", _CONTROL.sub("", _BREAKS.sub(" ", value)))
    if len(text) > limit:
        text = text[: max(0, limit - len(SHORTENED_MARK))].rstrip() + SHORTENED_MARK
    return text


def cell_text(value: object, limit: int = DISPLAY_LIMIT) -> object:
    """A text cell for a CSV written by the product: shown as :func:`display_text`, then neutralised."""
    return neutralise(display_text(value, limit))
