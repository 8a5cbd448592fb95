"""Evidence that lives in apps above progress (e.g. activities in kesu.resources) and is attached to a
progress report there. Progress cannot import those apps, so each registers a source in its
AppConfig.ready(): a callable (report) -> [(label, url)], shown on the report's pages."""

from __future__ import annotations

from collections.abc import Callable

Source = Callable[[object], list[tuple[str, str]]]

_SOURCES: dict[str, Source] = {}


def register(name: str, source: Source) -> None:
    _SOURCES[name] = source


def for_report(report) -> list[tuple[str, str]]:
    return [item for source in _SOURCES.values() for item in source(report)]
