"""Version tokens of the data pages are computed from, and a per-process cache of what was computed.

See :mod:`kesu.caching.versions` for why the tokens live in the database and
:mod:`kesu.caching.fragments` for the cache of rendered page parts.
"""
