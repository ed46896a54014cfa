"""Surveillance-transparency workbench.

`import workbench` stays light: heavy engines (torch, easyocr, streamlit) import lazily
inside the modules that use them.
"""

__version__ = "0.1.0"
