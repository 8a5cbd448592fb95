"""Scoring questionnaire answers into dimension scores, a total score and the literacy verdict.

The national criterion for 具备科学素质 has changed between survey waves, so the rules are data:
a YAML file per questionnaire version (see src/kesu/survey/data/ for the two example files).

Two rule generations are supported:

* ``all_dimensions_pass`` (earlier waves): a respondent is literate when every dimension's raw
  score reaches its threshold (``threshold`` in points or ``threshold_share`` of the maximum).
* ``total_score_above: 70`` (since 2024): each dimension's raw score is scaled to its weight
  (科学知识 40, 科学方法 20, 科学精神与思想 20, 应用能力 20; the weights sum to 100) and a
  respondent is literate when the total is strictly above the cut-off.  ``total_score_at_least``
  is the inclusive variant, for a standard worded "达到 … 分及以上".

Answers are compared after Unicode NFKC normalisation (full-width ``Ａ`` → ``A``, ``，`` → ``,``),
trimming and upper-casing, so "a", "Ａ" and " A " all match the key "A".  A multiple-choice answer
is a set of single-character options: "A,C", "AC", "C、A" and "a c" are the same answer.

A missing answer (blank, NA, …) counts as wrong by default, which is how a blank answer sheet is
marked.  With ``missing_answers: exclude_respondent`` a respondent with any missing answer gets
NaN scores and NaN ``literate`` instead, so estimates can leave them out explicitly.
"""

from __future__ import annotations

import difflib
import math
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from kesu.survey.errors import SurveyError

ITEM_TYPES = ("single", "multiple", "true_false")
RULES = ("all_dimensions_pass", "total_score_above", "total_score_at_least")
MISSING_ANSWER_POLICIES = ("wrong", "exclude_respondent")
TOTAL_WEIGHT = 100.0

MISSING_ANSWER_TOKENS = frozenset({"", "NA", "N/A", "NAN", "NULL", "NONE", "."})
CHOICE_SEPARATORS = str.maketrans("", "", ",、;/| \t")

DEFAULT_TRUE_FALSE_VALUES = {
    "T": ("T", "TRUE", "Y", "YES", "1", "对", "正确", "是", "√", "✓", "✔"),
    "F": ("F", "FALSE", "N", "NO", "0", "错", "错误", "否", "不是", "×", "✗", "✘", "X"),
}

LITERATE_COLUMN = "literate"
TOTAL_SCORE_COLUMN = "score_total"


def score_column(dimension_id: str) -> str:
    return f"score_{dimension_id}"


def pass_column(dimension_id: str) -> str:
    return f"pass_{dimension_id}"


@dataclass(frozen=True)
class PartialCredit:
    """Credit for a multiple-choice answer that picks only correct options but not all of them.

    ``subset_points``: a fixed number of points for any such answer (少选得部分分, 错选不得分).
    ``proportional``: the item's points times the share of correct options picked.
    """

    subset_points: float | None = None
    proportional: bool = False


@dataclass(frozen=True)
class Item:
    id: str
    column: str
    dimension: str
    type: str
    key: frozenset[str]
    points: float
    partial_credit: PartialCredit | None = None


@dataclass(frozen=True)
class Dimension:
    id: str
    name: str
    max_points: float  # sum of its items' points
    weight: float | None
    threshold: float | None  # raw points needed to pass the dimension


@dataclass(frozen=True)
class Questionnaire:
    id: str
    version: str
    effective_from: int | None
    effective_to: int | None
    description: str
    rule: str
    cutoff: float | None  # total-score rules only
    missing_answers: str
    dimensions: tuple[Dimension, ...]
    items: tuple[Item, ...]
    true_false_values: Mapping[str, str]  # normalised spelling -> "T" / "F"
    source: str = ""

    @property
    def uses_total_score(self) -> bool:
        return self.rule != "all_dimensions_pass"

    def applies_to(self, year: int) -> bool:
        return (self.effective_from is None or year >= self.effective_from) and (
            self.effective_to is None or year <= self.effective_to
        )

    def answer_columns(self) -> list[str]:
        return [item.column for item in self.items]

    def output_columns(self) -> list[str]:
        columns = [score_column(dimension.id) for dimension in self.dimensions]
        columns += [pass_column(dimension.id) for dimension in self.dimensions if dimension.threshold is not None]
        return [*columns, TOTAL_SCORE_COLUMN, LITERATE_COLUMN]


# --- loading and validation --------------------------------------------------------------------


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
            problem = getattr(exc, "problem", None) or str(exc)
            raise SurveyError(f"{source}{where}: not valid YAML ({problem})") from None
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
                    raise SurveyError(f"{self.source}, line {key_node.start_mark.line + 1}: key {key!r} appears twice")
                seen.add(key)
                self._index(value_node, (*path, key))
        elif isinstance(node, yaml.SequenceNode):
            for index, child in enumerate(node.value):
                self._index(child, (*path, index))

    def error(self, path: tuple[Any, ...], message: str) -> SurveyError:
        probe = path
        while probe not in self.lines and probe:
            probe = probe[:-1]
        line = self.lines.get(probe)
        where = f", line {line}" if line else ""
        return SurveyError(f"{self.source}{where} ({_dotted(path)}): {message}" if path else f"{self.source}{where}: {message}")


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
            raise SurveyError(f"{path}: no such questionnaire config (bundled examples: {names})")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise SurveyError(f"{path}: a questionnaire config must be UTF-8 text") from None
    return parse_questionnaire(text, str(path))


def bundled_questionnaires() -> dict[str, Path]:
    """The example configs shipped with kesu, by file stem."""
    folder = resources.files("kesu.survey") / "data"
    return {Path(entry.name).stem: Path(str(entry)) for entry in folder.iterdir() if entry.name.endswith(".yaml")}


def parse_questionnaire(text: str, source: str = "<questionnaire>") -> Questionnaire:
    doc = _Located(source, text)
    data = doc.data
    if not isinstance(data, dict):
        raise doc.error((), "expected a mapping with questionnaire, dimensions, rule and items")
    _reject_unknown_keys(doc, (), data, TOP_KEYS)
    for key in sorted(TOP_KEYS):
        if key not in data:
            raise doc.error((), f"missing section {key!r}")

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
            raise doc.error(
                ("dimensions", index, "id"), f"dimension {dimension_id!r} is already defined at dimensions[{dimension_ids[dimension_id]}]"
            )
        dimension_ids[dimension_id] = index

    items: list[Item] = []
    item_ids: dict[str, int] = {}
    item_columns: dict[str, int] = {}
    for index, raw in enumerate(raw_items):
        item = _item(doc, index, _mapping(doc, ("items", index), raw), dimension_ids, true_false_values)
        if item.id in item_ids:
            raise doc.error(("items", index, "id"), f"item {item.id!r} is already defined at items[{item_ids[item.id]}]")
        if item.column in item_columns:
            raise doc.error(
                ("items", index, "column"),
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
                f"under rule {rule!r} the dimension weights must add up to {TOTAL_WEIGHT:g}, "
                f"they add up to {total_weight:g}",
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
            raise doc.error((*path, key), f"unknown key {key!r}{hint}")


def _mapping(doc: _Located, path: tuple[Any, ...], raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise doc.error(path, "expected a mapping (key: value lines)")
    return raw


def _sequence(doc: _Located, path: tuple[Any, ...], raw: Any) -> list[Any]:
    if not isinstance(raw, list) or not raw:
        raise doc.error(path, "expected a non-empty list")
    return raw


def _text(doc: _Located, path: tuple[Any, ...], raw: Any) -> str:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise doc.error(path, f"{path[-1]!r} is required")
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise doc.error(path, f"{path[-1]!r} must be text, not {raw!r}")
    return str(raw).strip()


def _number(doc: _Located, path: tuple[Any, ...], raw: Any, positive: bool = True) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
        raise doc.error(path, f"{path[-1]!r} must be a number, not {raw!r}")
    if positive and raw <= 0:
        raise doc.error(path, f"{path[-1]!r} must be positive, not {raw!r}")
    if not positive and raw < 0:
        raise doc.error(path, f"{path[-1]!r} must not be negative, not {raw!r}")
    return float(raw)


def _effective_years(doc: _Located, raw: Any) -> tuple[int | None, int | None]:
    path = ("questionnaire", "effective_years")
    if raw is None:
        raise doc.error(path, "'effective_years' is required: [FIRST, LAST] with null for an open end")
    if not isinstance(raw, list) or len(raw) != 2:
        raise doc.error(path, f"expected [FIRST, LAST] (null for an open end), not {raw!r}")
    years: list[int | None] = []
    for index, year in enumerate(raw):
        if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
            raise doc.error((*path, index), f"a year must be a whole number or null, not {year!r}")
        years.append(year)
    first, last = years
    if first is not None and last is not None and last < first:
        raise doc.error(path, f"the last year {last} is before the first year {first}")
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
                raise doc.error((*path, name), f"{value!r} is listed as both true and false")
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
                raise doc.error(("rule", name), f"the cut-off must be below {TOTAL_WEIGHT:g}, not {cutoff:g}")
            return name, cutoff
    raise doc.error(
        ("rule",), f"expected 'all_dimensions_pass', 'total_score_above: N' or 'total_score_at_least: N', not {raw!r}"
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
        raise doc.error((*path, "dimension"), f"unknown dimension {dimension!r}{hint}")
    item_type = raw.get("type")
    if item_type not in ITEM_TYPES:
        raise doc.error((*path, "type"), f"type must be one of {', '.join(ITEM_TYPES)}, not {item_type!r}")
    if "key" not in raw or raw["key"] is None or raw["key"] == "":
        raise doc.error((*path, "key") if "key" in raw else path, f"item {item_id!r} has no answer key")
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
            raise doc.error(path, f"{raw!r} is not a true/false answer (use e.g. 对/错, T/F, true/false)")
        return frozenset({verdict})
    parts = [str(part) for part in raw] if isinstance(raw, list) else [str(raw)]
    options = frozenset(option for part in parts for option in choice_options(part))
    if not options:
        raise doc.error(path, "the answer key is empty")
    if item_type == "single" and len(options) != 1:
        raise doc.error(path, f"a single-choice item needs exactly one key option, not {sorted(options)}")
    return options


def _partial_credit(
    doc: _Located, path: tuple[Any, ...], raw: Any, item_type: str, points: float, key: frozenset[str]
) -> PartialCredit | None:
    if raw is None:
        return None
    if item_type != "multiple":
        raise doc.error(path, "partial credit applies only to multiple-choice items")
    if len(key) < 2:
        raise doc.error(path, "partial credit needs a key with at least two options")
    if raw == "proportional":
        return PartialCredit(proportional=True)
    if isinstance(raw, dict) and set(raw) == {"subset_points"}:
        subset_points = _number(doc, (*path, "subset_points"), raw["subset_points"])
        if subset_points >= points:
            raise doc.error(
                (*path, "subset_points"), f"partial credit {subset_points:g} must be below the item's points {points:g}"
            )
        return PartialCredit(subset_points=subset_points)
    raise doc.error(path, f"expected 'proportional' or 'subset_points: N', not {raw!r}")


def _dimension(doc: _Located, index: int, raw: dict[str, Any], items: list[Item], rule: str) -> Dimension:
    path = ("dimensions", index)
    _reject_unknown_keys(doc, path, raw, DIMENSION_KEYS)
    dimension_id = str(raw["id"]).strip()
    name = _text(doc, (*path, "name"), raw.get("name"))
    own_items = [item for item in items if item.dimension == dimension_id]
    if not own_items:
        raise doc.error(path, f"dimension {dimension_id!r} has no items")
    max_points = sum(item.points for item in own_items)
    if "max_points" in raw:
        declared = _number(doc, (*path, "max_points"), raw["max_points"])
        if not math.isclose(declared, max_points, abs_tol=1e-9):
            raise doc.error(
                (*path, "max_points"),
                f"dimension {dimension_id!r} declares max_points {declared:g} but its "
                f"{len(own_items)} items add up to {max_points:g}",
            )
    weight = None
    if rule != "all_dimensions_pass":
        if "weight" not in raw:
            raise doc.error(path, f"under rule {rule!r} every dimension needs a 'weight' (its share of 100 points)")
        weight = _number(doc, (*path, "weight"), raw["weight"])
    elif "weight" in raw:
        raise doc.error((*path, "weight"), "weights are used only by the total-score rules")
    threshold = None
    if "threshold" in raw and "threshold_share" in raw:
        raise doc.error(path, "give either 'threshold' or 'threshold_share', not both")
    # Under a total-score rule a dimension is scored on its weight, so thresholds are in those points.
    scale = weight if weight is not None else max_points
    if "threshold" in raw:
        threshold = _number(doc, (*path, "threshold"), raw["threshold"], positive=False)
        if threshold > scale:
            raise doc.error((*path, "threshold"), f"threshold {threshold:g} is above the dimension's maximum {scale:g}")
    elif "threshold_share" in raw:
        share = _number(doc, (*path, "threshold_share"), raw["threshold_share"], positive=False)
        if share > 1:
            raise doc.error((*path, "threshold_share"), f"a share is between 0 and 1, not {share:g}")
        threshold = share * scale
    if rule == "all_dimensions_pass" and threshold is None:
        raise doc.error(path, "under rule 'all_dimensions_pass' every dimension needs a 'threshold' or 'threshold_share'")
    return Dimension(dimension_id, name, max_points, weight, threshold)


# --- answer normalisation ----------------------------------------------------------------------


def normalise_answer(value: Any) -> str:
    """NFKC, trimmed, upper-case text of an answer; whole-number floats lose their ".0"."""
    if value is None:
        return ""
    if isinstance(value, float | np.floating):
        if math.isnan(value):
            return ""
        if float(value).is_integer():
            return str(int(value))
    text = unicodedata.normalize("NFKC", str(value)).strip().upper()
    return "" if text in MISSING_ANSWER_TOKENS else text


def choice_options(answer: str) -> frozenset[str]:
    """The set of options in a multiple-choice answer: separators dropped, one character each."""
    return frozenset(normalise_answer(answer).translate(CHOICE_SEPARATORS))


# --- scoring -----------------------------------------------------------------------------------


def _item_points(item: Item, answers: np.ndarray, true_false_values: Mapping[str, str]) -> tuple[np.ndarray, np.ndarray]:
    """Points earned on one item per respondent, and which respondents left it blank.

    Respondents give few distinct answers, so each distinct raw answer is normalised and scored
    once and the result spread back to the rows.
    """
    distinct, inverse = _distinct_values(answers)
    points = np.zeros(len(distinct))
    blank = np.zeros(len(distinct), dtype=bool)
    for position, answer in enumerate(normalise_answer(value) for value in distinct):
        if answer == "":
            blank[position] = True
        elif item.type == "single":
            points[position] = item.points if answer.translate(CHOICE_SEPARATORS) in item.key else 0.0
        elif item.type == "true_false":
            points[position] = item.points if true_false_values.get(answer) in item.key else 0.0
        else:
            points[position] = _multiple_choice_points(item, choice_options(answer))
    return points[inverse], blank[inverse]


def _distinct_values(values: np.ndarray) -> tuple[list[Any], np.ndarray]:
    if values.dtype.kind == "f":
        # np.unique groups every NaN into one value; a set would keep each NaN object apart.
        distinct, inverse = np.unique(values, return_inverse=True)
        return distinct.tolist(), inverse.reshape(-1)
    rows = values.tolist()
    position_of = {value: position for position, value in enumerate(dict.fromkeys(rows))}
    inverse = np.fromiter((position_of[value] for value in rows), dtype=np.int64, count=len(rows))
    return list(position_of), inverse


def _multiple_choice_points(item: Item, chosen: frozenset[str]) -> float:
    if chosen == item.key:
        return item.points
    credit = item.partial_credit
    if credit is None or not chosen or not chosen < item.key:
        return 0.0
    if credit.proportional:
        return item.points * len(chosen) / len(item.key)
    return credit.subset_points or 0.0


def score_answers(columns: Mapping[str, np.ndarray], config: Questionnaire) -> dict[str, np.ndarray]:
    """Dimension scores, pass flags, total score and ``literate`` (1.0/0.0) for every respondent.

    Returns only the new columns (see ``Questionnaire.output_columns``); all are float arrays.
    Under a total-score rule dimension scores are on their weights (0–40, 0–20, …) and the total
    on 0–100; under ``all_dimensions_pass`` they are raw points.
    """
    missing = [item.column for item in config.items if item.column not in columns]
    if missing:
        available = list(columns)
        close = difflib.get_close_matches(missing[0], available, n=1, cutoff=0.6) or [
            name for name in available if name.lower() == missing[0].lower()
        ]
        hint = f"; did you mean {close[0]!r}?" if close else ""
        more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
        raise SurveyError(f"the answers have no column {missing[0]!r}{more} required by {config.id} {config.version}{hint}")
    lengths = {len(columns[item.column]) for item in config.items}
    if len(lengths) > 1:
        raise SurveyError(f"answer columns have different lengths: {sorted(lengths)}")
    n = lengths.pop()

    raw_scores = {dimension.id: np.zeros(n) for dimension in config.dimensions}
    any_blank = np.zeros(n, dtype=bool)
    for item in config.items:
        points, blank = _item_points(item, np.asarray(columns[item.column]), config.true_false_values)
        raw_scores[item.dimension] += points
        any_blank |= blank

    result: dict[str, np.ndarray] = {}
    passes: list[np.ndarray] = []
    total = np.zeros(n)
    for dimension in config.dimensions:
        score = raw_scores[dimension.id]
        if dimension.weight is not None:
            score = score / dimension.max_points * dimension.weight
        result[score_column(dimension.id)] = score
        total += score
        if dimension.threshold is not None:
            # A small tolerance keeps 0.1 + 0.2-style float sums from failing an exact threshold.
            passed = (score >= dimension.threshold - 1e-9).astype(float)
            result[pass_column(dimension.id)] = passed
            passes.append(passed)
    if config.rule == "all_dimensions_pass":
        literate = np.all(np.vstack(passes) == 1.0, axis=0).astype(float)
    elif config.rule == "total_score_above":
        literate = (total > config.cutoff + 1e-9).astype(float)
    else:
        literate = (total >= config.cutoff - 1e-9).astype(float)
    result[TOTAL_SCORE_COLUMN] = total
    result[LITERATE_COLUMN] = literate
    if config.missing_answers == "exclude_respondent" and any_blank.any():
        for values in result.values():
            values[any_blank] = np.nan
    return {name: result[name] for name in config.output_columns()}
