"""The parsed plan: the contract of `shared/plan.schema.json` as dataclasses.

Everything downstream (CLI output, the plan import of the web platform, reports) reads these
objects; `ParsedPlan.to_dict()` is exactly the JSON document the schema describes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from kesu.plans.confidence import Judgement

SCHEMA_VERSION = 1

COMPARATORS = (">=", "<=", "=", ">", "<", "~")


@dataclass
class Target:
    """A quantitative target such as 每年培训科技辅导员200人次以上."""

    text: str
    value: float
    unit: str
    comparator: str = ">="
    subject: str | None = None
    period: str | None = None
    deadline_year: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class HeadlineTarget:
    """公民具备科学素质的比例 to be reached by `year`."""

    indicator: str
    value: float
    unit: str
    year: int
    text: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Section:
    """A heading of the document. `kind` is "action" (提升行动), "programme" (重点工程) or None."""

    number: str
    title: str
    children: list[Section] = field(default_factory=list)
    kind: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "title": self.title,
            "kind": self.kind,
            "children": [child.to_dict() for child in self.children],
        }


@dataclass
class Task:
    id: str
    path: list[str]
    title: str
    text: str
    lead_units: list[str] = field(default_factory=list)
    participating_units: list[str] = field(default_factory=list)
    units_raw: str = ""
    targets: list[Target] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "path": list(self.path),
            "title": self.title,
            "text": self.text,
            "lead_units": list(self.lead_units),
            "participating_units": list(self.participating_units),
            "units_raw": self.units_raw,
            "targets": [target.to_dict() for target in self.targets],
        }


@dataclass
class UnitEntry:
    name: str
    aliases: list[str] = field(default_factory=list)
    lead_count: int = 0
    participating_count: int = 0
    is_class: bool = False  # a collective actor (各成员单位, 各县（市、区）政府, 市直有关部门)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Period:
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ParsedPlan:
    """The parser's output for one document; the platform's stored plan is the Django model `Plan`."""

    source: str
    title: str
    doc_number: str | None = None
    issuer: str | None = None
    date: str | None = None
    region: str | None = None
    period: Period | None = None
    headline_target: HeadlineTarget | None = None
    sections: list[Section] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    units: list[UnitEntry] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Quantitative goals of the plan's 目标 section (科普经费, 展厅面积 …), the headline included;
    # an extra property of the schema, which allows additional ones.
    targets: list[Target] = field(default_factory=list)
    # How sure the parser is of each task, assignment, target and metadata field, and which rule
    # read it (kesu.plans.confidence); an extra property of the schema, like `targets`.
    judgements: list[Judgement] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "source": self.source,
            "title": self.title,
            "doc_number": self.doc_number,
            "issuer": self.issuer,
            "date": self.date,
            "region": self.region,
            "period": self.period.to_dict() if self.period else None,
            "headline_target": self.headline_target.to_dict() if self.headline_target else None,
            "sections": [section.to_dict() for section in self.sections],
            "tasks": [task.to_dict() for task in self.tasks],
            "units": [unit.to_dict() for unit in self.units],
            "warnings": list(self.warnings),
            "targets": [target.to_dict() for target in self.targets],
            "judgements": [judgement.to_dict() for judgement in self.judgements],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ParsedPlan:
        """Rebuild a plan from its JSON form (e.g. a preview edited by the office)."""

        def section(d: dict[str, Any]) -> Section:
            return Section(
                number=d["number"],
                title=d["title"],
                kind=d.get("kind"),
                children=[section(c) for c in d.get("children", [])],
            )

        period = data.get("period")
        headline = data.get("headline_target")
        return cls(
            source=data["source"],
            title=data["title"],
            doc_number=data.get("doc_number"),
            issuer=data.get("issuer"),
            date=data.get("date"),
            region=data.get("region"),
            period=Period(**period) if period else None,
            headline_target=HeadlineTarget(**headline) if headline else None,
            sections=[section(s) for s in data.get("sections", [])],
            tasks=[
                Task(
                    id=t["id"],
                    path=list(t["path"]),
                    title=t["title"],
                    text=t["text"],
                    lead_units=list(t["lead_units"]),
                    participating_units=list(t["participating_units"]),
                    units_raw=t.get("units_raw", ""),
                    targets=[Target(**g) for g in t.get("targets", [])],
                )
                for t in data.get("tasks", [])
            ],
            units=[UnitEntry(**u) for u in data.get("units", [])],
            warnings=list(data.get("warnings", [])),
            targets=[Target(**g) for g in data.get("targets", [])],
            judgements=[Judgement.from_dict(j) for j in data.get("judgements", [])],
        )
