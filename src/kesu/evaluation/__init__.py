"""Annual evaluation report (年度评估报告) and the region dashboard."""
