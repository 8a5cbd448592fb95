"""Data elements whose values come from a registry kept by an app above this one (科普教育基地、专家、
志愿者、活动登记册 in kesu.resources) instead of being typed in.

kesu.indicators must not import those apps, so each registers a `Feed` here from its
AppConfig.ready(): which element it fills, what its registry is called, how to count the records
of a year by the region they are located in, and where the list behind a number can be seen.
`kesu.indicators.feed_sync.sync_feeds` turns those counts into stored values; manual entry of a fed
element is refused (services.write_values), and the pages show the source instead of an input.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

# year -> {(region_id, option_code or None): value of the records located at exactly that region}
Compute = Callable[[int], dict[tuple[int, str | None], float]]
# (region_code, year, option_code or None) -> URL of the registry's list of the records behind a value
ProvenanceUrl = Callable[[str, int, str | None], str]


@dataclass(frozen=True)
class Feed:
    element_code: str
    source: str  # the registry's Chinese name, shown as “来源：…”
    compute: Compute
    provenance_url: ProvenanceUrl | None = None

    def url_for(self, region_code: str, year: int, option_code: str | None) -> str | None:
        return self.provenance_url(region_code, year, option_code) if self.provenance_url else None


_FEEDS: dict[str, Feed] = {}


def register_feed(feed: Feed) -> None:
    """Make `feed` the source of its element, replacing an earlier registration (ready() may run
    more than once, e.g. in tests)."""
    _FEEDS[feed.element_code] = feed


def unregister_feed(element_code: str) -> None:
    _FEEDS.pop(element_code, None)


def feed_for(element_code: str) -> Feed | None:
    return _FEEDS.get(element_code)


def registered_feeds() -> tuple[Feed, ...]:
    return tuple(_FEEDS[code] for code in sorted(_FEEDS))


@contextmanager
def feeding(*feeds: Feed, alone: bool = False) -> Iterator[None]:
    """Register `feeds` for the duration of the block (with `alone`, as the only ones) and restore
    the registrations of before afterwards: for tests that stand in for a registry."""
    before = dict(_FEEDS)
    if alone:
        _FEEDS.clear()
    for feed in feeds:
        register_feed(feed)
    try:
        yield
    finally:
        _FEEDS.clear()
        _FEEDS.update(before)
