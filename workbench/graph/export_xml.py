"""GraphML and GEXF, written as a stream (networkx's writers build the whole XML tree
in memory, which for 300,000 edges takes over 2 GiB). Both read back with networkx
(`read_graphml(..., force_multigraph=True)`, `read_gexf`) and open in Gephi.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import IO, Any

from workbench.graph.style import EDGE_STYLES, node_colour, rgb
from workbench.graph.view import EDGE_ATTRS, NODE_ATTRS, GraphView

# characters XML 1.0 cannot carry at all, even escaped
_INVALID_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ESCAPES = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    '"': "&quot;",
    "\n": "&#10;",
    "\r": "&#13;",
    "\t": "&#9;",
}
_ESCAPE_RE = re.compile('[&<>"\n\r\t]')


def esc(value: Any) -> str:
    """Text safe inside an XML attribute or element."""
    text = _INVALID_XML.sub("", str(value))
    return _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group(0)], text)


def _value(value: Any, kind: str) -> str:
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "double":
        return repr(float(value))
    return esc(value)


def write_graphml(view: GraphView, out: IO[str]) -> None:
    w = out.write
    w('<?xml version="1.0" encoding="utf-8"?>\n')
    w(
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
        'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
    )
    node_keys = {name: (f"n{i}", kind) for i, (name, kind) in enumerate(NODE_ATTRS)}
    edge_keys = {name: (f"e{i}", kind) for i, (name, kind) in enumerate(EDGE_ATTRS)}
    for owner, keys in (("node", node_keys), ("edge", edge_keys)):
        for name, (key, kind) in keys.items():
            w(f'<key id="{key}" for="{owner}" attr.name="{name}" attr.type="{kind}"/>\n')
    w('<graph id="vendor-graph" edgedefault="directed">\n')
    for node in view.nodes:
        w(f'<node id="{esc(node["id"])}">')
        _data(w, node, node_keys)
        w("</node>\n")
    for edge in view.edges:
        w(
            f'<edge id="{esc(edge["id"])}" source="{esc(edge["source"])}" '
            f'target="{esc(edge["target"])}">'
        )
        _data(w, edge, edge_keys)
        w("</edge>\n")
    w("</graph>\n</graphml>\n")


def _data(
    w: Callable[[str], object], item: dict[str, Any], keys: dict[str, tuple[str, str]]
) -> None:
    for name, (key, kind) in keys.items():
        value = item.get(name)
        if value is not None:
            w(f'<data key="{key}">{_value(value, kind)}</data>')


_GEXF_TYPES = {"string": "string", "double": "double", "boolean": "boolean", "int": "integer"}


def write_gexf(view: GraphView, out: IO[str], description: str = "") -> None:
    """GEXF 1.2draft with viz colours: nodes by role or kind, edges by evidence strength."""
    w = out.write
    w('<?xml version="1.0" encoding="utf-8"?>\n')
    w(
        '<gexf xmlns="http://www.gexf.net/1.2draft" '
        'xmlns:viz="http://www.gexf.net/1.2draft/viz" version="1.2">\n'
    )
    w(f"<meta><creator>workbench</creator><description>{esc(description)}</description></meta>\n")
    w('<graph defaultedgetype="directed" mode="static">\n')
    node_attrs = [(n, k) for n, k in NODE_ATTRS if n != "label"]
    edge_attrs = [(n, k) for n, k in EDGE_ATTRS if n not in ("label",)]
    for owner, attrs in (("node", node_attrs), ("edge", edge_attrs)):
        w(f'<attributes class="{owner}" mode="static">\n')
        for i, (name, kind) in enumerate(attrs):
            w(f'<attribute id="{i}" title="{name}" type="{_GEXF_TYPES[kind]}"/>\n')
        w("</attributes>\n")
    w("<nodes>\n")
    for node in view.nodes:
        w(f'<node id="{esc(node["id"])}" label="{esc(node["label"])}">')
        _attvalues(w, node, node_attrs)
        r, g, b = rgb(node_colour(node))
        w(f'<viz:color r="{r}" g="{g}" b="{b}"/></node>\n')
    w("</nodes>\n<edges>\n")
    for edge in view.edges:
        style = EDGE_STYLES[edge["strength"]]
        w(
            f'<edge id="{esc(edge["id"])}" source="{esc(edge["source"])}" '
            f'target="{esc(edge["target"])}" label="{esc(edge["label"])}" '
            f'weight="{float(edge["confidence"])!r}">'
        )
        _attvalues(w, edge, edge_attrs)
        r, g, b = rgb(style.colour)
        w(f'<viz:color r="{r}" g="{g}" b="{b}"/><viz:thickness value="{style.width}"/>')
        if style.dash:
            w('<viz:shape value="dashed"/>')
        w("</edge>\n")
    w("</edges>\n</graph>\n</gexf>\n")


def _attvalues(
    w: Callable[[str], object], item: dict[str, Any], attrs: Iterable[tuple[str, str]]
) -> None:
    values = [
        f'<attvalue for="{i}" value="{_value(item[name], kind)}"/>'
        for i, (name, kind) in enumerate(attrs)
        if item.get(name) is not None
    ]
    if values:
        w("<attvalues>" + "".join(values) + "</attvalues>")
