"""Traditional → simplified characters: the one converter of `kesu.plans`.

Plans reposted from Hong Kong and Taiwan sites arrive entirely in traditional characters (縣科協,
〔2022〕16號, 衛生健康委員會); the parser reads them in simplified characters so that unit names,
clause keys and targets meet their simplified forms. Hand-made tables always missed a character
(備, 強, 籌, 論 … broke unit names and targets), so the table is OpenCC's complete character
dictionary, read from the data files of `opencc-python-reimplemented` (Apache-2.0) when this module
is imported.

- Character level only, one code point for one: positions are kept, so a value found in the
  simplified text can be cut from the printed text at the same place (metadata keeps the title and
  issuer as printed). OpenCC's phrase level (乾隆 vs 乾燥) is not needed for plans and costs a
  segmentation pass.
- Hong Kong and Taiwan variant forms (衞, 峯, 敍, 溼) go through OpenCC's variant tables first.
- A character that is also a simplified character with a use of its own is never changed, so a
  simplified text goes through unchanged: 乾 (乾县, 乾安县, 乾隆), 薹 (菜薹), 著 (显著), 藉 (凭藉).
  于/於 and 征/徵 are converted: in a plan 於 and 徵 are the traditional forms of 关于, 征求.
"""

from __future__ import annotations

import re
from importlib import resources

# Characters of OpenCC's table that are simplified characters too and are used as such in plans
# (OpenCC's own alternatives add 乾, 薹 and a few rare ones), and characters that OpenCC may keep but
# that in a plan are the traditional forms (关於 → 关于, 徵求 → 征求, 夥伴 → 伙伴, 什麽 → 什么).
_ALSO_SIMPLIFIED = "乾薹苧著"
_CONVERTED_ANYWAY = "於徵夥麽剋"


def _read(name: str) -> dict[str, list[str]]:
    """One of OpenCC's dictionaries: character → its conversions, the usual one first."""
    try:
        data = resources.files("opencc").joinpath("dictionary", name).read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError) as exc:  # pragma: no cover - install error
        raise ImportError(
            f"kesu.plans.characters needs OpenCC's {name} from opencc-python-reimplemented: {exc}"
        ) from exc
    table = {}
    for line in data.splitlines():
        key, _, values = line.partition("\t")
        if len(key) == 1 and values:
            table[key] = values.split(" ")
    return table


def _build() -> dict[int, str]:
    characters = _read("TSCharacters.txt")
    table = {k: v[0] for k, v in characters.items() if v[0] != k and len(v[0]) == 1}
    # a character that is some character's conversion, or that OpenCC may keep as it is (於 → 于 or
    # 於), is a simplified character too
    simplified = {c for values in characters.values() for c in values}
    for name in ("HKVariantsRev.txt", "TWVariantsRev.txt"):
        for variant, (standard, *_) in _read(name).items():
            # 衞 → 衛 → 卫; a variant whose standard form OpenCC leaves alone (抬/擡) is left alone
            if standard in table and variant not in simplified:
                table.setdefault(variant, table[standard])
    keep = (set(_ALSO_SIMPLIFIED) | simplified) - set(_CONVERTED_ANYWAY)
    return {ord(k): v for k, v in table.items() if k not in keep}


_TABLE = _build()
# str.translate looks every character up in the dict; most texts have no traditional character at
# all, and a character-class search finds that out in C. A class with a character beyond the BMP is
# compiled into a list scanned at every character of the text (100× slower), so the few such
# characters (𠁞 …) have a class of their own, searched only in a text that has such a character.
_NARROW = re.compile("[" + "".join(sorted(chr(code) for code in _TABLE if code <= 0xFFFF)) + "]")
_WIDE = re.compile("[" + "".join(sorted(chr(code) for code in _TABLE if code > 0xFFFF)) + "]")
_BEYOND_BMP = re.compile("[\U00010000-\U0010ffff]")


def has_traditional(text: str) -> bool:
    """Whether `text` has any character that `to_simplified` changes."""
    return _NARROW.search(text) is not None or (
        _BEYOND_BMP.search(text) is not None and _WIDE.search(text) is not None
    )


def to_simplified(text: str) -> str:
    """Traditional → simplified, one character for one, so positions are kept."""
    return text.translate(_TABLE) if has_traditional(text) else text


def count_traditional(text: str) -> int:
    """How many characters of `text` `to_simplified` changes."""
    count = len(_NARROW.findall(text))
    return count + len(_WIDE.findall(text)) if _BEYOND_BMP.search(text) else count
