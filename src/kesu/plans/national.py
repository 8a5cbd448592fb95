"""The national 纲要 2021–2035 as reference data: headings with stable codes, measures, targets.

The data live in data/national_outline_2021_2035.yaml (its header documents the codes, which never
change meaning). `load_outline()` reads and validates the file once per process; a malformed
file raises `OutlineError` naming the heading and field at fault, because a silently skipped
heading would make every plan look as if it left that heading out.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

OUTLINE_FILE = Path(__file__).with_name("data") / "national_outline_2021_2035.yaml"
KINDS = ("action", "programme", "support", "local_addition")
_CODE = re.compile(r"^[A-Z][0-9]{1,2}$")


class OutlineError(ValueError):
    """The national outline data file is malformed."""


@dataclass(frozen=True)
class HeadlineTarget:
    indicator: str
    year: int
    value: float
    unit: str
    comparator: str
    text: str


@dataclass(frozen=True)
class Heading:
    code: str
    kind: str
    title: str
    aliases: tuple[str, ...]
    measures: tuple[str, ...]
    within: str | None = None  # local additions: the national heading covering the topic

    @property
    def names(self) -> tuple[str, ...]:
        """Every name that, printed in a section heading, identifies this heading."""
        return (self.title, *self.aliases)


@dataclass(frozen=True)
class Outline:
    version: int
    source: str
    headings: tuple[Heading, ...]
    targets: tuple[HeadlineTarget, ...]
    title: str = ""
    issued: str = ""

    def heading(self, code: str) -> Heading:
        for heading in self.headings:
            if heading.code == code:
                return heading
        raise KeyError(code)

    def national_code(self, code: str) -> str:
        """The national heading a code counts under: itself, or what a local addition is within."""
        heading = self.heading(code)
        return heading.within or heading.code


def _text(entry: dict, key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise OutlineError(f"{where}: field {key!r} must be a non-empty string, got {value!r}")
    return value.strip()


def _texts(entry: dict, key: str, where: str, *, required: bool) -> tuple[str, ...]:
    value = entry.get(key) or []
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise OutlineError(f"{where}: field {key!r} must be a list of non-empty strings")
    if required and not value:
        raise OutlineError(f"{where}: field {key!r} must not be empty")
    return tuple(item.strip() for item in value)


def _heading(entry: object, index: int) -> Heading:
    if not isinstance(entry, dict):
        raise OutlineError(f"heading #{index + 1}: expected a mapping, got {type(entry).__name__}")
    code = _text(entry, "code", f"heading #{index + 1}")
    where = f"heading {code}"
    if not _CODE.match(code):
        raise OutlineError(f"{where}: code must look like A1, P5 or L12")
    kind = _text(entry, "kind", where)
    if kind not in KINDS:
        raise OutlineError(f"{where}: kind {kind!r} is not one of {', '.join(KINDS)}")
    within = entry.get("within")
    if kind == "local_addition" and not within:
        raise OutlineError(f"{where}: a local_addition must name the national heading it is within")
    if kind != "local_addition" and within:
        raise OutlineError(f"{where}: only a local_addition may have 'within'")
    return Heading(
        code=code,
        kind=kind,
        title=_text(entry, "title", where),
        aliases=_texts(entry, "aliases", where, required=False),
        measures=_texts(entry, "measures", where, required=True),
        within=within,
    )


def _target(entry: object, index: int) -> HeadlineTarget:
    where = f"target #{index + 1}"
    if not isinstance(entry, dict):
        raise OutlineError(f"{where}: expected a mapping")
    try:
        year, value = int(entry["year"]), float(entry["value"])
    except (KeyError, TypeError, ValueError) as error:
        raise OutlineError(f"{where}: 'year' and 'value' must be numbers") from error
    return HeadlineTarget(
        indicator=_text(entry, "indicator", where),
        year=year,
        value=value,
        unit=_text(entry, "unit", where),
        comparator=_text(entry, "comparator", where),
        text=_text(entry, "text", where),
    )


def parse_outline(data: object) -> Outline:
    """Validate the loaded YAML document and build the outline."""
    if not isinstance(data, dict):
        raise OutlineError("the outline file must be a mapping with version, source, headings, targets")
    version = data.get("version")
    if not isinstance(version, int) or version < 1:
        raise OutlineError(f"'version' must be a positive integer, got {version!r}")
    raw_headings = data.get("headings")
    raw_targets = data.get("targets")
    if not isinstance(raw_headings, list) or not raw_headings:
        raise OutlineError("'headings' must be a non-empty list")
    if not isinstance(raw_targets, list) or not raw_targets:
        raise OutlineError("'targets' must be a non-empty list")
    headings = tuple(_heading(entry, index) for index, entry in enumerate(raw_headings))
    codes = [heading.code for heading in headings]
    duplicates = sorted({code for code in codes if codes.count(code) > 1})
    if duplicates:
        raise OutlineError(f"duplicate heading code(s): {', '.join(duplicates)}")
    owners: dict[str, str] = {}
    for heading in headings:
        if heading.within and (heading.within not in codes or heading.within.startswith("L")):
            raise OutlineError(
                f"heading {heading.code}: 'within' {heading.within!r} is not a national heading"
            )
        for name in heading.names:
            if name in owners and owners[name] != heading.code:
                raise OutlineError(f"name {name!r} belongs to both {owners[name]} and {heading.code}")
            owners[name] = heading.code
    issued = data.get("issued", "")
    return Outline(
        version=version,
        source=_text(data, "source", "outline"),
        headings=headings,
        targets=tuple(_target(entry, index) for index, entry in enumerate(raw_targets)),
        title=str(data.get("title", "")),
        issued=str(issued),
    )


@functools.cache
def load_outline(path: Path | None = None) -> Outline:
    """The national outline, read once per process (pass `path` to read another version)."""
    source = Path(path) if path is not None else OUTLINE_FILE
    try:
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise OutlineError(f"{source.name}: not valid YAML: {error}") from error
    try:
        return parse_outline(data)
    except OutlineError as error:
        raise OutlineError(f"{source.name}: {error}") from error
