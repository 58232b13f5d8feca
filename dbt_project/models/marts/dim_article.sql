-- One row per article: headline, source, publication date, where its dateline was filed,
-- what it is about, and how many figures the ledger holds from it.
{{ config(materialized='table') }}
with counts as (
    select
        article_id,
        count(*) as figure_count
    from {{ ref('fct_figures') }}
    group by article_id
)

select
    articles.article_id,
    articles.source_file,
    articles.headline,
    articles.source_name as source,
    articles.url,
    articles.published_on,
    articles.published_on_from,
    articles.dateline,
    articles.dateline_place_code,
    dateline_places.city_code as dateline_city_code,
    articles.article_place_code,
    coalesce(counts.figure_count, 0) as figure_count
from {{ ref('stg_articles') }} as articles
left join counts on articles.article_id = counts.article_id
left join {{ ref('stg_places') }} as dateline_places
    on articles.dateline_place_code = dateline_places.place_code
