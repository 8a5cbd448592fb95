"""The fonts of the evaluation documents. The choice itself lives in :mod:`kesu.typesetting.fonts`, below
every app, because the 督办通知单 of kesu.progress is typeset with the same fonts; the names are
re-exported here for the evaluation modules that import them from this one."""

from kesu.typesetting.fonts import (
    BODY_FAMILIES,
    DEBIAN_SANS,
    DEBIAN_SANS_BOLD,
    DEBIAN_SC_INDEX,
    HEADING_FAMILIES,
    SANS_FAMILIES,
    TITLE_FAMILIES,
    FontFile,
    ReportFontError,
    css_stack,
    installed_families,
    pick_family,
    sans_font_file,
)

__all__ = [
    "BODY_FAMILIES", "DEBIAN_SANS", "DEBIAN_SANS_BOLD", "DEBIAN_SC_INDEX", "HEADING_FAMILIES", "SANS_FAMILIES",
    "TITLE_FAMILIES", "FontFile", "ReportFontError", "css_stack", "installed_families", "pick_family",
    "sans_font_file",
]
