"""A static PNG of the graph (matplotlib, Agg): same colours and edge styles as the HTML."""

from __future__ import annotations

import random
import warnings
from pathlib import Path

from normality import ascii_text

from workbench.graph.layout import positions
from workbench.graph.model import STRENGTHS
from workbench.graph.style import EDGE_STYLES, KIND_COLOURS, ROLE_COLOURS, node_colour
from workbench.graph.view import GraphView

LABEL_LIMIT = 150
ARROW_LIMIT = 500
# Agg's time grows with the pixels every line covers; past this many edges the picture
# (an overview: a hairball either way) draws a uniform sample and says so in its title
MAX_DRAWN_EDGES = 60_000


def _label(text: str) -> str:
    """DejaVu Sans has Latin, Cyrillic and Greek but no CJK: transliterate what it lacks."""
    if all(ord(ch) < 0x2000 for ch in text):
        return text
    return ascii_text(text) or text


def write_png(view: GraphView, path: Path, title: str = "Vendor graph", dpi: int = 120) -> None:
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt
    from matplotlib.collections import LineCollection
    from matplotlib.lines import Line2D

    pos = positions(view)
    fig, ax = plt.subplots(figsize=(14, 10), dpi=dpi)
    try:
        ax.set_axis_off()
        edges = view.edges
        note = ""
        if len(edges) > MAX_DRAWN_EDGES:
            edges = random.Random(0).sample(edges, MAX_DRAWN_EDGES)
            note = f" ({MAX_DRAWN_EDGES:,} drawn: a uniform sample)"
        ax.set_title(f"{title} — {len(view.nodes):,} entities, {len(view.edges):,} relations{note}")
        for strength in STRENGTHS:
            style = EDGE_STYLES[strength]
            segments = [
                (pos[e["source"]], pos[e["target"]]) for e in edges if e["strength"] == strength
            ]
            if not segments:
                continue
            if len(edges) <= ARROW_LIMIT:  # small graphs: show which way each edge runs
                for (x0, y0), (x1, y1) in segments:
                    ax.annotate(
                        "",
                        xy=(x0 + 0.6 * (x1 - x0), y0 + 0.6 * (y1 - y0)),
                        xytext=(x0, y0),
                        arrowprops={
                            "arrowstyle": "-|>",
                            "color": style.colour,
                            "lw": 0,
                            "mutation_scale": 12,
                        },
                        zorder=1,
                    )
            ax.add_collection(
                LineCollection(
                    segments,
                    colors=style.colour,
                    linewidths=style.width * (0.3 if len(edges) > 5000 else 1.0),
                    linestyles=(0, style.dash) if style.dash else "solid",
                    alpha=0.6,
                    zorder=1,
                    antialiaseds=len(edges) <= 20_000,
                )
            )
        if view.nodes:
            xs = [pos[n["id"]][0] for n in view.nodes]
            ys = [pos[n["id"]][1] for n in view.nodes]
            count = len(view.nodes)
            size = 60 if count <= 5000 else max(0.3, 4 * (5000 / count))  # big graphs: edges show
            ax.scatter(
                xs, ys, s=size, c=[node_colour(n) for n in view.nodes], zorder=2, linewidths=0
            )
            if len(view.nodes) <= LABEL_LIMIT:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    for n, x, y in zip(view.nodes, xs, ys, strict=True):
                        ax.annotate(
                            _label(n["label"]),
                            (x, y),
                            fontsize=7,
                            xytext=(4, 3),
                            textcoords="offset points",
                            zorder=3,
                        )
        handles = [
            Line2D([], [], marker="o", linestyle="", color=c, label=k)
            for k, c in {**ROLE_COLOURS, **KIND_COLOURS}.items()
        ] + [
            Line2D(
                [],
                [],
                color=s.colour,
                linewidth=s.width,
                linestyle=(0, s.dash) if s.dash else "solid",
                label=k,
            )
            for k, s in EDGE_STYLES.items()
        ]
        ax.legend(handles=handles, loc="lower left", fontsize=7, ncol=2, frameon=False)
        ax.autoscale()
        ax.set_aspect("equal", adjustable="datalim")
        fig.savefig(path, format="png")
    finally:
        plt.close(fig)
