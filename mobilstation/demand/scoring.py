"""Priority scores of candidate sites, with a breakdown that explains them.

Each site gets six components, each a number in [0, 1] computed from the
site's own raw inputs (:class:`ScoreInputs`) with a fixed scale
(:class:`ScoreScales`):

=============  ===================================================  ==========================
component      raw input                                            normalisation
=============  ===================================================  ==========================
population     people served                                        log(1 + p) / log(1 + cap)
remoteness     drive minutes from the nearest fixed station         minutes / cap
burglary       recency-weighted incidents within a radius            weighted / cap
trend          weekly rate last 4 weeks / the 8 before               (ratio - 1) / (cap - 1)
recency        days since the last visit (none known: neutral)      days / cap
urgency        days from the first planned day to a deadline         1 - days / horizon
=============  ===================================================  ==========================

each clipped to [0, 1]. ``score = sum_k weight_k * component_k`` and
``breakdown[k] = weight_k * component_k`` (rounded to 1e-6; the score is the
exact sum of the rounded parts).

Why fixed scales and not min-max over the candidate set: with min-max a
site's score would depend on the other sites (one town's burglary spike
would lower every other town's burglary component), so the score would not
be monotone in the site's own inputs, would shift from week to week for no
local reason, and two runs with different candidate sets could not be
compared. With fixed scales each component is a non-decreasing function of
its raw input (non-increasing in days to the deadline), so more burglaries,
more remoteness or a longer time since the last visit never lower a score.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from mobilstation.demand.site import Site

COMPONENTS: tuple[str, ...] = ("population", "remoteness", "burglary", "trend", "recency", "urgency")
"""Score components, in breakdown order."""


class ScoreScales(BaseModel):
    """Fixed scales that map raw inputs to [0, 1] (see :mod:`mobilstation.demand.scoring`).

    Fixed, not the maximum over the sites: then a site's score depends only on
    its own inputs, is stable from week to week, and never drops because
    another site got busier.
    """

    model_config = ConfigDict(extra="forbid")

    population_cap: int = Field(default=15_000, gt=1)
    """People served at which the population component reaches 1 (log scale from 1 person)."""
    population_radius_m: float = Field(default=3000.0, gt=0)
    """Sites without their own population count the towns within this radius (metres)."""
    remoteness_cap_min: float = Field(default=45.0, gt=0)
    """Drive minutes from the nearest fixed station at which remoteness reaches 1."""
    burglary_radius_m: float = Field(default=1000.0, gt=0)
    """Incidents within this distance (metres) of a site count towards its burglary component."""
    burglary_cap: float = Field(default=6.0, gt=0)
    """Recency-weighted incidents within the radius at which the burglary component reaches 1."""
    trend_cap: float = Field(default=3.0, gt=1)
    """Trend ratio at which the trend component reaches 1 (a ratio <= 1 scores 0)."""
    recency_cap_days: int = Field(default=28, gt=0)
    """Days since the last visit at which the recency component reaches 1."""
    recency_unknown: float = Field(default=0.5, ge=0, le=1)
    """Recency component of a site with no recorded visit (neutral: neither just visited nor overdue)."""
    urgency_horizon_days: int = Field(default=14, gt=0)
    """A request due on the first planned day or overdue scores 1; due this many days later or more, 0."""
    trend_min_incidents: int = Field(default=3, ge=0)
    """Fewer incidents than this near a site (in both trend windows together) give a neutral trend (1.0)."""


class Weights(BaseModel):
    """Weights of the score components (non-negative; 0 switches a component off).

    ``score = sum(weight_k * component_k)``, each component in [0, 1].
    """

    model_config = ConfigDict(extra="forbid")

    population: float = Field(default=1.0, ge=0)
    """People served (log-scaled)."""
    remoteness: float = Field(default=1.0, ge=0)
    """Drive time from the nearest fixed police station."""
    burglary: float = Field(default=1.5, ge=0)
    """Recency-weighted burglaries near the site."""
    trend: float = Field(default=0.5, ge=0)
    """Rising burglary rate (last 4 weeks vs the 8 before)."""
    recency: float = Field(default=0.5, ge=0)
    """Days since the site was last visited."""
    urgency: float = Field(default=2.0, ge=0)
    """A citizen request's nearing deadline."""
    stability: float = Field(default=3.0, ge=0)
    """Not a score component: in a re-plan, the prize a published visit earns by staying as published
    (its day, minute and van); one the disruption displaces earns half wherever it goes. 3.0, about
    a town's whole score, keeps changes to about a third of planning the rest of the week anew at a
    percent or two of the objective (``benchmarks/replan.py``)."""
    scales: ScoreScales = Field(default_factory=ScoreScales)


@dataclass(frozen=True)
class ScoreInputs:
    """The raw inputs of one site's score (units in the names).

    ``None`` means unknown: population and drive time score 0, an unknown
    last visit scores ``recency_unknown``, no deadline scores 0 urgency.
    """

    population: int | None = None
    drive_min: float | None = None
    burglary_weighted: float = 0.0
    trend: float = 1.0
    days_since_visit: int | None = None
    days_to_deadline: int | None = None


@dataclass(frozen=True)
class Score:
    """A site's score, its weighted ``breakdown`` (sums to ``score``) and unweighted ``components``."""

    score: float
    breakdown: dict[str, float]
    components: dict[str, float]


def _clip01(v: float) -> float:
    return 0.0 if not v > 0.0 else (1.0 if v > 1.0 else float(v))


def components(inputs: ScoreInputs, scales: ScoreScales) -> dict[str, float]:
    """The six components in [0, 1] (unrounded), each monotone in its raw input (see the module docstring)."""
    pop = inputs.population
    population = 0.0 if pop is None or pop <= 0 else math.log1p(pop) / math.log1p(scales.population_cap)
    remoteness = 0.0 if inputs.drive_min is None else inputs.drive_min / scales.remoteness_cap_min
    burglary = inputs.burglary_weighted / scales.burglary_cap
    trend = (inputs.trend - 1.0) / (scales.trend_cap - 1.0)
    recency = (
        scales.recency_unknown
        if inputs.days_since_visit is None
        else inputs.days_since_visit / scales.recency_cap_days
    )
    urgency = (
        0.0
        if inputs.days_to_deadline is None
        else 1.0 - inputs.days_to_deadline / scales.urgency_horizon_days
    )
    raw = {
        "population": population,
        "remoteness": remoteness,
        "burglary": burglary,
        "trend": trend,
        "recency": recency,
        "urgency": urgency,
    }
    return {k: _clip01(raw[k]) for k in COMPONENTS}


def score(inputs: ScoreInputs, weights: Weights) -> Score:
    """Score one site: ``breakdown[k] = round(weight_k * component_k, 6)``, ``score = sum(breakdown)``."""
    comp = components(inputs, weights.scales)
    breakdown = {k: round(getattr(weights, k) * comp[k], 6) for k in COMPONENTS}
    total = math.fsum(breakdown.values())
    return Score(score=total, breakdown=breakdown, components={k: round(v, 6) for k, v in comp.items()})


def score_sites(sites: Sequence[Site], inputs: Mapping[str, ScoreInputs], weights: Weights) -> list[Site]:
    """Sites with ``score`` and ``breakdown`` set from ``inputs[site.id]``.

    The raw inputs and unweighted components go to ``meta["score_inputs"]``
    and ``meta["components"]`` so a map can explain the number.
    """
    out = []
    for site in sites:
        if site.id not in inputs:
            raise KeyError(f"score_sites: no score inputs for site {site.id!r}")
        sc = score(inputs[site.id], weights)
        meta = dict(site.meta)
        meta["score_inputs"] = dataclasses.asdict(inputs[site.id])
        meta["components"] = sc.components
        out.append(dataclasses.replace(site, score=sc.score, breakdown=sc.breakdown, meta=meta))
    return out
