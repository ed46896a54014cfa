"""Batch analysis of a footage archive: on this machine's cores or on a Ray cluster.

`analyze(case, stages, executor="local" | "ray[:ADDRESS]", workers=N)` (which calls
`run_batch(case, make_executor(...))`) is the one analysis path; it splits the work of
`workbench analyze` into tasks (decoding and keyframes per video or segment, OCR per
chunk of keyframes); the driver alone writes to the case, so runs resume each other.
"""

from workbench.batch.analyze import AnalysisRun, analyze, run_batch
from workbench.batch.driver import BatchResult
from workbench.batch.executor import ExecutorSpec, make_executor, parse_executor
from workbench.batch.tasks import TaskFailure

__all__ = [
    "AnalysisRun",
    "BatchResult",
    "ExecutorSpec",
    "TaskFailure",
    "analyze",
    "make_executor",
    "parse_executor",
    "run_batch",
]
