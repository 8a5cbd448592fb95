"""Which unit of a region a plan means by a name: exact name, alias, or the normalised form from the
plan parser's unit model. Reads only; plan import's drafts use it to pre-fill their unit mapping."""

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
    def score(self) -> float:
        return _MATCH_SCORES.get(self.reason, 0.0)


_MATCH_EXACT = "名称一致"
_MATCH_ALIAS = "别名一致"
_MATCH_NORMALISED = "规范化后一致"
_MATCH_NONE = "未找到对应单位"
_MATCH_SCORES = {_MATCH_EXACT: 1.0, _MATCH_ALIAS: 0.95, _MATCH_NORMALISED: 0.85}


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

    def match(self, name: str) -> UnitMatch:
        name = (name or "").strip()
        if name in self.by_name:
            return UnitMatch(self.by_name[name], _MATCH_EXACT)
        if name in self.by_alias:
            return UnitMatch(self.by_alias[name], _MATCH_ALIAS)
        key = normalise_unit_name(name, self.region_names)
        if key in self.by_key:
            return UnitMatch(self.by_key[key], _MATCH_NORMALISED)
        return UnitMatch(None, _MATCH_NONE)


def match_unit(region: Region, name: str) -> UnitMatch:
    """Find the unit of `region` a plan means by `name`: exact name, then alias, then the normalised
    form (region prefix, 中共 prefix, the parser's abbreviation dictionary). (None, reason) if none."""
    return UnitMatcher(region).match(name)
