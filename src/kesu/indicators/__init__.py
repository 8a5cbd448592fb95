"""科普统计: data elements, indicators, data entry, approval, aggregation and target progress."""
