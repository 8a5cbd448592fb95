"""Expected survey figures worked out here rather than by kesu.survey, and the pages' rule for showing
percentages, so the page tests compare with something the code under test did not produce.

A design-based proportion is the weighted share of literate respondents, Σwy / Σw over the domain's
rows, whatever the strata and PSUs (those change only the variance); the CI bounds have no such
closed form and are checked against R in tests/survey."""

from __future__ import annotations

from decimal import Decimal

import numpy as np

# Pages and exports show percentages with two decimals: a shown value may be off the exact one by at
# most half a unit of the last place.
SHOWN_PERCENT = 0.005


def weighted_share(columns: dict[str, np.ndarray], **where: str) -> float:
    """Σ weight·literate / Σ weight over the rows whose columns equal ``where`` (e.g. sex="女")."""
    rows = np.ones(len(columns["weight"]), dtype=bool)
    for name, value in where.items():
        rows &= columns[name] == value
    weight = columns["weight"][rows].astype(float)
    return float((weight * columns["literate"][rows].astype(float)).sum() / weight.sum())


def at_most_two_decimals(value: float) -> bool:
    return Decimal(repr(value)).as_tuple().exponent >= -2
