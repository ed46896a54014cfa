"""How the graph looks: colours by role, kind and country; edge styles by evidence strength.

Shared by the GEXF, HTML and PNG exports so Gephi, the browser and the picture agree.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from workbench.graph.countries import HOME

ROLE_COLOURS = {
    "integrator": "#d62728",
    "vendor": "#1f77b4",
    "distributor": "#9467bd",
    "operator": "#2ca02c",
    "client": "#17becf",
    "other": "#7f7f7f",
}
KIND_COLOURS = {
    "organisation": "#8c8c8c",
    "product": "#ff7f0e",
    "site": "#e377c2",
    "person": "#bcbd22",
}


@dataclass(frozen=True)
class EdgeStyle:
    width: float  # pixels
    dash: tuple[int, ...]  # dash pattern; empty: solid
    colour: str


EDGE_STYLES: dict[str, EdgeStyle] = {
    "hypothesis": EdgeStyle(1.0, (4, 4), "#9a9a9a"),
    "reported": EdgeStyle(1.5, (), "#6b8fb3"),
    "recorded": EdgeStyle(2.5, (), "#2f4f6f"),
    "observed": EdgeStyle(3.5, (), "#b8860b"),
}


def node_colour(node: dict[str, Any]) -> str:
    """Organisations by role, other kinds by kind."""
    if node.get("kind") == "organisation" and node.get("role"):
        return ROLE_COLOURS.get(node["role"], ROLE_COLOURS["other"])
    return KIND_COLOURS.get(node.get("kind", ""), "#7f7f7f")


def country_colour(code: str | None) -> str:
    """A stable colour per country; the home country teal, unknown grey."""
    if not code:
        return "#bdbdbd"
    if code == HOME:
        return "#00a6a6"
    digest = hashlib.sha1(code.encode()).digest()
    hue = digest[0] / 255 * 360
    return _hsl(hue, 0.65, 0.45)


def _hsl(h: float, s: float, lightness: float) -> str:
    import colorsys

    r, g, b = colorsys.hls_to_rgb(h / 360, lightness, s)
    return f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"


def rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)
