"""`python -m workbench.cli …` runs the command tree (the `workbench` script does the same)."""

from workbench.cli import main

main()
