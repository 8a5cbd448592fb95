"""Design-based estimation from survey microdata (pure numpy/scipy), numerically equal to R's survey package.

>>> design = SurveyDesign.from_columns(data, weight="w", strata="stratum", psu="psu")
>>> rows = estimate(design, "prop", "literate", by=["region"], ci="logit")
"""

from kesu.survey.design import SurveyDesign
from kesu.survey.errors import SurveyError
from kesu.survey.estimators import EstimateRow, estimate, regression_coefficients

__all__ = ["EstimateRow", "SurveyDesign", "SurveyError", "estimate", "regression_coefficients"]
