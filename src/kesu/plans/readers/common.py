"""What every reader shares: the checks before a file is opened, the clean-up after its text is
read, and the joining of text that a layout broke into pieces."""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from kesu.plans.errors import PlanParseError

if TYPE_CHECKING:
    from pathlib import Path


def check_readable_file(path: Path) -> None:
    """Raise `PlanParseError` for a missing, empty or unreadable file, or a directory."""
    source = str(path)
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise PlanParseError(source, "文件不存在 / file not found") from None
    except OSError as exc:
        raise PlanParseError(source, f"无法读取文件 / cannot read the file: {exc.strerror}") from None
    if path.is_dir():
        raise PlanParseError(source, "这是目录，不是文件 / this is a directory, not a file")
    if stat.st_size == 0:
        raise PlanParseError(source, "文件为空 / the file is empty")
    try:
        with path.open("rb") as handle:
            handle.read(1)
    except OSError as exc:
        raise PlanParseError(source, f"无法读取文件 / cannot read the file: {exc.strerror}") from None


# PDFs made in China often map ideographs to look-alike radicals (⾏ U+2F8F for 行) or
# compatibility ideographs; unit names would then never match, so fold them to the unified forms.
_FOLDED_RANGES = ((0x2E80, 0x2EFF), (0x2F00, 0x2FDF), (0xF900, 0xFAFF))
_CHARACTER_FOLDING = {
    code: unicodedata.normalize("NFKC", chr(code))
    for first, last in _FOLDED_RANGES
    for code in range(first, last + 1)
    if unicodedata.normalize("NFKC", chr(code)) != chr(code)
}
# The simplified-form radicals have no compatibility mapping; these are the ones that stand for a
# whole simplified character.
_CHARACTER_FOLDING.update(
    {
        ord(radical): character
        for radical, character in zip(
            "⻅⻉⻋⻓⻔⻚⻛⻜⻠⻢⻥⻦⻧⻨⻩⻪⻬⻮⻰⻳",
            "见贝车长门页风飞饣马鱼鸟卤麦黄黾齐齿龙龟",
            strict=True,
        )
    }
)


# Some mirror sites annotate characters with their pinyin: 素質(zhì)、發(fā)布. The reading breaks
# every word it sits in (質(zhì)量, 印發(fā)), so it is dropped; a tone mark is required, so that an
# ordinary parenthesis of Latin letters after a character (科协(CAST)) stays.
_PINYIN_GLOSS = re.compile(
    r"(?<=[\u3400-\u9fff])[(（](?=[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ])[a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜ]{1,7}[)）]"
)


def normalise_characters(text: str) -> str:
    text = _PINYIN_GLOSS.sub("", text.translate(_CHARACTER_FOLDING))
    if text.startswith("\ufeff"):
        text = text[1:]
    # Collapse runs of blank lines: they carry no structure for the parser.
    return re.sub(r"\n[ \t\u3000]*\n(?:[ \t\u3000]*\n)+", "\n\n", text)


def join_fragments(left: str, right: str) -> str:
    """Join two pieces of one wrapped line: no space inside Chinese, one space between Latin words."""
    if not left:
        return right
    if not right:
        return left
    if left[-1].isascii() and left[-1].isalnum() and right[0].isascii() and right[0].isalnum():
        return f"{left} {right}"
    return left + right


def single_line(text: str) -> str:
    """Make text safe for one TAB-separated table cell."""
    pieces = [piece.strip() for piece in re.split(r"[\t\n\r]+", text)]
    joined = ""
    for piece in pieces:
        joined = join_fragments(joined, piece)
    return joined
