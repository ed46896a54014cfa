"""Recognition: OCR engines, text to vendor resolution, logo matching, interface identification."""
