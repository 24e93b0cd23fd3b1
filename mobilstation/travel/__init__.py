"""How long it takes: travel matrices between points.

Two models share one interface (:class:`~mobilstation.travel.base.TravelModel`):
``estimated`` (over-land distance x circuity at banded speeds, with bridges,
tunnels and ferries) and ``osm`` (routed over a local OpenStreetMap extract).
:func:`~mobilstation.travel.cache.cached_matrix` keeps computed matrices on disk.
"""

from mobilstation.travel.base import Point, TravelMatrix, TravelModel
from mobilstation.travel.cache import cached_matrix, default_cache_dir
from mobilstation.travel.estimated import EstimatedParams, EstimatedTravel
from mobilstation.travel.osm import OsmParams, OsmTravel

__all__ = [
    "EstimatedParams",
    "EstimatedTravel",
    "OsmParams",
    "OsmTravel",
    "Point",
    "TravelMatrix",
    "TravelModel",
    "cached_matrix",
    "default_cache_dir",
]
