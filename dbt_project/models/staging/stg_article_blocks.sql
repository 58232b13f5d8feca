-- Structural blocks of each article: headline, city, subheadline, byline, paragraph,
-- caption, meta, table.
select
    article_id,
    block_index,
    kind as block_kind,
    text as block_text,
    char_start,
    char_end,
    source_line,
    section_index,
    city_code as section_city_code,
    section_city_line
from {{ source('ledger_raw', 'article_blocks') }}
