-- One row per readable article, joined with its parse summary.
with articles as (
    select * from {{ source('ledger_raw', 'articles') }}
),

parsed as (
    select * from {{ source('ledger_raw', 'parsed_articles') }}
)

select
    articles.article_id,
    articles.source_file,
    articles.encoding,
    articles.byte_size,
    articles.sha256,
    articles.loaded_at,
    articles.meta_source as source_name,
    articles.meta_url as url,
    parsed.published_on,
    parsed.published_on_from,
    parsed.dateline,
    parsed.dateline_place_code,
    parsed.article_place_code,
    parsed.headline,
    parsed.repaired_text,
    parsed.section_count,
    parsed.block_count,
    parsed.page_break_repairs,
    parsed.warnings as parse_warnings
from articles
inner join parsed on articles.article_id = parsed.article_id
