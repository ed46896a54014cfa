"""Case folders: SQLite store with migrations, content-addressed media, audit log."""

from workbench.case.folder import Case, CaseInfo

__all__ = ["Case", "CaseInfo"]
