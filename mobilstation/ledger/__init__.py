"""The ledger: the district's memory of published weeks, visits made, requests and campaigns.

``mobilstation publish`` writes a planned week into it; ``mobilstation plan
--ledger`` reads it back as a :class:`~mobilstation.ledger.store.Memory`
(days since each site's last visit, visits already made this week,
requests already served, campaign targets done) that rotation and request
carry-over use. The tables are described in :mod:`.schema`; opening,
publishing and reading live in :mod:`.store`; files of past visits are read
by :mod:`.imports`.
"""

from mobilstation.ledger.store import (
    Ledger,
    LedgerConflict,
    LedgerError,
    Memory,
    PublishResult,
    check_ledger,
    iso_week_of,
    open_ledger,
    week_monday,
)

__all__ = [
    "Ledger",
    "LedgerConflict",
    "LedgerError",
    "Memory",
    "PublishResult",
    "check_ledger",
    "iso_week_of",
    "open_ledger",
    "week_monday",
]
