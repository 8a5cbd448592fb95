"""Reading and validating questionnaire configs (YAML), with the file line of every mistake.

A config that loads is internally consistent: every item belongs to a defined dimension, answer
keys fit their item types, thresholds fit their dimensions and, under a total-score rule, the
dimension weights add up to 100.  See src/kesu/survey/data/ for the two bundled examples.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from kesu.survey.errors import SurveyError, plain
from kesu.survey.questionnaire import (
    DEFAULT_TRUE_FALSE_VALUES,
    ITEM_TYPES,
    MISSING_ANSWER_POLICIES,
    TOTAL_WEIGHT,
    Dimension,
    Item,
    PartialCredit,
    Questionnaire,
    choice_options,
    normalise_answer,
)


class _Located:
    """YAML content plus the line of every node, so errors can say where in the file to look."""

    def __init__(self, source: str, text: str):
        self.source = source
        try:
            self.node = yaml.compose(text, Loader=yaml.SafeLoader)
            self.data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f", line {mark.line + 1}" if mark is not None else ""
            where_zh = f" 第 {mark.line + 1} 行" if mark is not None else ""
            problem = getattr(exc, "problem", None) or str(exc)
            raise SurveyError(
                f"{source}{where_zh}：不是有效的 YAML（{problem}）", f"{source}{where}: not valid YAML ({problem})"
            ) from None
        self.lines: dict[tuple[Any, ...], int] = {}
        if self.node is not None:
            self._index(self.node, ())

    def _index(self, node: yaml.Node, path: tuple[Any, ...]) -> None:
        self.lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, value_node in node.value:
                key = key_node.value
                if key in seen:
                    line = key_node.start_mark.line + 1
                    raise SurveyError(f"{self.source} 第 {line} 行：键“{key}”出现两次",
                                      f"{self.source}, line {line}: key {key!r} appears twice")
                seen.add(key)
                self._index(value_node, (*path, key))
        elif isinstance(node, yaml.SequenceNode):
            for index, child in enumerate(node.value):
                self._index(child, (*path, index))

    def error(self, path: tuple[Any, ...], zh: str, en: str) -> SurveyError:
        """The error at `path`, naming the file, its line and the dotted path in both languages."""
        probe = path
        while probe not in self.lines and probe:
            probe = probe[:-1]
        line = self.lines.get(probe)
        where, where_zh = (f", line {line}", f" 第 {line} 行") if line else ("", "")
        if path:
            return SurveyError(f"{self.source}{where_zh}（{_dotted(path)}）：{zh}",
                               f"{self.source}{where} ({_dotted(path)}): {en}")
        return SurveyError(f"{self.source}{where_zh}：{zh}", f"{self.source}{where}: {en}")


def _dotted(path: tuple[Any, ...]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


QUESTIONNAIRE_KEYS = {"id", "version", "effective_years", "description", "missing_answers", "true_false_values"}
TOP_KEYS = {"questionnaire", "dimensions", "rule", "items"}
DIMENSION_KEYS = {"id", "name", "weight", "max_points", "threshold", "threshold_share", "description"}
ITEM_KEYS = {"id", "column", "dimension", "type", "key", "points", "partial_credit", "text"}


def load_questionnaire(path: str | Path) -> Questionnaire:
    """Read and validate a questionnaire config; a bare name selects a bundled example."""
    path = Path(path)
    if not path.is_file():
        bundled = bundled_questionnaires()
        if str(path) in bundled:
            path = bundled[str(path)]
        else:
            names = ", ".join(sorted(bundled))
            raise SurveyError(f"{path}：没有这个问卷评分规则文件（内置示例：{names}）",
                              f"{path}: no such questionnaire config (bundled examples: {names})")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise SurveyError(f"{path}：问卷评分规则须为 UTF-8 编码的文本",
                          f"{path}: a questionnaire config must be UTF-8 text") from None
    return parse_questionnaire(text, str(path))


def bundled_questionnaires() -> dict[str, Path]:
    """The example configs shipped with kesu, by file stem."""
    folder = resources.files("kesu.survey") / "data"
    return {Path(entry.name).stem: Path(str(entry)) for entry in folder.iterdir() if entry.name.endswith(".yaml")}


def parse_questionnaire(text: str, source: str = "<questionnaire>") -> Questionnaire:
    doc = _Located(source, text)
    data = doc.data
    if not isinstance(data, dict):
        raise doc.error((), "应为包含 questionnaire、dimensions、rule 和 items 的映射",
                        "expected a mapping with questionnaire, dimensions, rule and items")
    _reject_unknown_keys(doc, (), data, TOP_KEYS)
    for key in sorted(TOP_KEYS):
        if key not in data:
            raise doc.error((), f"缺少“{key}”部分", f"missing section {key!r}")

    header = _mapping(doc, ("questionnaire",), data["questionnaire"])
    _reject_unknown_keys(doc, ("questionnaire",), header, QUESTIONNAIRE_KEYS)
    questionnaire_id = _text(doc, ("questionnaire", "id"), header.get("id"))
    version = _text(doc, ("questionnaire", "version"), header.get("version"))
    effective_from, effective_to = _effective_years(doc, header.get("effective_years"))
    description = _text(doc, ("questionnaire", "description"), header.get("description"))
    missing_answers = header.get("missing_answers", "wrong")
    if missing_answers not in MISSING_ANSWER_POLICIES:
        raise doc.error(
            ("questionnaire", "missing_answers"),
            f"只能是 {', '.join(MISSING_ANSWER_POLICIES)} 之一，而不是 {missing_answers!r}",
            f"must be one of {', '.join(MISSING_ANSWER_POLICIES)}, not {missing_answers!r}",
        )
    true_false_values = _true_false_values(doc, header.get("true_false_values"))

    rule, cutoff = _rule(doc, data["rule"])
    raw_dimensions = _sequence(doc, ("dimensions",), data["dimensions"])
    raw_items = _sequence(doc, ("items",), data["items"])

    dimension_ids: dict[str, int] = {}
    for index, raw in enumerate(raw_dimensions):
        raw = _mapping(doc, ("dimensions", index), raw)
        dimension_id = _text(doc, ("dimensions", index, "id"), raw.get("id"))
        if dimension_id in dimension_ids:
            first = dimension_ids[dimension_id]
            raise doc.error(("dimensions", index, "id"), f"维度“{dimension_id}”已在 dimensions[{first}] 定义",
                            f"dimension {dimension_id!r} is already defined at dimensions[{first}]")
        dimension_ids[dimension_id] = index

    items: list[Item] = []
    item_ids: dict[str, int] = {}
    item_columns: dict[str, int] = {}
    for index, raw in enumerate(raw_items):
        item = _item(doc, index, _mapping(doc, ("items", index), raw), dimension_ids, true_false_values)
        if item.id in item_ids:
            first = item_ids[item.id]
            raise doc.error(("items", index, "id"), f"题目“{item.id}”已在 items[{first}] 定义",
                            f"item {item.id!r} is already defined at items[{first}]")
        if item.column in item_columns:
            raise doc.error(
                ("items", index, "column"),
                f"列“{item.column}”已由 items[{item_columns[item.column]}] 评分",
                f"column {item.column!r} is already scored by items[{item_columns[item.column]}]",
            )
        item_ids[item.id] = index
        item_columns[item.column] = index
        items.append(item)

    dimensions = [
        _dimension(doc, index, raw, items, rule) for index, raw in enumerate(raw_dimensions)
    ]
    if rule != "all_dimensions_pass":
        total_weight = sum(dimension.weight or 0.0 for dimension in dimensions)
        if not math.isclose(total_weight, TOTAL_WEIGHT, abs_tol=1e-9):
            raise doc.error(
                ("dimensions",),
                f"规则 {rule!r} 下各维度的权重之和须为 {plain(TOTAL_WEIGHT)}，实际为 {plain(total_weight)}",
                f"under rule {rule!r} the dimension weights must add up to {plain(TOTAL_WEIGHT)}, "
                f"they add up to {plain(total_weight)}",
            )
    return Questionnaire(
        id=questionnaire_id,
        version=version,
        effective_from=effective_from,
        effective_to=effective_to,
        description=description,
        rule=rule,
        cutoff=cutoff,
        missing_answers=missing_answers,
        dimensions=tuple(dimensions),
        items=tuple(items),
        true_false_values=true_false_values,
        source=source,
    )


def _reject_unknown_keys(doc: _Located, path: tuple[Any, ...], raw: Mapping[str, Any], allowed: set[str]) -> None:
    for key in raw:
        if key not in allowed:
            close = difflib.get_close_matches(str(key), sorted(allowed), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; expected one of {', '.join(sorted(allowed))}"
            hint_zh = f"，是否应为“{close[0]}”？" if close else f"；可用的键：{', '.join(sorted(allowed))}"
            raise doc.error((*path, key), f"未知的键“{key}”{hint_zh}", f"unknown key {key!r}{hint}")


def _mapping(doc: _Located, path: tuple[Any, ...], raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise doc.error(path, "应为映射（“键: 值”形式的若干行）", "expected a mapping (key: value lines)")
    return raw


def _sequence(doc: _Located, path: tuple[Any, ...], raw: Any) -> list[Any]:
    if not isinstance(raw, list) or not raw:
        raise doc.error(path, "应为非空列表", "expected a non-empty list")
    return raw


def _text(doc: _Located, path: tuple[Any, ...], raw: Any) -> str:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise doc.error(path, f"必须填写“{path[-1]}”", f"{path[-1]!r} is required")
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise doc.error(path, f"“{path[-1]}”须为文字，而不是 {raw!r}", f"{path[-1]!r} must be text, not {raw!r}")
    return str(raw).strip()


def _number(doc: _Located, path: tuple[Any, ...], raw: Any, positive: bool = True) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
        raise doc.error(path, f"“{path[-1]}”须为数字，而不是 {raw!r}", f"{path[-1]!r} must be a number, not {raw!r}")
    if positive and raw <= 0:
        raise doc.error(path, f"“{path[-1]}”须为正数，而不是 {raw!r}", f"{path[-1]!r} must be positive, not {raw!r}")
    if not positive and raw < 0:
        raise doc.error(path, f"“{path[-1]}”不能为负数，而不是 {raw!r}", f"{path[-1]!r} must not be negative, not {raw!r}")
    return float(raw)


def _effective_years(doc: _Located, raw: Any) -> tuple[int | None, int | None]:
    path = ("questionnaire", "effective_years")
    if raw is None:
        raise doc.error(path, "必须填写“effective_years”：[起始年, 终止年]，不设终止年用 null",
                        "'effective_years' is required: [FIRST, LAST] with null for an open end")
    if not isinstance(raw, list) or len(raw) != 2:
        raise doc.error(path, f"应为 [起始年, 终止年]（不设用 null），而不是 {raw!r}",
                        f"expected [FIRST, LAST] (null for an open end), not {raw!r}")
    years: list[int | None] = []
    for index, year in enumerate(raw):
        if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
            raise doc.error((*path, index), f"年份须为整数或 null，而不是 {year!r}",
                            f"a year must be a whole number or null, not {year!r}")
        years.append(year)
    first, last = years
    if first is not None and last is not None and last < first:
        raise doc.error(path, f"终止年 {last} 早于起始年 {first}", f"the last year {last} is before the first year {first}")
    return first, last


def _true_false_values(doc: _Located, raw: Any) -> dict[str, str]:
    """Spellings of true/false answers; a config's own lists extend and override the defaults."""
    mapping = {
        normalise_answer(value): verdict for verdict, values in DEFAULT_TRUE_FALSE_VALUES.items() for value in values
    }
    if raw is None:
        return mapping
    path = ("questionnaire", "true_false_values")
    # YAML reads a bare `true:` key as the boolean True.
    raw = {str(key).lower() if isinstance(key, bool) else key: value for key, value in _mapping(doc, path, raw).items()}
    _reject_unknown_keys(doc, path, raw, {"true", "false"})
    own: dict[str, str] = {}
    for name, verdict in (("true", "T"), ("false", "F")):
        for value in _sequence(doc, (*path, name), raw.get(name)) if name in raw else ():
            normalised = normalise_answer(value)
            if own.get(normalised, verdict) != verdict:
                raise doc.error((*path, name), f"{value!r} 同时列为“对”和“错”", f"{value!r} is listed as both true and false")
            own[normalised] = verdict
    return mapping | own


def _rule(doc: _Located, raw: Any) -> tuple[str, float | None]:
    if raw == "all_dimensions_pass":
        return raw, None
    if isinstance(raw, dict) and len(raw) == 1:
        (name, cutoff), = raw.items()
        if name in ("total_score_above", "total_score_at_least"):
            cutoff = _number(doc, ("rule", name), cutoff)
            if cutoff >= TOTAL_WEIGHT:
                raise doc.error(("rule", name), f"及格线须低于 {plain(TOTAL_WEIGHT)}，而不是 {plain(cutoff)}",
                                f"the cut-off must be below {plain(TOTAL_WEIGHT)}, not {plain(cutoff)}")
            return name, cutoff
    raise doc.error(
        ("rule",),
        f"应为 'all_dimensions_pass'、'total_score_above: N' 或 'total_score_at_least: N'，而不是 {raw!r}",
        f"expected 'all_dimensions_pass', 'total_score_above: N' or 'total_score_at_least: N', not {raw!r}",
    )


def _item(
    doc: _Located, index: int, raw: dict[str, Any], dimension_ids: Mapping[str, int], true_false_values: Mapping[str, str]
) -> Item:
    path = ("items", index)
    _reject_unknown_keys(doc, path, raw, ITEM_KEYS)
    item_id = _text(doc, (*path, "id"), raw.get("id"))
    column = _text(doc, (*path, "column"), raw.get("column", item_id))
    dimension = _text(doc, (*path, "dimension"), raw.get("dimension"))
    if dimension not in dimension_ids:
        close = difflib.get_close_matches(dimension, list(dimension_ids), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else f"; defined: {', '.join(dimension_ids)}"
        hint_zh = f"，是否应为“{close[0]}”？" if close else f"；已定义的维度：{', '.join(dimension_ids)}"
        raise doc.error((*path, "dimension"), f"未知的维度“{dimension}”{hint_zh}", f"unknown dimension {dimension!r}{hint}")
    item_type = raw.get("type")
    if item_type not in ITEM_TYPES:
        raise doc.error((*path, "type"), f"题型只能是 {', '.join(ITEM_TYPES)} 之一，而不是 {item_type!r}",
                        f"type must be one of {', '.join(ITEM_TYPES)}, not {item_type!r}")
    if "key" not in raw or raw["key"] is None or raw["key"] == "":
        raise doc.error((*path, "key") if "key" in raw else path, f"题目“{item_id}”没有标准答案",
                        f"item {item_id!r} has no answer key")
    key = _key(doc, (*path, "key"), raw["key"], item_type, true_false_values)
    points = _number(doc, (*path, "points"), raw.get("points", 1))
    partial = _partial_credit(doc, (*path, "partial_credit"), raw.get("partial_credit"), item_type, points, key)
    return Item(item_id, column, dimension, item_type, key, points, partial)


def _key(
    doc: _Located, path: tuple[Any, ...], raw: Any, item_type: str, true_false_values: Mapping[str, str]
) -> frozenset[str]:
    if item_type == "true_false":
        verdict = true_false_values.get(normalise_answer(raw))
        if verdict is None:
            raise doc.error(path, f"{raw!r} 不是判断题答案（可用 对/错、T/F、true/false 等）",
                            f"{raw!r} is not a true/false answer (use e.g. 对/错, T/F, true/false)")
        return frozenset({verdict})
    parts = [str(part) for part in raw] if isinstance(raw, list) else [str(raw)]
    options = frozenset(option for part in parts for option in choice_options(part))
    if not options:
        raise doc.error(path, "标准答案为空", "the answer key is empty")
    if item_type == "single" and len(options) != 1:
        raise doc.error(path, f"单选题的标准答案须恰好一个选项，而不是 {sorted(options)}",
                        f"a single-choice item needs exactly one key option, not {sorted(options)}")
    return options


def _partial_credit(
    doc: _Located, path: tuple[Any, ...], raw: Any, item_type: str, points: float, key: frozenset[str]
) -> PartialCredit | None:
    if raw is None:
        return None
    if item_type != "multiple":
        raise doc.error(path, "部分得分只适用于多选题", "partial credit applies only to multiple-choice items")
    if len(key) < 2:
        raise doc.error(path, "部分得分要求标准答案至少有两个选项", "partial credit needs a key with at least two options")
    if raw == "proportional":
        return PartialCredit(proportional=True)
    if isinstance(raw, dict) and set(raw) == {"subset_points"}:
        subset_points = _number(doc, (*path, "subset_points"), raw["subset_points"])
        if subset_points >= points:
            raise doc.error(
                (*path, "subset_points"), f"部分得分 {plain(subset_points)} 须低于该题分值 {plain(points)}",
                f"partial credit {plain(subset_points)} must be below the item's points {plain(points)}",
            )
        return PartialCredit(subset_points=subset_points)
    raise doc.error(path, f"应为 'proportional' 或 'subset_points: N'，而不是 {raw!r}",
                    f"expected 'proportional' or 'subset_points: N', not {raw!r}")


def _dimension(doc: _Located, index: int, raw: dict[str, Any], items: list[Item], rule: str) -> Dimension:
    path = ("dimensions", index)
    _reject_unknown_keys(doc, path, raw, DIMENSION_KEYS)
    dimension_id = str(raw["id"]).strip()
    name = _text(doc, (*path, "name"), raw.get("name"))
    own_items = [item for item in items if item.dimension == dimension_id]
    if not own_items:
        raise doc.error(path, f"维度“{dimension_id}”没有题目", f"dimension {dimension_id!r} has no items")
    max_points = sum(item.points for item in own_items)
    if "max_points" in raw:
        declared = _number(doc, (*path, "max_points"), raw["max_points"])
        if not math.isclose(declared, max_points, abs_tol=1e-9):
            raise doc.error(
                (*path, "max_points"),
                f"维度“{dimension_id}”声明满分 max_points {plain(declared)}，而其 {len(own_items)} 道题合计 "
                f"{plain(max_points)} 分",
                f"dimension {dimension_id!r} declares max_points {plain(declared)} but its "
                f"{len(own_items)} items add up to {plain(max_points)}",
            )
    weight = None
    if rule != "all_dimensions_pass":
        if "weight" not in raw:
            raise doc.error(path, f"规则 {rule!r} 下每个维度都需要“weight”（占 100 分中的分值）",
                            f"under rule {rule!r} every dimension needs a 'weight' (its share of 100 points)")
        weight = _number(doc, (*path, "weight"), raw["weight"])
    elif "weight" in raw:
        raise doc.error((*path, "weight"), "权重只用于按总分判定的规则", "weights are used only by the total-score rules")
    threshold = None
    if "threshold" in raw and "threshold_share" in raw:
        raise doc.error(path, "“threshold”和“threshold_share”只能给一个",
                        "give either 'threshold' or 'threshold_share', not both")
    # Under a total-score rule a dimension is scored on its weight, so thresholds are in those points.
    scale = weight if weight is not None else max_points
    if "threshold" in raw:
        threshold = _number(doc, (*path, "threshold"), raw["threshold"], positive=False)
        if threshold > scale:
            raise doc.error((*path, "threshold"), f"达标线 {plain(threshold)} 高于该维度的满分 {plain(scale)}",
                            f"threshold {plain(threshold)} is above the dimension's maximum {plain(scale)}")
    elif "threshold_share" in raw:
        share = _number(doc, (*path, "threshold_share"), raw["threshold_share"], positive=False)
        if share > 1:
            raise doc.error((*path, "threshold_share"), f"比例须在 0 与 1 之间，而不是 {plain(share)}",
                            f"a share is between 0 and 1, not {plain(share)}")
        threshold = share * scale
    if rule == "all_dimensions_pass" and threshold is None:
        raise doc.error(path, "规则 'all_dimensions_pass' 下每个维度都需要“threshold”或“threshold_share”",
                        "under rule 'all_dimensions_pass' every dimension needs a 'threshold' or 'threshold_share'")
    return Dimension(dimension_id, name, max_points, weight, threshold)
