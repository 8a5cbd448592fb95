"""Loading of the committed R reference datasets (CSV) and values (JSON) for the survey tests."""

from __future__ import annotations

import csv
import json
from functools import cache
from pathlib import Path

import numpy as np

REFERENCE_DIR = Path(__file__).parent / "reference"


@cache
def dataset(name: str) -> dict[str, np.ndarray]:
    """A CSV written by make_reference.R as columns: numeric where every value parses, else strings."""
    with open(REFERENCE_DIR / f"{name}.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    columns = {}
    for j, name_j in enumerate(header):
        raw = [row[j] for row in body]
        try:
            columns[name_j] = np.array([float(v) if v != "" else np.nan for v in raw])
        except ValueError:
            columns[name_j] = np.array(raw, dtype=object)
    return columns


@cache
def reference() -> dict:
    with open(REFERENCE_DIR / "reference.json", encoding="utf-8") as handle:
        return json.load(handle)


def replicate_factors(file_name: str) -> np.ndarray:
    with open(REFERENCE_DIR / file_name, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    return np.array(rows[1:], dtype=float)
