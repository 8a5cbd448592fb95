"""Targets and amounts written the way an office writes them: ``≥ 10 场`` where space is tight,
``不少于 10 场`` where it is not, ``1.2 万名`` rather than ``12000.0 名``.

Pure Python (no Django) so that pages, documents, exports and the CLI all share one notation; the
template filters in ``kesu.org.templatetags.kesu_format`` are thin wrappers around this module.

Rules (docs/decisions.md, "Target attainment"):

- comparators: ``>=`` ≥ 不少于, ``<=`` ≤ 不超过, ``=`` 达到 (no symbol: a bare target is its own
  amount), ``~`` 约, ``>`` 超过, ``<`` 低于; a comparator already in words or symbols passes through;
- counts (名, 人次, 场, 个, 家 …) are whole numbers: rounded half up, never shown with ``.0``;
- other amounts keep at most two decimals (``places`` to change), trailing zeros dropped;
- from 10000 on, a whole number of 万 (or 亿) is written with it, as plans write it (12000 名 → 1.2 万名)
  unless the unit already counts in 万 (万元, 万人次); anything else is written out in digits;
- percent-like units (%, ‰) follow the number without a space, all others after one space.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

# Stored comparators (kesu.plans.model.COMPARATORS) and the spellings older data or users bring.
_CANONICAL = {
    ">=": ">=", "≥": ">=", "≧": ">=", "=>": ">=", "不少于": ">=", "不低于": ">=", "至少": ">=",
    "<=": "<=", "≤": "<=", "≦": "<=", "=<": "<=", "不超过": "<=", "不高于": "<=", "不多于": "<=",
    "=": "=", "==": "=", "达到": "=",
    "~": "~", "≈": "~", "约": "~", "左右": "~",
    ">": ">", "超过": ">", "高于": ">", "多于": ">",
    "<": "<", "低于": "<", "少于": "<", "＜": "<",
}
_SYMBOLS = {">=": "≥", "<=": "≤", "=": "", "~": "约", ">": ">", "<": "<"}
_WORDS = {">=": "不少于", "<=": "不超过", "=": "达到", "~": "约", ">": "超过", "<": "低于"}

# What forms offer: (stored value, label); the stored values are kesu.plans.model.COMPARATORS.
COMPARATOR_CHOICES: list[tuple[str, str]] = [
    (">=", "不少于（≥）"),
    ("<=", "不超过（≤）"),
    ("=", "达到（=）"),
    ("~", "约（≈）"),
    (">", "超过（>）"),
    ("<", "低于（<）"),
]

# Units counted in whole things (people, events, places, items). A unit that ends in one of these
# (人次, 万人次 aside) is a count too: 场次, 所学校 …
COUNT_UNITS = frozenset({
    "人", "名", "人次", "位", "户", "家", "个", "场", "场次", "次", "期", "届", "项", "件", "部", "篇",
    "册", "本", "套", "台", "辆", "座", "所", "处", "支", "队", "批", "条", "门", "类", "种", "堂", "节",
    "集", "幅", "份", "块", "间", "站", "馆", "校", "村", "镇", "单位", "基地", "团队", "课", "讲", "期次",
})
_NO_SPACE_UNITS = frozenset({"%", "％", "‰", "‱"})
_BIG = ((100_000_000, "亿"), (10_000, "万"))


def canonical_comparator(comparator: str | None) -> str:
    """The stored form (>=, <=, =, ~, >, <) of any spelling; unknown text is returned stripped."""
    text = (comparator or "").strip()
    return _CANONICAL.get(text, text) if text else ">="


def comparator_symbol(comparator: str | None) -> str:
    """≥ ≤ > < 约 for a comparator; "" for ``=`` (a bare target reads as its amount)."""
    c = canonical_comparator(comparator)
    return _SYMBOLS.get(c, c)


def comparator_words(comparator: str | None) -> str:
    """不少于 / 不超过 / 达到 / 约 / 超过 / 低于 for a comparator; unknown text as it is."""
    c = canonical_comparator(comparator)
    return _WORDS.get(c, c)


def is_count_unit(unit: str | None) -> bool:
    unit = (unit or "").strip()
    if "/" in unit:  # 人/万人, 册/人: a ratio, not a count
        return False
    if not unit or unit.startswith("万") or unit.startswith("亿"):
        return unit[1:] in COUNT_UNITS if len(unit) > 1 else False
    return unit in COUNT_UNITS or any(unit.endswith(u) for u in ("人次", "场次", "人", "名", "个", "家", "所"))


def finite(value) -> float | None:
    """``value`` as a float, or None when it is missing, empty or not finite (shown as "—")."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _digits(number: float, places: int) -> str:
    """``number`` rounded half up to ``places`` decimals, trailing zeros and "-0" dropped."""
    quantum = Decimal(1).scaleb(-places)
    rounded = Decimal(repr(number)).quantize(quantum, rounding=ROUND_HALF_UP)
    text = f"{rounded:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def plain_number(value) -> str:
    """The exact value in plain digits, for an input field to edit: 1234567.0 → ``1234567`` (``:g``
    wrote ``1.23457e+06`` and lost digits on the next save), 0.1 → ``0.1``; missing → ""."""
    number = finite(value)
    if number is None:
        return ""
    text = f"{Decimal(repr(number)):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def format_number(value, *, places: int = 2, whole: bool = False) -> str:
    """A plain number: whole → no decimals; else at most ``places``; missing → "—"."""
    number = finite(value)
    if number is None:
        return "—"
    return _digits(number, 0 if whole else places)


def format_amount(value, unit: str | None = "", *, places: int | None = None, count: bool | None = None) -> str:
    """An amount with its unit as a reader expects it: ``20 场次``, ``1.2 万名``, ``54%``, ``4.4 万元``.

    Counts are whole numbers unless ``places`` asks for decimals (an average of counts, labelled as
    such by the caller). ``count`` overrides what the unit says: a per-person figure in 册 (人均拥有
    科普图书1.6册) is a ratio, not a count. Missing or non-finite → "—"."""
    number = finite(value)
    if number is None:
        return "—"
    unit = (unit or "").strip()
    count = is_count_unit(unit) if count is None else count
    if places is None:
        places = 0 if count else 2
    prefix = ""
    if not unit.startswith(("万", "亿")) and unit not in _NO_SPACE_UNITS and not (count and places):
        for size, word in _BIG:
            scaled = number / size
            if abs(number) >= size and _digits(scaled, 4) == _digits(scaled, 2):
                number, prefix = scaled, word
                break
    text = _digits(number, places if not prefix else 4)
    if not unit and not prefix:
        return text
    if unit in _NO_SPACE_UNITS:
        return f"{text}{unit}"
    return f"{text} {prefix}{unit}"


def format_target(value, comparator: str | None = ">=", unit: str | None = "", *, words: bool = False,
                  places: int | None = None, count: bool | None = None) -> str:
    """``≥ 10 场`` (tight spaces) or ``不少于 10 场`` (``words=True``); ``=`` reads ``10 场`` / ``达到 10 场``."""
    amount = format_amount(value, unit, places=places, count=count)
    lead = comparator_words(comparator) if words else comparator_symbol(comparator)
    return f"{lead} {amount}" if lead else amount


def format_percent(share, places: int = 1) -> str:
    """A share (1.3 = 130 %) as ``130%``, at most ``places`` decimals; missing → "—"."""
    number = finite(share)
    if number is None:
        return "—"
    return f"{_digits(number * 100, places)}%"
