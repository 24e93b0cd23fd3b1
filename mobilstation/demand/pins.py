"""Pins: visits a leader has promised, held by the plan or named when they cannot be.

A local leader tells a town the mobile station comes on Thursday; the plan
must keep that. A scenario's ``pinned:`` entry names a candidate site (by
id, or by name when exactly one site has it), a planned date, and
optionally the start time and the van. :func:`apply_pins` turns the site
into a mandatory visit on that day only (``days``, ``deadline``), starting
at the pinned time when one is given (its window becomes that minute), and
records the van in ``meta["pinned"]`` where the week model keeps the visit
to that van's routes. If the week cannot hold it, planning fails (exit 1)
naming the pinned place and why.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from mobilstation.demand._windows import parse_hhmm
from mobilstation.demand.site import Site
from mobilstation.errors import InputError
from mobilstation.i18n import t

__all__ = ["apply_pins", "find_site"]


def find_site(sites: Sequence[Site], key: str, where: str) -> Site:
    """The candidate site with id ``key``, or the one site named ``key`` (case-insensitive)."""
    for s in sites:
        if s.id == key:
            return s
    named = [s for s in sites if s.name.casefold() == key.strip().casefold()]
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        ids = ", ".join(s.id for s in named)
        raise InputError(t("pin.several", where=where, key=key, count=len(named), ids=ids))
    close = difflib.get_close_matches(key, [s.name for s in sites], n=3, cutoff=0.6)
    hint = t("pin.did_you_mean", names=f" {t('word.or')} ".join(repr(c) for c in close)) if close else ""
    raise InputError(t("pin.unknown", where=where, key=key, hint=hint))


def apply_pins(
    sites: Sequence[Site], pins: Sequence[Any], label: str = "pinned", report: list[str] | None = None
) -> list[Site]:
    """``sites`` with every pin applied (see the module docstring); an unknown site is bad input.

    A re-plan's soft pin (a published visit it keeps) on a place that is no
    longer a candidate (a closed link cut it off) is no one's input: the
    visit is cancelled and ``report`` says so.
    """
    by_id = {s.id: s for s in sites}
    for j, pin in enumerate(pins):
        where = f"{label}[{j}]"
        if getattr(pin, "soft", False) and pin.site not in by_id:
            if report is not None:
                report.append(t("note.soft_pin_unreachable", site=pin.site, date=pin.date))
            continue
        site = find_site(list(by_id.values()), pin.site, f"{where}.site")
        if site.meta.get("pinned"):
            raise InputError(t("pin.twice", where=f"{where}.site", name=site.name))
        windows = site.windows
        if pin.time is not None:
            minute = parse_hhmm(pin.time)
            windows = ((minute, minute),)
        meta = {
            **site.meta,
            "pinned": {"date": pin.date.isoformat(), "time": pin.time, "vehicle": pin.vehicle},
        }
        if getattr(pin, "soft", False):
            # a re-plan's kept visit: that day, minute and van, or not at all
            meta["pinned"]["soft"] = True
            by_id[site.id] = replace(site, days=(pin.date.isoweekday(),), windows=windows, meta=meta)
            continue
        by_id[site.id] = replace(
            site,
            days=(pin.date.isoweekday(),),
            mandatory=True,
            deadline=pin.date,
            windows=windows,
            weekly_max=max(1, site.weekly_max),
            meta=meta,
        )
    return [by_id[s.id] for s in sites]
