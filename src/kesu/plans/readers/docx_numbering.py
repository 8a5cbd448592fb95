"""Word's automatic list numbering: the number a numbered paragraph prints ("一、", "（二）", "3.").

The numbers are not in the document's text; Word computes them from the list definitions in
numbering.xml while it lays the document out, so they are counted here in the same order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# A printed number ending in one of these is followed directly by the text ("1.弘扬", "（一）青少年").
_NUMBER_CLOSERS = "、.．。,，:：)）]】"


@dataclass
class _NumberingLevel:
    start: int = 1
    number_format: str = "decimal"
    text: str = "%1."
    suffix: str = "tab"
    legal: bool = False


@dataclass
class _NumberingInstance:
    abstract_id: str
    levels: dict[int, _NumberingLevel]
    start_overrides: dict[int, int] = field(default_factory=dict)


class ListNumbering:
    """The list definitions of one document and their counters, advanced paragraph by paragraph."""

    def __init__(self, instances: dict[str, _NumberingInstance]):
        self._instances = instances
        # Word keeps one counter per abstract list, shared by the w:num instances that use it;
        # an instance with a start override restarts it the first time it is used.
        self._counters: dict[str, list[int | None]] = {}
        self._started_instances: set[str] = set()

    @classmethod
    def of_document(cls, document: Any) -> ListNumbering:
        try:
            from docx.opc.constants import RELATIONSHIP_TYPE as RT

            root = document.part.part_related_by(RT.NUMBERING).element
        except Exception:
            return cls({})
        abstracts: dict[str, dict[int, _NumberingLevel]] = {}
        for abstract in root.findall(f"{W}abstractNum"):
            abstracts[abstract.get(f"{W}abstractNumId")] = _read_levels(abstract)
        instances: dict[str, _NumberingInstance] = {}
        for num in root.findall(f"{W}num"):
            abstract_el = num.find(f"{W}abstractNumId")
            if abstract_el is None:
                continue
            abstract_id = abstract_el.get(f"{W}val")
            levels = dict(abstracts.get(abstract_id, {}))
            overrides: dict[int, int] = {}
            for override in num.findall(f"{W}lvlOverride"):
                ilvl = int(override.get(f"{W}ilvl", "0"))
                start = override.find(f"{W}startOverride")
                if start is not None:
                    overrides[ilvl] = int(start.get(f"{W}val", "1"))
                lvl = override.find(f"{W}lvl")
                if lvl is not None:
                    levels[ilvl] = _read_level(lvl)
            instances[num.get(f"{W}numId")] = _NumberingInstance(abstract_id, levels, overrides)
        return cls(instances)

    def prefix(self, num_id: str, ilvl: int) -> str:
        """The number printed before the next paragraph of list `num_id` at level `ilvl`."""
        instance = self._instances.get(num_id)
        # numId 0 explicitly switches numbering off for this paragraph.
        if num_id == "0" or instance is None:
            return ""
        level = instance.levels.get(ilvl) or _NumberingLevel(text=f"%{ilvl + 1}.")
        if level.number_format in ("bullet", "none"):
            return ""

        counters = self._counters.setdefault(instance.abstract_id, [None] * 9)
        if num_id not in self._started_instances:
            self._started_instances.add(num_id)
            for override_level, start in instance.start_overrides.items():
                if override_level < len(counters):
                    counters[override_level] = start - 1
        current = counters[ilvl]
        counters[ilvl] = level.start if current is None else current + 1
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = None

        def substitute(match: re.Match[str]) -> str:
            index = int(match.group(1)) - 1
            if not 0 <= index < 9:
                return ""
            ref_level = instance.levels.get(index) or _NumberingLevel()
            value = counters[index]
            if value is None:
                value = ref_level.start
            number_format = "decimal" if level.legal and index < ilvl else ref_level.number_format
            return format_number(value, number_format)

        prefix = re.sub(r"%(\d)", substitute, level.text)
        if not prefix or level.suffix == "nothing" or prefix[-1] in _NUMBER_CLOSERS:
            return prefix
        return prefix + " "


def _read_levels(abstract: Any) -> dict[int, _NumberingLevel]:
    return {int(lvl.get(f"{W}ilvl", "0")): _read_level(lvl) for lvl in abstract.findall(f"{W}lvl")}


def _read_level(lvl: Any) -> _NumberingLevel:
    def value(tag: str, default: str) -> str:
        el = lvl.find(f"{W}{tag}")
        return el.get(f"{W}val", default) if el is not None else default

    ilvl = int(lvl.get(f"{W}ilvl", "0"))
    try:
        start = int(value("start", "1"))
    except ValueError:
        start = 1
    return _NumberingLevel(
        start=start,
        number_format=value("numFmt", "decimal"),
        text=value("lvlText", f"%{ilvl + 1}."),
        suffix=value("suff", "tab"),
        legal=lvl.find(f"{W}isLgl") is not None,
    )


_CHINESE_DIGITS = "零一二三四五六七八九"
_CHINESE_LEGAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_HEAVENLY_STEMS = "甲乙丙丁戊己庚辛壬癸"
_EARTHLY_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_PARENTHESISED = "⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇"


def chinese_numeral(value: int, digits: str = _CHINESE_DIGITS, units: str = "十百千") -> str:
    """`value` in Chinese numerals as Word prints a list number (12 → 十二); digits beyond 1…9999."""
    if value <= 0 or value >= 10000:
        return str(value)
    text = ""
    zero_pending = False
    for power, unit in ((1000, units[2]), (100, units[1]), (10, units[0]), (1, "")):
        digit = value // power % 10
        if digit == 0:
            zero_pending = bool(text)
            continue
        if zero_pending:
            text += digits[0]
            zero_pending = False
        text += digits[digit] + unit
    # 一十二 is written 十二.
    if 10 <= value < 20 and digits is _CHINESE_DIGITS:
        text = text[1:]
    return text


def _roman(value: int) -> str:
    if value <= 0 or value >= 4000:
        return str(value)
    numerals = (
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    )  # fmt: skip
    text = ""
    for amount, numeral in numerals:
        while value >= amount:
            text += numeral
            value -= amount
    return text


def _letters(value: int) -> str:
    if value <= 0:
        return str(value)
    # Word repeats the letter: a … z, aa … zz.
    return chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)


def format_number(value: int, number_format: str) -> str:
    """`value` in a list level's w:numFmt; formats without a rendering here print as digits."""
    if number_format in ("chineseCounting", "chineseCountingThousand", "taiwaneseCounting",
                         "taiwaneseCountingThousand", "japaneseCounting", "ideographDigital"):  # fmt: skip
        return chinese_numeral(value)
    if number_format == "chineseLegalSimplified":
        return chinese_numeral(value, _CHINESE_LEGAL_DIGITS, "拾佰仟")
    if number_format in ("ideographTraditional",) and 1 <= value <= 10:
        return _HEAVENLY_STEMS[value - 1]
    if number_format == "ideographZodiac" and 1 <= value <= 12:
        return _EARTHLY_BRANCHES[value - 1]
    if number_format in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= value <= 20:
        return _CIRCLED[value - 1]
    if number_format == "decimalEnclosedParen" and 1 <= value <= 20:
        return _PARENTHESISED[value - 1]
    if number_format == "decimalFullWidth":
        return "".join(chr(ord(d) - ord("0") + ord("０")) for d in str(value))
    if number_format == "decimalZero":
        return f"{value:02d}"
    if number_format == "upperRoman":
        return _roman(value)
    if number_format == "lowerRoman":
        return _roman(value).lower()
    if number_format == "upperLetter":
        return _letters(value).upper()
    if number_format == "lowerLetter":
        return _letters(value)
    return str(value)
