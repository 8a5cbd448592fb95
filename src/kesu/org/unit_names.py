"""Which unit of a region a plan means by a name: exact name, alias, the normalised form from the
plan parser's unit model, or — last and doubtful — a close spelling (rapidfuzz). Reads only; plan
import's drafts use it to pre-fill their unit mapping."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import NamedTuple

from kesu.org.models import Region, RegionLevel, Unit


def normalise_unit_name(name: str, region_names: Iterable[str] = ()) -> str:
    """A comparison key for a unit name, from the plan parser's unit model (kesu.plans.units):
    level word + dictionary core, so 乳山市教育和体育局, 市教体局 and 市教育和体育局 share one key in
    乳山市, and 中共乳山市委宣传部 matches 市委宣传部. `region_names` are the region's own names,
    longest first (济南市天桥区, 天桥区)."""
    from kesu.plans.units import default_alias_dictionary, unit_key

    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", name or ""))
    text = text.replace("(", "（").replace(")", "）")
    key = unit_key(text, list(region_names), default_alias_dictionary())
    return f"{key.level}|{key.core}"


def region_name_forms(region: Region, ancestors: Iterable[Region] = ()) -> list[str]:
    """How a plan spells its own region in unit names, longest first: 济南市天桥区, 天桥区.
    Ancestors alone are left out: in a county plan 威海市教育局 is a city unit, not a county one."""
    chain = [r.name for r in ancestors if r.level != RegionLevel.PROVINCE]
    forms = {region.name}
    for start in range(len(chain)):
        forms.add("".join(chain[start:]) + region.name)
    return sorted(forms, key=len, reverse=True)


class UnitMatch(NamedTuple):
    unit: Unit | None
    reason: str

    @property
    def similarity(self) -> int | None:
        """For a match by close spelling only: its rapidfuzz similarity (0–100), as the reason says."""
        found = _FUZZY_REASON.match(self.reason) if self.unit is not None else None
        return int(found.group(1)) if found else None

    @property
    def is_fuzzy(self) -> bool:
        return self.similarity is not None

    @property
    def score(self) -> float:
        return _MATCH_SCORES.get(self.reason, 0.0)


_MATCH_EXACT = "名称一致"
_MATCH_ALIAS = "别名一致"
_MATCH_NORMALISED = "规范化后一致"
_MATCH_NONE = "未找到对应单位"
_MATCH_SCORES = {_MATCH_EXACT: 1.0, _MATCH_ALIAS: 0.95, _MATCH_NORMALISED: 0.85}
FUZZY_PREFIX = "名称相近"
_FUZZY_REASON = re.compile(FUZZY_PREFIX + r"（相似度 (\d+)）")

# Similarity (rapidfuzz `fuzz.ratio` on the name without its region prefix, 0–100) from which a
# name is taken for a spelling of an existing unit. Measured on the table of spelling pairs in
# tests/org/test_unit_fuzzy.py: one-character typos and dropped 和/与 of real unit names score
# 83.3–93.3, while different units of one region score at most 72.7 (市科学技术局 / 市科学技术协会);
# 80 sits between them, nearer the typos, because a false merge is worse than a missed spelling
# (which the office maps by hand once and which is then kept as an alias).
FUZZY_THRESHOLD = 80
# Two different units this close to each other in similarity make the name ambiguous: no pre-fill.
FUZZY_MARGIN = 5
# Below this many characters one changed character already costs more than the threshold allows
# (3 of 4 alike is 75): short names are never matched fuzzily.
_FUZZY_MIN_LENGTH = 4


class UnitMatcher:
    """Matches many names against one region's units with two queries in total."""

    def __init__(self, region: Region):
        self.region = region
        units = list(Unit.objects.filter(region=region, is_active=True).prefetch_related("aliases"))
        ancestor_codes = [c for c in region.path.strip("/").split("/") if c != region.code]
        ancestors = list(Region.objects.filter(code__in=ancestor_codes).order_by("code")) if ancestor_codes else []
        self.region_names = region_name_forms(region, ancestors)
        self.by_name = {u.name: u for u in units}
        self.by_alias: dict[str, Unit] = {}
        self.by_key: dict[str, Unit] = {}
        for unit in units:
            for alias in unit.aliases.all():
                self.by_alias.setdefault(alias.alias, unit)
                self.by_key.setdefault(normalise_unit_name(alias.alias, self.region_names), unit)
        for unit in units:  # names win over aliases for the same key
            self.by_key[normalise_unit_name(unit.name, self.region_names)] = unit
        # Every spelling known for a unit (name and aliases) by its comparison core, for fuzzy matching.
        self.spellings: list[tuple[str, str, Unit]] = [
            (self.core(spelling), spelling, unit)
            for unit in units
            for spelling in [unit.name, *(a.alias for a in unit.aliases.all())]
        ]

    def match(self, name: str) -> UnitMatch:
        name = (name or "").strip()
        if name in self.by_name:
            return UnitMatch(self.by_name[name], _MATCH_EXACT)
        if name in self.by_alias:
            return UnitMatch(self.by_alias[name], _MATCH_ALIAS)
        key = normalise_unit_name(name, self.region_names)
        if key in self.by_key:
            return UnitMatch(self.by_key[key], _MATCH_NORMALISED)
        return self.fuzzy(name)

    def core(self, name: str) -> str:
        """The part of a unit name that tells units apart: without spaces, the region's own name,
        中共 and the level word (乳山市科学技术协会 and 市科学技术协会 both read 科学技术协会)."""
        text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", name or ""))
        text = text.removeprefix("中共")
        for form in self.region_names:
            if text.startswith(form):
                text = text[len(form):]
                break
        return re.sub(r"^[省市县区镇]", "", text)

    def fuzzy(self, name: str) -> UnitMatch:
        """The unit with the closest spelling, if it reaches FUZZY_THRESHOLD and no other unit comes
        within FUZZY_MARGIN of it."""
        from rapidfuzz import fuzz

        core = self.core(name)
        if len(core) < _FUZZY_MIN_LENGTH:
            return UnitMatch(None, _MATCH_NONE)
        best: dict[int, tuple[float, str, Unit]] = {}
        for other_core, spelling, unit in self.spellings:
            score = fuzz.ratio(core, other_core)
            if score > best.get(unit.pk, (-1.0,))[0]:
                best[unit.pk] = (score, spelling, unit)
        ranked = sorted(best.values(), key=lambda entry: -entry[0])
        if not ranked or ranked[0][0] < FUZZY_THRESHOLD:
            return UnitMatch(None, _MATCH_NONE)
        score, spelling, unit = ranked[0]
        if len(ranked) > 1 and ranked[1][0] >= FUZZY_THRESHOLD and score - ranked[1][0] < FUZZY_MARGIN:
            return UnitMatch(None, f"名称与“{unit.name}”“{ranked[1][2].name}”都相近，请选择")
        similarity = round(score)
        via = f"（别名“{spelling}”）" if spelling != unit.name else ""
        return UnitMatch(unit, f"{FUZZY_PREFIX}（相似度 {similarity}）：{unit.name}{via}")


def match_unit(region: Region, name: str) -> UnitMatch:
    """Find the unit of `region` a plan means by `name`: exact name, then alias, then the normalised
    form (region prefix, 中共 prefix, the parser's abbreviation dictionary), then a close spelling.
    (None, reason) if none."""
    return UnitMatcher(region).match(name)
