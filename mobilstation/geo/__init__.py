"""What is where: the police district, its municipalities, towns, stations and links.

``load_district(name_or_number)`` builds a :class:`District` from the embedded
geodata; the helpers look places up in it. Coordinates are WGS84; metric work
uses EPSG:25832 via :mod:`mobilstation.geo.projection`.
"""

from mobilstation.geo.district import (
    DEFAULT_TOLERANCE_M,
    LINK_REACH_M,
    clear_cache,
    default_data_dir,
    district_names,
    find_place,
    load_district,
    municipalities_at,
    municipalities_frame,
    municipality,
    municipality_at,
)
from mobilstation.geo.model import (
    METRIC_CRS,
    STORAGE_CRS,
    District,
    Link,
    Municipality,
    PostalDistrict,
    Station,
    Town,
)
from mobilstation.geo.projection import (
    distance_m,
    geometry_to_metric,
    geometry_to_wgs84,
    to_metric,
    to_metric_arrays,
    to_wgs84,
    to_wgs84_arrays,
)

__all__ = [
    "DEFAULT_TOLERANCE_M",
    "LINK_REACH_M",
    "METRIC_CRS",
    "STORAGE_CRS",
    "District",
    "Link",
    "Municipality",
    "PostalDistrict",
    "Station",
    "Town",
    "clear_cache",
    "default_data_dir",
    "distance_m",
    "district_names",
    "find_place",
    "geometry_to_metric",
    "geometry_to_wgs84",
    "load_district",
    "municipalities_at",
    "municipalities_frame",
    "municipality",
    "municipality_at",
    "to_metric",
    "to_metric_arrays",
    "to_wgs84",
    "to_wgs84_arrays",
]
