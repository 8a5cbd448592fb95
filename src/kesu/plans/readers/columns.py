"""Text flattened from a two-column page line by line (as `pdftotext -layout` writes it): each line
holds a piece of the left column, a run of spaces, and a piece of the right column. When most lines
of the text split at the same place, the left pieces are read first, then the right ones.

The same flattening with a single space between the pieces cannot be told from an ordinary space
and is left as it is.
"""

from __future__ import annotations

import re
import statistics

# At least this many spaces (or one ideographic space pair) between the two pieces of a line.
_GAP = re.compile(r"(?<=\S)(?: {3,}|\u3000{2,})(?=\S)")
_MIN_LINES = 6
_SPLIT_SHARE = 0.6
_POSITION_TOLERANCE = 4


def unflatten(text: str) -> tuple[str, list[str]]:
    """The text in reading order, and a note when two flattened columns were separated."""
    lines = text.split("\n")
    filled = [line for line in lines if line.strip()]
    gaps = [(line, _GAP.search(line)) for line in filled]
    split = [(line, match) for line, match in gaps if match is not None]
    if len(filled) < _MIN_LINES or len(split) < _SPLIT_SHARE * len(filled):
        return text, []
    # The right column starts at the same place on every line; where the left piece ends varies.
    position = statistics.median(match.end() for _, match in split)
    if any(_GAP.search(line, match.end()) for line, match in split):
        return text, []  # three or more pieces: a table laid out with spaces, not two columns
    left: list[str] = []
    right: list[str] = []
    for line in lines:
        match = _GAP.search(line)
        if match is not None and abs(match.end() - position) <= _POSITION_TOLERANCE:
            left.append(line[: match.start()].strip())
            right.append(line[match.end() :].strip())
        elif line.strip() and len(line) - len(line.lstrip()) >= position - _POSITION_TOLERANCE:
            right.append(line.strip())  # a line of the right column beside an empty left one
        else:
            left.append(line.strip())
    note = "文本像是由两栏页面逐行拼合而成，已按先左栏后右栏的顺序重排 / the text looked flattened from two columns; it was read column by column"
    return "\n".join(_rejoin(left) + _rejoin(right)), [note]


def _rejoin(pieces: list[str]) -> list[str]:
    """A column's pieces become paragraphs again: a piece starting like a new item or after a
    sentence end begins a paragraph, the others continue the one before."""
    paragraphs: list[str] = []
    for piece in pieces:
        if not piece:
            continue
        starts = re.match(
            r"[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d+[.、．]|[—-]{2}", piece
        )
        if paragraphs and not starts and not paragraphs[-1].endswith(("。", "：", ":", "；")):
            paragraphs[-1] += piece
        else:
            paragraphs.append(piece)
    return paragraphs
