"""Whatever the text, parse_text returns a schema-valid plan or raises PlanParseError."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.paths import PLAN_SCHEMA, SEEDS

from kesu.plans import PlanParseError, parse_text
from kesu.plans.parser import INTERNAL_ERROR

SCHEMA_PATH = PLAN_SCHEMA
FIXTURES = Path(__file__).parent / "fixtures" / "styles"

_SAMPLES = [p.read_text(encoding="utf-8-sig") for p in sorted(FIXTURES.glob("*.txt"))]
# The corpus's text layouts too (site metadata blocks, 工作要点, dash bullets, traditional characters …), so
# that mutations reach the rules written for them.
_SAMPLES += [p.read_text(encoding="utf-8-sig") for p in sorted((Path(__file__).parent / "corpus").glob("*.txt"))]
if SEEDS.is_dir():
    _SAMPLES += [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
_VALIDATOR = (
    jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))
    if SCHEMA_PATH.is_file()
    else None
)
# … and the marks the flattened and site-copied layouts rely on: numbering glyphs (⒊ ㈣), the
# Cyrillic Р standing for a line break, pinyin glosses, [续上页] notes, field keys (时间：)
_PUNCTUATION = list("（）()、，,。；;：:\t\n—-－#*《》“”%．1一⒊㈣Р")
_MARKS = [*_PUNCTUATION, "(shè)", "[续上页]", "时间：", "主办单位：", "由"]
_CHINESE = st.characters(min_codepoint=0x4E00, max_codepoint=0x4E80)
_TEXT = st.text(
    alphabet=st.one_of(st.sampled_from(_PUNCTUATION), _CHINESE, st.characters()),
    max_size=400,
)


def _check(text: str) -> None:
    try:
        plan = parse_text(text, "fuzz.txt")
    except PlanParseError as error:
        assert not error.problem.startswith(INTERNAL_ERROR), error.problem
        return
    if _VALIDATOR is not None:
        _VALIDATOR.validate(plan.to_dict())
    for task in plan.tasks:
        assert task.id and task.path and task.path[-1] == task.title


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXT)
def test_arbitrary_text(text: str) -> None:
    _check(text)


@st.composite
def _mutated_sample(draw) -> str:
    lines = draw(st.sampled_from(_SAMPLES)).split("\n")
    for _ in range(draw(st.integers(min_value=1, max_value=12))):
        action = draw(st.sampled_from(["delete", "insert", "swap", "punctuate", "cut"]))
        if not lines:
            break
        index = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        if action == "delete":
            del lines[index]
        elif action == "insert":
            lines.insert(index, draw(_TEXT))
        elif action == "swap":
            other = draw(st.integers(min_value=0, max_value=len(lines) - 1))
            lines[index], lines[other] = lines[other], lines[index]
        elif action == "punctuate":
            line = lines[index]
            position = draw(st.integers(min_value=0, max_value=len(line)))
            lines[index] = line[:position] + draw(st.sampled_from(_MARKS)) + line[position:]
        else:
            line = lines[index]
            position = draw(st.integers(min_value=0, max_value=len(line)))
            lines[index] = line[:position]
    return "\n".join(lines)


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(_mutated_sample())
def test_mutated_plans(text: str) -> None:
    _check(text)


# The layouts of the real pages of issue 15's last round (tests/plans/corpus/p8_*.txt: text flattened
# onto one line, site separators, field lines, traditional text with pinyin glosses) mutated on their own,
# so that every run reaches their rules rather than one sample in sixty.
# p9_*.txt (round 2): text tables split by runs of spaces, site pages numbered 1、 2、 with glued numbering,
# activities printed as fields.
_P8_SAMPLES = [
    p.read_text(encoding="utf-8-sig")
    for pattern in ("p8_*.txt", "p9_*.txt")
    for p in sorted((Path(__file__).parent / "corpus").glob(pattern))
]


@st.composite
def _mutated_p8(draw) -> str:
    lines = draw(st.sampled_from(_P8_SAMPLES)).split("\n")
    for _ in range(draw(st.integers(min_value=1, max_value=8))):
        if not lines:
            break
        index = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        line = lines[index]
        position = draw(st.integers(min_value=0, max_value=len(line)))
        action = draw(st.sampled_from(["punctuate", "cut", "join", "delete"]))
        if action == "punctuate":
            lines[index] = line[:position] + draw(st.sampled_from(_MARKS)) + line[position:]
        elif action == "cut":
            lines[index] = line[:position]
        elif action == "join" and index + 1 < len(lines):
            lines[index : index + 2] = [line + " " + lines[index + 1]]
        else:
            del lines[index]
    return "\n".join(lines)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(_mutated_p8())
def test_mutated_p8_layouts(text: str) -> None:
    assert _P8_SAMPLES
    _check(text)


@pytest.mark.parametrize("text", ["", "   \n\n\t", "Hello world.\nThis is not a plan at all.", "1234567890"])
def test_not_a_plan_raises_a_clear_error(text: str) -> None:
    with pytest.raises(PlanParseError) as raised:
        parse_text(text, "notes.txt")
    assert raised.value.source == "notes.txt"
    assert not raised.value.problem.startswith(INTERNAL_ERROR)


def test_non_text_input_raises_plan_parse_error() -> None:
    with pytest.raises(PlanParseError):
        parse_text(b"\xe4\xb8\x80", "bytes.txt")  # type: ignore[arg-type]
