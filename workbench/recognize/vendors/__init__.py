"""Vendor registry and resolution of OCR text to vendors."""

from workbench.recognize.vendors.registry import VendorEntry, load_registry
from workbench.recognize.vendors.resolve import VendorResolver, VendorSuggestion

__all__ = ["VendorEntry", "VendorResolver", "VendorSuggestion", "load_registry"]
