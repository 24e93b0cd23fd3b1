"""Make a Folium map self-contained, so it draws with no network at all.

Folium links Leaflet, jQuery, Bootstrap and Font Awesome from CDNs. A local
leader opening ``map.html`` from a USB stick or a police laptop without
internet must still see the map, so every map here:

* drops all of Folium's CDN links (jQuery, Bootstrap, glyphicons, Font Awesome
  and Awesome Markers are not needed: markers are DivIcons and circle markers
  with inline HTML/CSS, and Leaflet's layer control needs no Bootstrap);
* inlines Leaflet's JavaScript and CSS, read at build time from the installed
  ``folium-offline`` package (module ``offlinefolium``), which ships the same
  resources Folium links, keyed by their CDN address. Nothing third-party is
  kept in this repository;
* removes Leaflet's ``url(images/...)`` CSS references (layer-control and
  default-marker PNGs that are not shipped) and replaces Leaflet's default
  image marker by a DivIcon, so the page requests no file at all;
* is checked after rendering by :func:`assert_offline`, which raises
  :class:`OfflineAssetError` if any script, stylesheet, image, frame or CSS
  ``url()``/``@import`` still points outside the page.
"""

from __future__ import annotations

import functools
import re

import folium
from branca.element import Element, Figure

from mobilstation.errors import MobilstationError

LEAFLET_JS_NAME = "leaflet"
LEAFLET_CSS_NAME = "leaflet_css"


class OfflineAssetError(MobilstationError, RuntimeError):
    """A rendered page still references, or cannot embed, an external asset.

    This is a bug (or an incompatible ``folium``/``folium-offline`` pair), not
    bad planner input, so it is not an :class:`~mobilstation.errors.InputError`.
    """


def _folium_url(name: str, pairs: list[tuple[str, str]]) -> str:
    for key, url in pairs:
        if key == name:
            return url
    raise OfflineAssetError(f"folium {folium.__version__} lists no resource named {name!r}")


@functools.cache
def leaflet_assets() -> tuple[str, str]:
    """Leaflet's (JavaScript, CSS) source text, for the Leaflet version Folium uses.

    The text comes from ``offlinefolium``'s embedded resource table, looked up
    by the exact CDN address that the installed Folium would link, so the
    inlined Leaflet is the version Folium's templates are written for.
    """
    try:
        from offlinefolium import elements as offline_elements
    except ImportError as exc:  # pragma: no cover - dependency missing
        raise OfflineAssetError("package 'folium-offline' (module offlinefolium) is not installed") from exc
    table: dict[str, str] = getattr(offline_elements, "_res", {})
    js_url = _folium_url(LEAFLET_JS_NAME, folium.Map.default_js)
    css_url = _folium_url(LEAFLET_CSS_NAME, folium.Map.default_css)
    missing = [u for u in (js_url, css_url) if u not in table]
    if missing:
        raise OfflineAssetError(
            f"folium-offline has no embedded copy of {', '.join(missing)} "
            f"(folium {folium.__version__}); install a folium-offline release matching folium"
        )
    js, css = table[js_url], table[css_url]
    if "Leaflet" not in js[:500] or "version=" not in js:
        raise OfflineAssetError(f"embedded copy of {js_url} does not look like Leaflet")
    # Leaflet's CSS refers to PNGs next to it (layers.png, marker-icon.png);
    # they are not embedded, and a page asking for them logs load errors.
    css = re.sub(r"url\(\s*['\"]?images/[^)]*\)", "none", css)
    return js, css


# Replaces Leaflet's default image icon: Folium creates every L.marker with
# the default icon before swapping in a DivIcon, and the default icon would
# request images/marker-icon.png from disk.
_DEFAULT_ICON_JS = (
    "L.Marker.prototype.options.icon = L.divIcon({className: 'ms-default-icon', iconSize: [10, 10]});"
)


def make_offline(m: folium.Map) -> folium.Map:
    """Strip Folium's CDN links from ``m`` and inline Leaflet into its page.

    Call once, before rendering; returns ``m`` for chaining. Only the map's own
    resource lists are emptied (on the instance, not the class), so other maps
    in the same process are unaffected.
    """
    js, css = leaflet_assets()
    m.default_js = []
    m.default_css = []
    figure = m.get_root()
    if not isinstance(figure, Figure):  # pragma: no cover - folium always makes one
        raise OfflineAssetError("map is not inside a branca Figure")
    header = figure.header
    header.add_child(Element(f"<style>{css}</style>"), name="ms_leaflet_css")
    header.add_child(Element(f"<script>{js}\n{_DEFAULT_ICON_JS}</script>"), name="ms_leaflet_js")
    return m


_EXTERNAL_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("script src", re.compile(r"<script\b[^>]*\bsrc\s*=", re.I)),
    ("link href", re.compile(r"<link\b[^>]*\bhref\s*=", re.I)),
    ("img src", re.compile(r"<img\b[^>]*\bsrc\s*=\s*['\"]?(?:https?:)?//", re.I)),
    ("iframe", re.compile(r"<iframe\b", re.I)),
    ("css url()", re.compile(r"url\(\s*['\"]?(?:https?:)?//", re.I)),
    ("css @import", re.compile(r"@import\b", re.I)),
)


def external_references(html: str) -> list[str]:
    """Every place ``html`` would load something from outside the page.

    Plain attribution links (``<a href="https://...">``) are not loads and
    are allowed. Any ``<script src>`` or ``<link href>`` counts, even a
    relative one: a map must be a single file that can be mailed or copied.
    """
    found: list[str] = []
    for label, pattern in _EXTERNAL_PATTERNS:
        for match in pattern.finditer(html):
            start = max(0, match.start() - 20)
            found.append(f"{label}: ...{html[start : match.end() + 60]!s}...")
    return found


def assert_offline(html: str, where: str) -> str:
    """Return ``html`` unchanged, or raise if it references external assets."""
    found = external_references(html)
    if found:
        raise OfflineAssetError(
            f"{where}: page would load external resources offline: " + "; ".join(found[:5])
        )
    return html
