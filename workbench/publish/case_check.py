"""`workbench verify DIR`: a case folder checked against everything it records.

The case layer checks its own originals, the audit chain and the time-stamps; the
graph adds the saved copies cited as evidence, which only it records.
"""

from __future__ import annotations

from workbench.case.folder import Case
from workbench.case.verify import VerifyReport, verify_case
from workbench.graph import relation_rows
from workbench.progress import ProgressSink


def verify_case_folder(case: Case, progress: ProgressSink | None = None) -> VerifyReport:
    return verify_case(case, progress, more_files=relation_rows.saved_copies(case.conn))
