"""科普统计: data elements, indicators, data entry, review (accept / return), aggregation and target progress."""
