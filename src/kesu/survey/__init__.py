"""Design-based estimation from survey microdata (pure numpy/scipy), numerically equal to R's survey package.

>>> design = SurveyDesign.from_columns(data, weight="w", strata="stratum", psu="psu")
>>> rows = estimate(design, "prop", "literate", by=["region"], ci="logit")
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kesu.survey.design import SurveyDesign
    from kesu.survey.errors import SurveyError
    from kesu.survey.estimators import EstimateRow, estimate, regression_coefficients

__all__ = ["EstimateRow", "SurveyDesign", "SurveyError", "estimate", "regression_coefficients"]

# Loaded on first use: `kesu --help` imports kesu.survey.errors, and scipy.stats alone costs
# about half a second of start-up.
_HOMES = {
    "SurveyDesign": "kesu.survey.design",
    "SurveyError": "kesu.survey.errors",
    "EstimateRow": "kesu.survey.estimators",
    "estimate": "kesu.survey.estimators",
    "regression_coefficients": "kesu.survey.estimators",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'kesu.survey' has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
