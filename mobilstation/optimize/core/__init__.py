"""The domain-free routing core: prize-collecting routes with side constraints.

``solve`` plans, ``check`` verifies a plan independently, ``evaluate``
schedules given job orders. See :mod:`.problem` for the input contract.
"""

from .check import check
from .problem import BENCH_SCALE, Cover, Group, Job, Problem, RouteSpec
from .result import RouteResult, Solution, Visit, collected_prize
from .schedule import evaluate, schedule_route
from .solver import DEFAULT_TIME_LIMIT, Strategy, solve
from .validate import validate

__all__ = [
    "BENCH_SCALE",
    "DEFAULT_TIME_LIMIT",
    "Cover",
    "Group",
    "Job",
    "Problem",
    "RouteResult",
    "RouteSpec",
    "Solution",
    "Strategy",
    "Visit",
    "check",
    "collected_prize",
    "evaluate",
    "schedule_route",
    "solve",
    "validate",
]
