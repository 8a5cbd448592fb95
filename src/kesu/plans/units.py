"""Unit names: splitting lists, recognising units, one canonical name per unit within a plan.

A printed unit name is read as level prefix + core: 区教育和体育局 is 区 + 教育和体育局, 市委宣传部
is 市委 + 宣传部, 团市委 is 市 + 团委, 威海市科学技术局 (the plan's own region spelled out) is 市 +
科学技术局, 国家税务总局威海市税务局 is 市 + 税务局. Two spellings are the same unit when they have
the same level and their cores are the same entry of the alias dictionary (data/unit_aliases.yaml,
e.g. 教体局 = 教育和体育局, 发展改革委 = 发展和改革局) or the same core.

Typing errors are repaired in two ways: a core that becomes a dictionary name by deleting one
character (区教育局和体育局 → 教育和体育局), and two cores of the same level and length (five
characters or more) that differ in one character where one of them is used more often
(市生态环保局大祥分局 → 市生态环境局大祥分局). Repairs are reported in the plan's warnings.

A unit printed with the second name it works under, 县委组织部（县委人才办） or
各乡镇人民政府（街道办事处）, is the unit outside the bracket (the printed form is kept as a spelling).
Generic collectives (各有关部门, 相关单位, 各成员单位) do not look like units.

The canonical name of a unit is a spelling the document itself uses in its responsibility
clauses: the most complete one (full name before official short form before abbreviation, a typo
never), then the most frequent, then the first met. Every spelling is kept as an alias; a unit not
in any dictionary is kept as printed.
"""

from __future__ import annotations

import functools
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ALIAS_ENV_VAR = "KESU_UNIT_ALIASES"
_DEFAULT_ALIAS_FILE = Path(__file__).with_name("data") / "unit_aliases.yaml"

RANK_FULL, RANK_SHORT, RANK_ABBREVIATION, RANK_TYPO = 0, 1, 2, 9

UNIT_SUFFIX = re.compile(
    r"(?:局|委|办|部|会|院|校|所|站|中心|政府|处|队|厅|台|公司|集团|行|社|馆|团|联|协|办公室|街道"
    r"|党校|学校|大学|学院|医院|银行|报社|园区|基地|企业|单位|部门|机构|组织|区市|县区|市区|乡镇"
    r"|镇街|片区|宫|室|组|厂|场|科|股|署|司|总站|集团公司)(?:[（(][^（()）]{1,20}[）)])?$"
)
_LEVEL_PARTY = re.compile(r"^(省委|市委|区委|县委|州委|旗委|镇党委|乡党委|街道党工委|党工委)")
_LEVEL = re.compile(r"^(省|市|区|县|州|旗|镇|乡|街道)(?=.)")
# 共青团中央 / 团中央 is the Youth League's national committee (national plans' 分工: 教育部、共青团中央牵头).
_YOUTH_LEAGUE = re.compile(
    r"^(?:共青团|团)(?:(?:[\u4e00-\u9fff]{0,8}?)(省|市|区|县|州|旗|镇|乡)(?:委员会|委)|中央(?:委员会)?)$"
)
_NATIONAL_PREFIX = re.compile(r"^(?:中共|中国共产党|国家税务总局)")
_UNIT_START = re.compile(r"^(?:市|区|县|镇|乡|省|州|旗|团|各|中共|共青团|国家|街道)")
_LIST_SEPARATORS = "、，,；;/／"
_CONJUNCTION = re.compile(r"以及|和|及|与")
_TRAILING_ETC = re.compile(
    r"(?:等)?(?:有关|相关|其他)?(?:成员)?(?:单位|部门)?$|等$|等[一二三四五六七八九十\d]{1,3}个?(?:单位|部门)$"
)
_LEADING_NOISE = re.compile(
    r"^(?:(?:以上|上述)(?:各项)?(?:工作|任务|内容)?均?由?|由|以及|及|和|与|并|请|会同"
    # 发挥好X牵头协调作用: the verb before the unit; …活动方案中国科协联合…: a title run into the
    # sentence without a stop (no unit name holds these genre words)
    r"|(?:充分)?发挥好?|[^、，；]*?(?:方案|通知|工作要点|意见)(?=[\u4e00-\u9fff]{3}))"
)
_TRAILING_NOISE = re.compile(r"(?:分别|共同|按职责|按照职责|根据职责|各自|作为(?:成员|参与|配合|责任)?单位)$")
# 主办、承办、协办单位：: role words listed before a key are no units
_NOT_UNIT = re.compile(r"[。！？!?]|^\d|^[（(]|^(?:[主承协]办|牵头|配合|参与|参加)$")


@dataclass
class AliasEntry:
    name: str
    short: list[str] = field(default_factory=list)
    abbreviations: list[str] = field(default_factory=list)


class AliasDictionary:
    """Core unit names (without level prefix) → (full name, completeness rank)."""

    def __init__(self, entries: list[AliasEntry]):
        self.entries = entries
        self._lookup: dict[str, tuple[str, int]] = {}
        for entry in entries:
            self._index(entry)

    def _index(self, entry: AliasEntry) -> None:
        self._lookup[entry.name] = (entry.name, RANK_FULL)
        for form in entry.short:
            self._lookup[form] = (entry.name, RANK_SHORT)
        for form in entry.abbreviations:
            self._lookup[form] = (entry.name, RANK_ABBREVIATION)

    def extend(self, entries: list[AliasEntry]) -> None:
        by_name = {entry.name: entry for entry in self.entries}
        for entry in entries:
            known = by_name.get(entry.name)
            if known is None:
                self.entries.append(entry)
                by_name[entry.name] = entry
                known = entry
            else:
                known.short.extend(f for f in entry.short if f not in known.short)
                known.abbreviations.extend(f for f in entry.abbreviations if f not in known.abbreviations)
            self._index(known)

    def lookup(self, core: str) -> tuple[str, int] | None:
        return self._lookup.get(core)

    def __contains__(self, core: str) -> bool:
        return core in self._lookup


def _read_entries(path: Path) -> list[AliasEntry]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValueError(f"单位别名文件无法读取 / cannot read unit alias file {path}: {exc}") from exc
    except yaml.YAMLError as exc:
        raise ValueError(
            f"单位别名文件不是有效的 YAML / unit alias file {path} is not valid YAML: {exc}"
        ) from exc
    if not isinstance(data, dict) or not isinstance(data.get("units"), list):
        raise ValueError(
            f"单位别名文件 {path} 需要顶层键 units（列表）/ unit alias file {path} needs a top-level 'units' list"
        )
    entries = []
    for number, item in enumerate(data["units"], start=1):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"].strip():
            raise ValueError(
                f"单位别名文件 {path} 第 {number} 项缺少 name / entry {number} of {path} has no name"
            )
        lists = {}
        for key in ("short", "abbreviations"):
            value = item.get(key) or []
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ValueError(
                    f"单位别名文件 {path} 第 {number} 项的 {key} 必须是字符串列表 / "
                    f"'{key}' of entry {number} in {path} must be a list of strings"
                )
            lists[key] = [v.strip() for v in value if v.strip()]
        entries.append(AliasEntry(item["name"].strip(), lists["short"], lists["abbreviations"]))
    return entries


@functools.lru_cache(maxsize=8)
def _cached_dictionary(extra_paths: tuple[str, ...]) -> AliasDictionary:
    dictionary = AliasDictionary(_read_entries(_DEFAULT_ALIAS_FILE))
    for extra in extra_paths:
        dictionary.extend(_read_entries(Path(extra)))
    return dictionary


def load_alias_dictionary(extra_path: str | os.PathLike[str] | None = None) -> AliasDictionary:
    """The shipped dictionary, extended by $KESU_UNIT_ALIASES and then by `extra_path` if given.

    Raises ValueError naming the file when an extra file is missing or malformed.
    """
    extras = []
    env_path = os.environ.get(ALIAS_ENV_VAR, "").strip()
    if env_path:
        extras.append(env_path)
    if extra_path is not None:
        extras.append(os.fspath(extra_path))
    return _cached_dictionary(tuple(extras))


def default_alias_dictionary() -> AliasDictionary:
    return _cached_dictionary(())


# ---------------------------------------------------------------------------------------------
# lists of units


# 各有关部门, 相关单位, 各成员单位, 各级各部门: an instruction to everyone, not a unit to assign a task to
GENERIC_UNIT = re.compile(
    r"^(?:各级)?(?:各|其他|其它)?(?:有关|相关|成员|责任|涉及|职能)?(?:部门|单位|方面)(?:和|及|、)?"
    r"(?:各|有关|相关)?(?:部门|单位)?$"
)


def is_generic_unit(name: str) -> bool:
    return bool(GENERIC_UNIT.match(name))


# 各成员单位, 各县（市、区）政府, 市直有关部门, 各乡镇人民政府（街道办事处）: a class of actors, each
# of which does the task; kept as one entry marked as a class, never split or merged with a unit
_COLLECTIVE = re.compile(
    r"^(?:(?:[^，、；]{0,12}?(?:领导小组|工作小组|委员会|联席会议|纲要办))?各|全[市县区省]|(?:[市县区省]直|[市县区省]级|[市县区省]政府)(?:各|有关|相关)?"
    r"(?:部门|单位|机关)|[\u4e00-\u9fff]{1,9}[^\W等](?:各|有关|相关)(?:部门|单位)$)"
)


def is_member_class(name: str) -> bool:
    """各成员单位, 领导小组各成员单位: the members of the leading group, a defined class that a
    clause naming units as well keeps (unlike 各有关部门, which says nothing)."""
    return name.endswith("成员单位") and bool(_COLLECTIVE.match(name))


def is_collective(name: str) -> bool:
    """A collective actor (a class of units), see `_COLLECTIVE`; generic ones included."""
    return bool(_COLLECTIVE.match(name)) or is_generic_unit(name)


def looks_like_unit(name: str) -> bool:
    """A plausible unit name: an organisation suffix, or an 各… collective such as 各镇人民政府.

    Generic collectives (各有关部门, 相关单位) are not units."""
    if not 2 <= len(name) <= 40 or _NOT_UNIT.search(name) or is_generic_unit(name):
        return False
    if name.startswith("各") or name in ("团市委", "团区委", "团县委"):
        return True
    return bool(UNIT_SUFFIX.search(name) or _YOUTH_LEAGUE.match(name))


def split_top_level(text: str) -> list[str]:
    """Split on list separators outside brackets: 各县(市、区)政府 stays one item."""
    items: list[str] = []
    depth = 0
    current: list[str] = []
    for char in text:
        if char in "（(【":
            depth += 1
        elif char in "）)】":
            depth = max(0, depth - 1)
        if depth == 0 and char in _LIST_SEPARATORS:
            items.append("".join(current))
            current = []
        else:
            current.append(char)
    items.append("".join(current))
    return items


_PLACE = re.compile(r"^[^，、；]{1,12}?(?:乡|镇|街道|县|区|市)(?=党委|党工委|人民政府|政府)")
_BARE_BODIES = ("政府", "人民政府", "党委", "人大", "政协")


def _split_conjunction(item: str) -> list[str]:
    """Split 甲局和乙局 but not 教育和体育局: both sides must read as whole unit names."""
    for match in _CONJUNCTION.finditer(item):
        left, right = item[: match.start()], item[match.end() :]
        if len(left) >= 2 and len(right) >= 2 and looks_like_unit(left) and _UNIT_START.match(right):
            return [left, *_split_conjunction(right)]
        place = _PLACE.match(left)
        if place and right in _BARE_BODIES and looks_like_unit(left):
            # X乡党委和政府: the second body is the same place's (政府 by its formal name, 人民政府)
            return [left, place.group(0) + ("人民政府" if right == "政府" else right)]
    return [item]


_CLASS_ACTION = re.compile(r"(?<=[单部][位门])(?:组织|负责|参加|参与|配合)[\u4e00-\u9fff]{1,6}$")


def clean_unit_name(name: str) -> str:
    name = name.strip(" \t。.：:")
    name = _LEADING_NOISE.sub("", name)
    # 各有关单位组织收看: a table cell that names a class and then says what it does
    name = _CLASS_ACTION.sub("", name)
    previous = None
    while previous != name:
        previous = name
        name = _TRAILING_NOISE.sub("", name)
        if len(name) > 2:
            stripped = _TRAILING_ETC.sub("", name)
            if _COLLECTIVE.match(name) and (not _COLLECTIVE.match(stripped) or stripped.endswith("各")):
                continue  # 市直有关部门 is a class, not 市直
            if len(stripped) >= 2:
                name = stripped
    return name.strip(" \t")


# 市委组织部、宣传部，市发展改革委、科技局、总工会: a list printing the level once, on the first
# name of a run; the names after it that carry no level (and no place of their own) share it.
_SHARED_LEVEL = re.compile(r"^(省委|市委|区委|县委|州委|旗委|省|市|区|县|州|旗)(?=[\u4e00-\u9fff]{2})")
_OWN_PLACE = re.compile(
    r"[省市区县州旗乡镇村]|街道|社区|全国|中国|中央|国家|^各|^团|^共青团|学校|中学|小学|公司|医院"
)
_PARTY_DEPARTMENT = re.compile(r"(?:组织部|宣传部|统战部|政法委|编办|网信办|文明办|党校|党史研究室)$")


def share_level(names: list[str]) -> list[str]:
    shared: list[str] = []
    level = ""
    for name in names:
        match = _SHARED_LEVEL.match(name)
        if match and looks_like_unit(name):
            level = match.group(1)
        elif (
            level
            and 2 <= len(name) <= 8
            and UNIT_SUFFIX.search(name)
            and not _OWN_PLACE.search(name)
            and not is_collective(name)
        ):
            party = level.endswith("委") and _PARTY_DEPARTMENT.search(name)
            name = (level if party else level.removesuffix("委")) + name
        shared.append(name)
    return shared


def split_units(text: str) -> list[str]:
    """Unit names of a printed list, in order, 等/等单位 stripped, duplicates removed; names after
    one printed with its level (市委组织部、宣传部) share that level (市委宣传部)."""
    names: list[str] = []
    for item in split_top_level(text):
        for part in _split_conjunction(item.strip()):
            name = clean_unit_name(part)
            if name and name not in names:
                names.append(name)
    shared = share_level(names)
    return [name for index, name in enumerate(shared) if name not in shared[:index]]


# ---------------------------------------------------------------------------------------------
# canonical names


# a unit printed with the second name it works under: 县委组织部（县委人才办）, 各乡镇人民政府（街道办事处）
_SECOND_NAME = re.compile(r"^(?P<outer>.{2,30}?)[（(](?P<inner>[^（()）]{2,20})[）)]$")


@dataclass
class UnitKey:
    level: str
    core: str  # dictionary name when known, else the printed core
    rank: int
    known: bool
    repaired: bool = False


def unit_key(name: str, regions: list[str], dictionary: AliasDictionary) -> UnitKey:
    """Level and dictionary core of a printed unit name (see the module docstring).

    `regions` are the plan's own region names, longest first (济南市天桥区, 济南市, 天桥区).
    """
    second = _SECOND_NAME.match(name)
    if second and looks_like_unit(second.group("outer")) and looks_like_unit(second.group("inner")):
        return unit_key(second.group("outer"), regions, dictionary)  # 县委组织部（县委人才办）
    youth = _YOUTH_LEAGUE.match(name)
    if youth:
        return _lookup_core(youth.group(1) or "中央", "团委", dictionary)
    rest = _NATIONAL_PREFIX.sub("", name)
    for region in regions:
        if rest.startswith(region) and len(rest) > len(region) + 1:
            rest = rest[len(region) :]
            level = region[-1]
            if rest.startswith("委"):
                return _lookup_core(level + "委", rest[1:], dictionary)
            return _lookup_core(level, rest, dictionary)
    party = _LEVEL_PARTY.match(rest)
    plain = _LEVEL.match(rest)
    if party:
        return _lookup_core(party.group(1), rest[party.end() :], dictionary)
    if plain:
        with_level = _lookup_core(plain.group(1), rest[plain.end() :], dictionary)
        if not with_level.known and dictionary.lookup(rest):
            return _lookup_core("", rest, dictionary)  # 市场监管局 printed without a level
        return with_level
    return _lookup_core("", rest, dictionary)


def _lookup_core(level: str, core: str, dictionary: AliasDictionary) -> UnitKey:
    found = dictionary.lookup(core)
    if found:
        return UnitKey(level, found[0], found[1], known=True)
    for index, char in enumerate(core):
        if char in "分总副":
            continue
        candidate = core[:index] + core[index + 1 :]
        found = dictionary.lookup(candidate)
        if found and len(candidate) >= 3:
            return UnitKey(level, found[0], RANK_TYPO, known=True, repaired=True)
    return UnitKey(level, core, RANK_SHORT, known=False)


@dataclass
class UnitCatalogue:
    """The result of canonicalisation for one plan."""

    canonical: dict[str, str]  # printed spelling → canonical name
    aliases: dict[str, list[str]]  # canonical name → spellings (canonical first)
    unknown: list[str]  # canonical names not in the dictionary
    repairs: list[tuple[str, str]]  # (typo spelling, canonical name)


def build_catalogue(
    spellings: list[str],
    regions: list[str],
    dictionary: AliasDictionary,
    extra_spellings: list[str] | None = None,
) -> UnitCatalogue:
    """Group printed spellings (in document order, repeats counted) into units.

    `extra_spellings` (e.g. the issuers of a joint notice) become aliases of a unit the clauses
    name, never units of their own and never canonical names.
    """
    frequency = Counter(spellings)
    first_seen: dict[str, int] = {}
    for index, spelling in enumerate(spellings):
        first_seen.setdefault(spelling, index)
    keys = {spelling: unit_key(spelling, regions, dictionary) for spelling in first_seen}

    groups: dict[tuple[str, str], list[str]] = {}
    for spelling in first_seen:
        key = keys[spelling]
        groups.setdefault((key.level, key.core), []).append(spelling)

    repairs: list[tuple[str, str]] = []
    _merge_one_character_typos(groups, keys, frequency, first_seen)
    _merge_dropped_character(groups, keys, frequency)
    _merge_bare_names(groups, keys)

    canonical: dict[str, str] = {}
    aliases: dict[str, list[str]] = {}
    unknown: list[str] = []
    for (_level, _core), members in sorted(
        groups.items(), key=lambda item: min(first_seen[m] for m in item[1])
    ):
        best = min(members, key=lambda s: (keys[s].rank, -frequency[s], first_seen[s]))
        ordered = [best, *sorted((m for m in members if m != best), key=lambda s: first_seen[s])]
        for member in members:
            canonical[member] = best
            if keys[member].rank == RANK_TYPO and member != best:
                repairs.append((member, best))
        short = _NATIONAL_PREFIX.sub("", best) if best.startswith(("中共", "中国共产党")) else best
        if short != best and short not in ordered and looks_like_unit(short):
            ordered.append(short)  # 中共区委宣传部 is written 区委宣传部 as often
        aliases[best] = ordered
        if not keys[best].known:
            unknown.append(best)

    by_key = {(keys[c].level, keys[c].core): c for c in aliases}
    for spelling in extra_spellings or []:
        if spelling in canonical:
            continue
        key = unit_key(spelling, regions, dictionary)
        target = by_key.get((key.level, key.core))
        if target is not None:
            canonical[spelling] = target
            aliases[target].append(spelling)
    return UnitCatalogue(canonical, aliases, unknown, repairs)


def _merge_bare_names(groups: dict[tuple[str, str], list[str]], keys: dict[str, UnitKey]) -> None:
    """宣传部 / 科协 printed without a level, in a document whose only unit of that core has one
    (市委宣传部, 市科协): the same unit. Two levels (市科协 and 县科协) leave the bare name alone."""
    for (level, core), members in list(groups.items()):
        if level or len(core) < 2:
            continue
        leveled = [k for k in groups if k[1] == core and k[0]]
        if len(leveled) != 1:
            continue
        target = leveled[0]
        for spelling in members:
            key = keys[spelling]
            keys[spelling] = UnitKey(target[0], core, max(key.rank, RANK_ABBREVIATION) + 1, key.known)
        groups[target].extend(members)
        del groups[(level, core)]


def _merge_one_character_typos(
    groups: dict[tuple[str, str], list[str]],
    keys: dict[str, UnitKey],
    frequency: Counter[str],
    first_seen: dict[str, int],
) -> None:
    """Merge a rarely used core into a more used one of the same level differing in one character."""

    def uses(group_key: tuple[str, str]) -> int:
        return sum(frequency[s] for s in groups[group_key])

    by_shape: dict[tuple[str, int], list[tuple[str, str]]] = {}
    for group_key in groups:
        level, core = group_key
        if len(core) >= 5:
            by_shape.setdefault((level, len(core)), []).append(group_key)
    for candidates in by_shape.values():
        if len(candidates) < 2:
            continue
        candidates.sort(key=lambda k: (-uses(k), min(first_seen[s] for s in groups[k])))
        for index, rare in enumerate(candidates):
            if rare not in groups:
                continue
            for common in candidates[:index]:
                if common not in groups or uses(common) <= uses(rare):
                    continue
                differences = sum(1 for a, b in zip(rare[1], common[1], strict=True) if a != b)
                both_known = all(keys[groups[k][0]].known for k in (rare, common))
                if differences == 1 and not both_known:
                    for spelling in groups[rare]:
                        key = keys[spelling]
                        keys[spelling] = UnitKey(key.level, common[1], RANK_TYPO, key.known, repaired=True)
                    groups[common].extend(groups.pop(rare))
                    break


def _merge_dropped_character(
    groups: dict[tuple[str, str], list[str]], keys: dict[str, UnitKey], frequency: Counter[str]
) -> None:
    """中央宣部 beside 中央宣传部: a core that is another core of the same level with one character
    left out (edit distance 1 by deletion, the longer core 5+ characters, used at least as often)
    is that unit misprinted; the misprint stays an alias."""

    def uses(group_key: tuple[str, str]) -> int:
        return sum(frequency[s] for s in groups[group_key])

    for short in sorted(groups, key=lambda k: len(k[1])):
        level, core = short
        if short not in groups or len(core) < 4:
            continue
        for full in list(groups):
            if (
                full[0] != level
                or len(full[1]) != len(core) + 1
                or len(full[1]) < 5
                or uses(full) < uses(short)
            ):
                continue
            if not any(full[1][:i] + full[1][i + 1 :] == core for i in range(len(full[1]))):
                continue
            if all(keys[groups[k][0]].known for k in (short, full)):
                continue
            for spelling in groups[short]:
                key = keys[spelling]
                keys[spelling] = UnitKey(level, full[1], RANK_TYPO, key.known, repaired=True)
            groups[full].extend(groups.pop(short))
            break
