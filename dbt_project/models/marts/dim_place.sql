-- Every place of the gazetteer (the region, the twelve, their county-level places), with
-- its parent and how many figures the ledger holds on it.
{{ config(materialized='table') }}
with counts as (
    select
        place_code,
        count(*) as figure_count
    from {{ ref('fct_figures') }}
    where place_code is not null
    group by place_code
)

select
    places.place_code,
    places.place_name,
    places.place_level,
    places.place_kind,
    places.parent_code,
    parents.place_name as parent_name,
    places.within_code,
    places.city_code,
    places.aliases,
    coalesce(counts.figure_count, 0) as figure_count
from {{ ref('stg_places') }} as places
left join {{ ref('stg_places') }} as parents on places.parent_code = parents.place_code
left join counts on places.place_code = counts.place_code
