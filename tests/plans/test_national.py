"""The national 纲要 reference data (kesu.plans.national)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kesu.plans.national import OUTLINE_FILE, OutlineError, load_outline, parse_outline


def test_outline_has_the_five_actions_and_five_programmes():
    outline = load_outline()
    assert outline.source == "国发〔2021〕9号"
    assert outline.issued == "2021-06-03"
    assert outline.version >= 1
    actions = {heading.code: heading.title for heading in outline.headings if heading.kind == "action"}
    programmes = {heading.code: heading.title for heading in outline.headings if heading.kind == "programme"}
    assert actions == {
        "A1": "青少年科学素质提升行动",
        "A2": "农民科学素质提升行动",
        "A3": "产业工人科学素质提升行动",
        "A4": "老年人科学素质提升行动",
        "A5": "领导干部和公务员科学素质提升行动",
    }
    assert programmes == {
        "P1": "科技资源科普化工程",
        "P2": "科普信息化提升工程",
        "P3": "科普基础设施工程",
        "P4": "基层科普能力提升工程",
        "P5": "科学素质国际交流合作工程",
    }
    assert all(heading.measures for heading in outline.headings)


def test_headline_targets_2025_and_2035():
    targets = {target.year: target for target in load_outline().targets}
    assert (targets[2025].value, targets[2025].comparator, targets[2025].unit) == (15, ">", "%")
    assert (targets[2035].value, targets[2035].comparator) == (25, ">=")
    assert targets[2025].indicator == "公民具备科学素质的比例"


def test_local_additions_count_under_a_national_heading():
    outline = load_outline()
    assert outline.national_code("L1") == "P4"
    assert outline.national_code("A3") == "A3"
    assert outline.heading("P5").aliases[:2] == ("科学素质开放合作工程", "开放合作工程")
    with pytest.raises(KeyError):
        outline.heading("Z9")


def test_outline_is_cached_and_frozen():
    outline = load_outline()
    assert load_outline() is outline
    with pytest.raises(AttributeError):
        outline.headings[0].title = "x"  # type: ignore[misc]


def _data() -> dict:
    return yaml.safe_load(OUTLINE_FILE.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda data: data["headings"].append(dict(data["headings"][0])), "duplicate heading code"),
        (lambda data: data["headings"][0].update(kind="project"), "kind 'project'"),
        (lambda data: data["headings"][1].update(measures=[]), "heading A2: field 'measures'"),
        (lambda data: data["headings"][-1].pop("within"), "must name the national heading"),
        (lambda data: data["headings"][2].update(aliases=["农民科学素质"]), "belongs to both"),
        (lambda data: data.update(version="one"), "'version'"),
        (lambda data: data["targets"][0].update(value="many"), "target #1"),
    ],
)
def test_malformed_outline_is_refused_with_a_clear_error(change, message):
    data = _data()
    change(data)
    with pytest.raises(OutlineError, match=message):
        parse_outline(data)


def test_load_outline_names_the_file_in_errors(tmp_path: Path):
    broken = tmp_path / "outline.yaml"
    broken.write_text("version: 1\nsource: x\nheadings: []\ntargets: []\n", encoding="utf-8")
    with pytest.raises(OutlineError, match=r"outline\.yaml: 'headings'"):
        load_outline(broken)
