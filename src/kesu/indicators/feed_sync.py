"""Writing the values of fed elements (kesu.indicators.feeds) from their registries.

A feed counts a year's records by the region each record is located in. A region's stored value is
the total of its whole subtree (what is located in it and under it), so every region on the path of
a record gets a value, and an office reads its county, city or province total like any other.
Only differences are written, in bulk: at national scale (~3,400 regions × ~15 fed elements) a
save() per cell, with its audit and version-token signals, is far too slow; the audit entries are
written here instead, one per changed value, with the same fields `kesu.audit.registry.record`
fills.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone

from kesu.audit.context import acting_as, current_actor, current_reason
from kesu.audit.models import AuditAction, AuditEntry
from kesu.audit.registry import snapshot
from kesu.caching import versions
from kesu.indicators import feeds
from kesu.indicators.models import DataElement, DataValue, ValueSource, ValueStatus
from kesu.indicators.selectors import Catalogue
from kesu.indicators.services import IndicatorError, locked_cells, parse_number
from kesu.org.models import Region, Role, User

REASON = "登记册同步"
BATCH = 1000

Cell = tuple[int, int | None]  # (region_id, option_id)


class Stored(NamedTuple):
    pk: int
    value: float
    source: str


@dataclass(frozen=True)
class ElementSync:
    element_code: str
    source: str
    written: int = 0  # created, or changed (a manual value replaced by the registry's counts too)
    deleted: int = 0  # registry values whose records are gone
    unchanged: int = 0
    frozen: int = 0  # would change, but the region's period is submitted or accepted


@dataclass(frozen=True)
class FeedSync:
    year: int
    elements: tuple[ElementSync, ...]
    skipped: tuple[str, ...] = ()  # fed element codes not loaded (yet) into the catalogue

    @property
    def written(self) -> int:
        return sum(e.written for e in self.elements)

    @property
    def deleted(self) -> int:
        return sum(e.deleted for e in self.elements)

    @property
    def unchanged(self) -> int:
        return sum(e.unchanged for e in self.elements)

    @property
    def frozen(self) -> int:
        return sum(e.frozen for e in self.elements)

    def element(self, code: str) -> ElementSync | None:
        return next((e for e in self.elements if e.element_code == code), None)


def _check_actor(actor: User | None) -> None:
    # The counts are derived, not judged: whoever may run it, the result is the same. Offices run it
    # through the registry pages; the system through the CLI and the demo.
    if actor is None:
        return
    if not (actor.is_authenticated and actor.role == Role.OFFICE_ADMIN):
        raise PermissionDenied("仅纲要办管理员（或系统）可以同步登记册数据")


def _reason() -> str:
    caller = current_reason()
    return (f"{REASON}（{caller}）" if caller and caller != REASON else REASON)[:255]


def sync_feeds(*, actor: User | None, year: int, element_codes: Iterable[str] | None = None) -> FeedSync:
    """Bring the stored values of the fed elements (all, or `element_codes`) for `year` in line with
    their registries: whole-year region values only (quarter 0, no unit)."""
    _check_actor(actor)
    if element_codes is None:
        selected = feeds.registered_feeds()
    else:
        selected = []
        for code in dict.fromkeys(element_codes):
            feed = feeds.feed_for(code)
            if feed is None:
                raise IndicatorError(f"数据项“{code}”没有登记册来源，不能同步")
            selected.append(feed)
    with acting_as(actor, reason=_reason()), transaction.atomic():
        # Taken first, as write_values and submit/accept do, so that concurrent writers queue in one
        # order; it also makes two syncs of the same year run one after the other.
        versions.bump(versions.INDICATORS)
        return _sync(actor, year, selected)


def _sync(actor, year: int, selected) -> FeedSync:
    catalogue = Catalogue.load()
    elements = {f.element_code: catalogue.elements[f.element_code] for f in selected
                if f.element_code in catalogue.elements}
    skipped = tuple(f.element_code for f in selected if f.element_code not in elements)
    if not elements:
        return FeedSync(year, (), skipped)
    parents = dict(Region.objects.values_list("id", "parent_id"))
    locked = {region_id for region_id, unit_id in locked_cells(None, year, 0) if unit_id is None}
    # Read as tuples: at national scale a model instance per stored value cost more than the counts,
    # and a recount usually changes a handful. _Writer loads the ones it changes.
    stored: dict[int, dict[Cell, Stored]] = defaultdict(dict)
    rows = DataValue.objects.filter(element_id__in=[e.pk for e in elements.values()], year=year, quarter=0,
                                    unit__isnull=True).values_list("pk", "element_id", "region_id", "option_id",
                                                                    "value", "source")
    for pk, element_id, region_id, option_id, value, source in rows.iterator(chunk_size=5000):
        stored[element_id][(region_id, option_id)] = Stored(pk, value, source)

    writer = _Writer(actor)
    results = []
    for feed in selected:
        element = elements.get(feed.element_code)
        if element is None:
            continue
        totals = _subtree_totals(feed, element, catalogue, parents, year)
        results.append(writer.apply(feed, element, totals, stored[element.pk], locked, year))
    writer.flush()
    return FeedSync(year, tuple(results), skipped)


def _subtree_totals(feed: feeds.Feed, element: DataElement, catalogue: Catalogue, parents: dict[int, int | None],
                    year: int) -> dict[Cell, float]:
    """The feed's counts by region of location, added to that region and every region above it."""
    options = catalogue.options[element.pk]
    chains: dict[int, list[int]] = {}
    totals: dict[Cell, float] = defaultdict(float)
    for (region_id, option_code), raw in feed.compute(year).items():
        if region_id not in parents:
            raise IndicatorError(f"{feed.source}中有记录所在的区划（编号 {region_id}）不存在")
        if options:
            option = options.get(option_code) if option_code else None
            if option is None:
                raise IndicatorError(
                    f"{feed.source}给出的分类项“{option_code or '（空）'}”不是“{element.name}”的分类项"
                )
            option_id = option.pk
        elif option_code is not None:
            raise IndicatorError(f"“{element.name}”不分类填报，{feed.source}却给出了分类项“{option_code}”")
        else:
            option_id = None
        try:
            value = parse_number(raw, element)
        except IndicatorError as exc:
            raise IndicatorError(f"{feed.source}：{exc}") from exc
        if value is None:
            continue
        for ancestor in _chain(region_id, parents, chains):
            totals[(ancestor, option_id)] += value
    # Totals of fractional values (areas, hours) pick up float noise that would read as a change.
    return {cell: round(total, 6) for cell, total in totals.items()}


def _chain(region_id: int, parents: dict[int, int | None], chains: dict[int, list[int]]) -> list[int]:
    """The region and every region above it (memoised: siblings share their parents' chains)."""
    chain = chains.get(region_id)
    if chain is None:
        parent = parents[region_id]
        chain = [region_id] + (_chain(parent, parents, chains) if parent is not None else [])
        chains[region_id] = chain
    return chain


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1.0)


class _Writer:
    """Collects the creates, updates and deletes of all elements and writes them in batches."""

    def __init__(self, actor):
        self.entered_by = actor if actor is not None and actor.pk else None
        self.now = timezone.now()
        self.created: list[DataValue] = []
        self.updated: dict[int, float] = {}  # pk -> new value
        self.deleted: list[int] = []

    def apply(self, feed, element, totals: dict[Cell, float], stored: dict[Cell, Stored], locked: set[int],
              year: int) -> ElementSync:
        written = deleted = unchanged = frozen = 0
        for (region_id, option_id), total in totals.items():
            existing = stored.get((region_id, option_id))
            if existing is not None and existing.source == ValueSource.REGISTRY and _same(existing.value, total):
                unchanged += 1
            elif region_id in locked:
                frozen += 1
            elif existing is None:
                self.created.append(DataValue(
                    element=element, option_id=option_id, region_id=region_id, unit=None, year=year, quarter=0,
                    value=total, source=ValueSource.REGISTRY, entered_by=self.entered_by,
                ))
                written += 1
            else:
                self.updated[existing.pk] = total
                written += 1
        for cell, existing in stored.items():
            # A manual value where the registry has no records stays: the registry does not know that
            # region, and an office's figure is better than none.
            if cell in totals or existing.source != ValueSource.REGISTRY:
                continue
            if cell[0] in locked:
                frozen += 1
            else:
                self.deleted.append(existing.pk)
                deleted += 1
        return ElementSync(element.code, feed.source, written, deleted, unchanged, frozen)

    def flush(self) -> None:
        entries: list[AuditEntry] = []
        if self.created:
            DataValue.objects.bulk_create(self.created, batch_size=BATCH)
            entries += [_entry(AuditAction.CREATE, value, None, snapshot(value)) for value in self.created]
        changing = DataValue.objects.in_bulk([*self.updated, *self.deleted])
        if self.updated:
            updated = []
            for pk, total in self.updated.items():
                value = changing[pk]
                before = snapshot(value)
                value.value, value.source, value.entered_by = total, ValueSource.REGISTRY, self.entered_by
                value.updated_at = self.now
                if value.status == ValueStatus.RETURNED:
                    value.status = ValueStatus.DRAFT
                updated.append(value)
                entries.append(_entry(AuditAction.UPDATE, value, before, snapshot(value)))
            DataValue.objects.bulk_update(
                updated, ["value", "source", "status", "entered_by", "updated_at"], batch_size=BATCH,
            )
        if self.deleted:
            entries += [_entry(AuditAction.DELETE, changing[pk], snapshot(changing[pk]), None) for pk in self.deleted]
            _delete_rows(self.deleted)
        AuditEntry.objects.bulk_create(entries, batch_size=BATCH)


def _entry(action: str, value: DataValue, before: dict | None, after: dict | None) -> AuditEntry:
    actor = current_actor()
    return AuditEntry(
        actor=actor if actor is not None and actor.pk else None,
        actor_name=str(actor) if actor is not None else "系统",
        action=action, model=DataValue._meta.label, object_id=str(value.pk), object_repr=str(value)[:255],
        before=before, after=after, reason=current_reason(),
    )


def _delete_rows(ids: list[int]) -> None:
    # QuerySet.delete() on an audited model loads and signals row by row (an audit entry and a token
    # bump each); the entries are written above and the token was bumped once, so delete in SQL.
    table = connection.ops.quote_name(DataValue._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(ids), BATCH):
            chunk = ids[start:start + BATCH]
            cursor.execute(f"DELETE FROM {table} WHERE id IN ({', '.join(['%s'] * len(chunk))})", chunk)
