-- The gazetteer: the region, the twelve leagues and cities, their county-level places.
select
    place_code,
    place_name,
    place_level,
    place_kind,
    parent_code,
    within_code,
    city_code,
    aliases
from {{ source('ledger_raw', 'places') }}
