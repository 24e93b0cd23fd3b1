"""The few error types a planner can see.

The CLI maps them to exit codes: :class:`InputError` -> 2 (the planner's input
or the embedded data is wrong and nothing was solved), :class:`PlanFailed` -> 1
(the input was valid but no plan satisfies it; the message says which
constraint breaks and by how much). Anything else is a bug.
"""

from __future__ import annotations


class MobilstationError(Exception):
    """Base class: every error here carries a message written for a planner."""


class InputError(MobilstationError, ValueError):
    """Bad input: a file, row, field or name that is not what was expected.

    The message names the file (and row or field path where there is one) and
    what was expected, e.g.
    ``scenarios/x.yaml: vehicles[1].home: no station or town named 'Hjøring'
    (did you mean 'Hjørring'?)``.
    """


class GeodataError(InputError):
    """Missing or corrupt embedded or user-supplied geodata."""


class ScenarioError(InputError):
    """A scenario file that does not validate."""


class TravelError(InputError):
    """A point that no road or link reaches, or an unusable road network."""


class PlanFailed(MobilstationError):
    """A valid scenario for which no feasible plan exists.

    ``violations`` lists human-readable statements, each naming the constraint
    that breaks and by how much (e.g. "quota Læsø: 3 visits required, at most 1
    reachable this week").
    """

    def __init__(self, message: str, violations: list[str] | None = None) -> None:
        super().__init__(message)
        self.violations = list(violations or [])

    def __str__(self) -> str:  # pragma: no cover - formatting only
        base = super().__str__()
        if not self.violations:
            return base
        return base + "\n" + "\n".join(f"  - {v}" for v in self.violations)
