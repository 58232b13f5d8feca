"""The contract's code sets, defined once for the text layer (annotations, categories,
metrics): what a figure's category, unit, bound, modality and measure may be. The dbt
schema files and the GX suites name the same sets (their accepted-values tests)."""

CATEGORIES = ("funding", "trade", "transport", "talent", "other")
UNITS = (
    "CNY",
    "USD",
    "pct",
    "pp",
    "km",
    "km_per_hour",
    "hour",
    "day",
    "tonne",
    "kW",
    "kWh",
    "TEU",
    "mu",
    "count",
)
BOUNDS = ("exact", "at_least", "at_most", "approx")
MODALITIES = ("actual", "forecast", "target")
MEASURES = ("level", "change_pct", "change_abs", "share", "rank", "count_of_items")
