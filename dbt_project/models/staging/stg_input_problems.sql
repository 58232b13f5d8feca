-- Problems reported by the Python stages, one row per input that could not be (fully) used.
{% set stages = ['decode', 'parse', 'annotations'] %}
{% for stage in stages %}
    select
        stage,
        source_file,
        article_id,
        line,
        severity,
        reason,
        detected_at
    from {{ source('ledger_raw', stage ~ '_problems') }}
    {% if not loop.last %}union all{% endif %}
{% endfor %}
