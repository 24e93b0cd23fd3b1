"""Shared fixtures. Keep each fixture small and documented; files append their own."""

from __future__ import annotations

import pytest

from mobilstation.geo import District, load_district


@pytest.fixture(scope="session")
def nordjylland() -> District:
    """The embedded Nordjyllands Politi district (loaded once per test session)."""
    return load_district("Nordjyllands Politi")
