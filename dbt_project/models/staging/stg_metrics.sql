-- The metric vocabulary as loaded by the metric_reference asset.
select
    metric,
    metric_code,
    category as metric_category,
    units,
    description_zh,
    priority
from {{ source('ledger_raw', 'metrics') }}
