-- The twelve leagues and cities of Inner Mongolia, with how much the ledger holds on each.
{{ config(materialized='table') }}
select
    cities.city_code,
    cities.city_name,
    cities.city_kind,
    cities.seat,
    cities.aliases,
    count(figures.city_code) as figure_count
from {{ ref('stg_cities') }} as cities
left join {{ ref('fct_figures') }} as figures on cities.city_code = figures.city_code
group by cities.city_code, cities.city_name, cities.city_kind, cities.seat, cities.aliases
