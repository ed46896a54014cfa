"""The vendor graph: entities and evidence-backed relations in the case store.

Who built which control centre, with whose cameras and software, and how we know.
The case store is the source of truth; networkx graphs, DataFrames and exports are
views built from it on demand. Kinds are declared once in `workbench.graph.model`.

This package imports nothing heavy at import time (case.migrations reads
`workbench.case.graph_schema`); import the submodules you need.
"""
