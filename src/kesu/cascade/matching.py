"""The bridge to the pure alignment core (kesu.plans.alignment, kesu.plans.national): stored tasks as
AlignItems, and the national headings' titles. Imported inside the functions so that the app loads
(and migrates) even on a checkout where the core's data file is being changed."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from kesu.planning.models import Task

TOP = 3


def task_items(tasks: Iterable[Task]):
    from kesu.plans.alignment import AlignItem

    return [AlignItem(id=str(task.pk), title=task.title, text=task.text, path=tuple(task.path or ()))
            for task in tasks]


def align(children, parents, top: int = TOP):
    from kesu.plans.alignment import align as core_align

    return core_align(children, parents, top=top)


def national_items():
    from kesu.plans.alignment import national_parents

    return national_parents()


@lru_cache(maxsize=1)
def _outline():
    from kesu.plans.national import load_outline

    return load_outline()


def national_version() -> str:
    return str(_outline().version)


def national_headings() -> dict[str, str]:
    """Heading code → title, in the outline's order (A1…A5, P1…P5, then local additions)."""
    return {heading.code: heading.title for heading in _outline().headings}
