"""Fonts in python-docx documents. Word keeps the Latin and the East Asian font of a run apart, and the
built-in styles name theme fonts that override both: setting ``font.name`` alone leaves Chinese text in
the theme's face."""

from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt


def set_font(target, family: str, size: float | None = None, bold: bool | None = None) -> None:
    """Set Latin and East Asian font (and optionally size in points and weight) of a style or run."""
    font = target.font
    font.name = family
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    rpr = target.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), family)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
