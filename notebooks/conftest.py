"""Notebook runs under pytest (``pytest --nbmake notebooks``): short, reproducible solver limits.

Each notebook's first cell (tagged ``parameters``) reads
``MOBILSTATION_NB_TIME_LIMIT`` (seconds) and ``MOBILSTATION_NB_WORK_LIMIT``
(solver iterations). nbmake starts every kernel as a subprocess of the pytest
process, so setting them here, at import, reaches every notebook; a value
already in the environment wins. With a work limit the plans are the same on
every machine, and each notebook runs in well under a minute.

The travel-matrix cache goes to a temporary directory for the run, as for the
test suite (``tests/conftest.py``), when ``MOBILSTATION_CACHE`` is not set.
"""

from __future__ import annotations

import os
import tempfile

import pytest

os.environ.setdefault("MOBILSTATION_NB_TIME_LIMIT", "5")
os.environ.setdefault("MOBILSTATION_NB_WORK_LIMIT", "50")


def pytest_configure(config: pytest.Config) -> None:
    """Set before test workers start, so every worker and kernel shares one cache for the run."""
    if "MOBILSTATION_CACHE" not in os.environ:
        os.environ["MOBILSTATION_CACHE"] = tempfile.mkdtemp(prefix="mobilstation-test-cache-")
