select
    city_code,
    city_name,
    kind as city_kind,
    seat,
    aliases
from {{ source('ledger_raw', 'cities') }}
