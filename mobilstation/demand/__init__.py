"""Where the need is: burglary incidents, hotspots, citizen requests, candidate sites and their scores.

The pipeline, in import order::

    incidents.read_incidents / synthetic.generate_incidents   -> incidents (EPSG:4326)
    hotspots.detect_hotspots                                   -> hotspot cells and areas
    requests.read_requests                                     -> citizen requests in the week
    sites.build_sites (scores with scoring.score_sites)        -> site.Site records for optimize
"""

from mobilstation.demand.hotspots import HotspotParams, Hotspots, detect_hotspots, write_hotspots
from mobilstation.demand.incidents import IncidentReport, Incidents, read_incidents
from mobilstation.demand.requests import Request, RequestReport, Requests, read_requests
from mobilstation.demand.scoring import ScoreInputs, ScoreScales, Weights, score, score_sites
from mobilstation.demand.site import SITE_KINDS, Site, SiteKind
from mobilstation.demand.sites import KindSettings, RequestType, SiteSettings, build_sites
from mobilstation.demand.synthetic import (
    SyntheticParams,
    generate_incidents,
    synthetic_incidents,
    write_incidents_csv,
)

__all__ = [
    "SITE_KINDS",
    "HotspotParams",
    "Hotspots",
    "IncidentReport",
    "Incidents",
    "KindSettings",
    "Request",
    "RequestReport",
    "RequestType",
    "Requests",
    "ScoreInputs",
    "ScoreScales",
    "Site",
    "SiteKind",
    "SiteSettings",
    "SyntheticParams",
    "Weights",
    "build_sites",
    "detect_hotspots",
    "generate_incidents",
    "read_incidents",
    "read_requests",
    "score",
    "score_sites",
    "synthetic_incidents",
    "write_hotspots",
    "write_incidents_csv",
]
