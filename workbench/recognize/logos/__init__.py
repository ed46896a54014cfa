"""Logo matching: find the logos of a library (a folder of images) in video frames.

    library = LogoLibrary.load("data/logos")
    matcher = LogoMatcher(library)          # builds the reference index once
    for m in matcher.match(frame_rgb):      # -> list[LogoMatch]
        print(m.label, m.vendor, m.score, m.bbox)

Matches are suggestions: each records its method (OpenCV version, features, parameters).
This package imports OpenCV; `import workbench` does not import it.
"""

from workbench.recognize.logos.errors import LogoLibraryError, LogoMatchError
from workbench.recognize.logos.library import LogoLibrary, LogoReference
from workbench.recognize.logos.matcher import LogoMatcher
from workbench.recognize.logos.params import LogoMatch, MatchParams

__all__ = [
    "LogoLibrary",
    "LogoLibraryError",
    "LogoMatch",
    "LogoMatchError",
    "LogoMatcher",
    "LogoReference",
    "MatchParams",
]
