"""Analytics (统计分析): 重访率 by unit, area and category."""
