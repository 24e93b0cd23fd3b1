"""Time-of-day windows: "HH:MM-HH:MM" text or [open, close] minutes since midnight."""

from __future__ import annotations

import re
from typing import Any

from mobilstation.i18n import t

_HHMM = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")


def parse_hhmm(text: str) -> int:
    """``"09:30"`` -> 570 (minutes since local midnight); ``"24:00"`` -> 1440."""
    m = _HHMM.match(text)
    if not m:
        raise ValueError(t("value.time", got=repr(text)))
    h, mi = int(m.group(1)), int(m.group(2))
    if mi >= 60 or h > 24 or (h == 24 and mi):
        raise ValueError(t("value.clock_range", got=repr(text)))
    return h * 60 + mi


def parse_window(value: Any) -> tuple[int, int]:
    """A window from ``"09:00-17:00"`` or ``[540, 1020]``; checks 0 <= open <= close <= 1440."""
    if isinstance(value, str):
        parts = value.replace("\u2013", "-").split("-")  # accept an en dash from a word processor
        if len(parts) != 2:
            raise ValueError(t("value.window", got=repr(value)))
        open_, close = parse_hhmm(parts[0]), parse_hhmm(parts[1])
    elif isinstance(value, list | tuple) and len(value) == 2:
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
            raise ValueError(t("value.window_minutes", got=repr(value)))
        open_, close = int(value[0]), int(value[1])
    else:
        raise ValueError(t("value.window_form", got=repr(value)))
    if not 0 <= open_ <= close <= 1440:
        raise ValueError(t("value.window_range", got=repr(value)))
    return open_, close


def format_window(window: tuple[int, int]) -> str:
    """(540, 1020) -> ``"09:00-17:00"``."""
    return "-".join(f"{m // 60:02d}:{m % 60:02d}" for m in window)
