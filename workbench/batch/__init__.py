"""Batch analysis of a footage archive: on this machine's cores or on a Ray cluster.

`run_batch(case, make_executor("local" | "ray[:ADDRESS]", workers))` splits the work of
`workbench analyze` into tasks (decoding and keyframes per video or segment, OCR per
chunk of keyframes); the driver alone writes to the case, so runs resume each other.
"""

from workbench.batch.driver import BatchResult, run_batch
from workbench.batch.executor import ExecutorSpec, make_executor, parse_executor
from workbench.batch.tasks import TaskFailure

__all__ = [
    "BatchResult",
    "ExecutorSpec",
    "TaskFailure",
    "make_executor",
    "parse_executor",
    "run_batch",
]
