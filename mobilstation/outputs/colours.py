"""Route colours a reader can tell apart: a palette picked by CIEDE2000 colour difference.

Each vehicle-day gets its own colour. The palette is chosen greedily from a
grid of sRGB colours dark and saturated enough to read as a line on the pale
land and behind white marker text: start from a strong blue, then always
add the candidate farthest (CIEDE2000, Sharma et al. 2005) from every colour
already chosen. The same number of routes always gives the same palette.

:func:`ciede2000` is the formula of Sharma, Wu and Dalal (2005), checked in
the tests against their published test pairs.
"""

from __future__ import annotations

import functools
import math

import numpy as np

FIRST = "#1f4fbf"
"""The first route's colour (a strong blue)."""

_L_RANGE = (28.0, 62.0)  # CIE L*: dark enough for white text, light enough to be told from black
_MIN_CHROMA = 35.0


def hex_to_rgb(colour: str) -> tuple[int, int, int]:
    c = colour.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def _srgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """sRGB 0-255 (n x 3) to CIE L*a*b* (D65)."""
    c = rgb / 255.0
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    m = np.array([[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750], [0.0193339, 0.1191920, 0.9503041]])
    xyz = lin @ m.T / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.column_stack([116 * f[:, 1] - 16, 500 * (f[:, 0] - f[:, 1]), 200 * (f[:, 1] - f[:, 2])])


def lab(colour: str) -> tuple[float, float, float]:
    """CIE L*a*b* of a ``#rrggbb`` colour."""
    v = _srgb_to_lab(np.array([hex_to_rgb(colour)], float))[0]
    return float(v[0]), float(v[1]), float(v[2])


def _de2000(lab1: np.ndarray, lab2: np.ndarray) -> np.ndarray:
    """CIEDE2000 between rows of ``lab1`` and ``lab2`` (broadcasting)."""
    L1, a1, b1 = lab1[..., 0], lab1[..., 1], lab1[..., 2]
    L2, a2, b2 = lab2[..., 0], lab2[..., 1], lab2[..., 2]
    C1, C2 = np.hypot(a1, b1), np.hypot(a2, b2)
    Cm = (C1 + C2) / 2
    G = 0.5 * (1 - np.sqrt(Cm**7 / (Cm**7 + 25.0**7)))
    a1p, a2p = (1 + G) * a1, (1 + G) * a2
    C1p, C2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360
    dLp = L2 - L1
    dCp = C2p - C1p
    dh = h2p - h1p
    dh = np.where(dh > 180, dh - 360, np.where(dh < -180, dh + 360, dh))
    dh = np.where(C1p * C2p == 0, 0.0, dh)
    dHp = 2 * np.sqrt(C1p * C2p) * np.sin(np.radians(dh) / 2)
    Lpm = (L1 + L2) / 2
    Cpm = (C1p + C2p) / 2
    hsum = h1p + h2p
    hpm = np.where(
        C1p * C2p == 0,
        hsum,
        np.where(np.abs(h1p - h2p) <= 180, hsum / 2, np.where(hsum < 360, (hsum + 360) / 2, (hsum - 360) / 2)),
    )
    T = (
        1
        - 0.17 * np.cos(np.radians(hpm - 30))
        + 0.24 * np.cos(np.radians(2 * hpm))
        + 0.32 * np.cos(np.radians(3 * hpm + 6))
        - 0.20 * np.cos(np.radians(4 * hpm - 63))
    )
    dtheta = 30 * np.exp(-(((hpm - 275) / 25) ** 2))
    Rc = 2 * np.sqrt(Cpm**7 / (Cpm**7 + 25.0**7))
    Sl = 1 + 0.015 * (Lpm - 50) ** 2 / np.sqrt(20 + (Lpm - 50) ** 2)
    Sc = 1 + 0.045 * Cpm
    Sh = 1 + 0.015 * Cpm * T
    Rt = -np.sin(np.radians(2 * dtheta)) * Rc
    return np.sqrt((dLp / Sl) ** 2 + (dCp / Sc) ** 2 + (dHp / Sh) ** 2 + Rt * (dCp / Sc) * (dHp / Sh))


def ciede2000_lab(lab1: tuple[float, float, float], lab2: tuple[float, float, float]) -> float:
    """CIEDE2000 colour difference of two L*a*b* colours."""
    return float(_de2000(np.array(lab1, float), np.array(lab2, float)))


def ciede2000(colour1: str, colour2: str) -> float:
    """CIEDE2000 colour difference of two ``#rrggbb`` colours."""
    return ciede2000_lab(lab(colour1), lab(colour2))


@functools.cache
def _candidates() -> tuple[np.ndarray, np.ndarray]:
    steps = np.arange(0, 256, 17, dtype=float)
    rgb = np.array(np.meshgrid(steps, steps, steps, indexing="ij")).reshape(3, -1).T
    labs = _srgb_to_lab(rgb)
    chroma = np.hypot(labs[:, 1], labs[:, 2])
    keep = (labs[:, 0] >= _L_RANGE[0]) & (labs[:, 0] <= _L_RANGE[1]) & (chroma >= _MIN_CHROMA)
    return rgb[keep], labs[keep]


@functools.cache
def route_palette(n: int) -> tuple[str, ...]:
    """``n`` route colours, each as far (CIEDE2000) from the others as the greedy choice gets."""
    if n <= 0:
        return ()
    rgb, labs = _candidates()
    first = np.array(lab(FIRST))
    chosen_lab = [first]
    chosen = [FIRST]
    nearest = _de2000(labs, first[None, :])
    for _ in range(1, n):
        k = int(np.argmax(nearest))
        chosen.append("#{:02x}{:02x}{:02x}".format(*(int(v) for v in rgb[k])))
        chosen_lab.append(labs[k])
        nearest = np.minimum(nearest, _de2000(labs, labs[k][None, :]))
    return tuple(chosen)


def min_pairwise(colours: list[str] | tuple[str, ...]) -> float:
    """The smallest CIEDE2000 difference between any two of ``colours`` (inf for fewer than two)."""
    best = math.inf
    for i in range(len(colours)):
        for j in range(i + 1, len(colours)):
            best = min(best, ciede2000(colours[i], colours[j]))
    return best
