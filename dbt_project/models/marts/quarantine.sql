-- One row per input that could not be used, or was used with a caveat (severity warning).
select
    md5(stage || '|' || source_file || '|' || coalesce(cast(line as varchar), '') || '|' || reason)
        as quarantine_id,
    source_file,
    article_id,
    stage,
    reason,
    detected_at,
    line,
    severity
from {{ ref('stg_input_problems') }}
where {{ in_batch() }}
