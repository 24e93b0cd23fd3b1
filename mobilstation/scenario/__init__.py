"""The scenario: what the planner asks for, as one typed, validated YAML file.

A scenario names the district (data, never code), the ISO week and days, the
vehicles and where they are based, the lokalbetjente (inline or from a CSV),
municipal quotas (lokalråd action plans), the demand inputs (incidents,
citizen requests, visit history) and the settings of every pipeline step.

Two steps, so ``mobilstation validate`` can check everything without solving:

* :func:`load_scenario` reads the YAML (following ``include:``), applies
  overrides, resolves relative paths against the directory of the file that
  names them, and validates the structure. Every model forbids unknown
  fields, so a typo fails with a did-you-mean instead of being ignored.
* :func:`resolve` checks the scenario against the district's data: vehicle
  homes become stations or coordinates, officers are read and their stations
  found, quota keys become municipality codes, and the input files are read.

Every error is a :class:`~mobilstation.errors.ScenarioError` whose message
names the file, the field path and what was expected, e.g.
``scenarios/x.yaml: vehicles[1].home: no station or town named 'Hjøring'
(did you mean 'Hjørring'?)``.

``include: base.yaml`` (a path relative to the including file, or a list of
them, applied in order) merges deeply: mappings merge key by key, the
including file wins, and lists and scalars replace whole.

The package's modules, one job each: :mod:`.values` (small value parsers),
:mod:`.schema` (the pydantic models of the YAML), :mod:`.field_errors`
(naming file and field in messages), :mod:`.loading` (YAML, ``include:``,
overrides), :mod:`.readers` (the officers and history CSVs) and
:mod:`.resolving` (checking against the district's data).
"""

from mobilstation.scenario.loading import load_scenario
from mobilstation.scenario.readers import read_history, read_officers
from mobilstation.scenario.resolving import ResolvedScenario, resolve
from mobilstation.scenario.schema import (
    DataFileSpec,
    EstimatedTravelSpec,
    Home,
    IncidentsSpec,
    OfficerSpec,
    OsmTravelSpec,
    OutputsSpec,
    PinSpec,
    QuotaSpec,
    RequestsSpec,
    Scenario,
    TravelSpec,
    VehicleSpec,
)
from mobilstation.scenario.values import DAY_NAMES, Days, ScenarioFile, parse_clock, parse_days

__all__ = [
    "DAY_NAMES",
    "DataFileSpec",
    "Days",
    "EstimatedTravelSpec",
    "Home",
    "IncidentsSpec",
    "OfficerSpec",
    "OsmTravelSpec",
    "OutputsSpec",
    "PinSpec",
    "QuotaSpec",
    "RequestsSpec",
    "ResolvedScenario",
    "Scenario",
    "ScenarioFile",
    "TravelSpec",
    "VehicleSpec",
    "load_scenario",
    "parse_clock",
    "parse_days",
    "read_history",
    "read_officers",
    "resolve",
]
