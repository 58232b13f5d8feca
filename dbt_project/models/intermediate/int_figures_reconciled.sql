-- One row per figure mention: annotation and extraction merged where their spans match.
-- The annotation wins for city, category and metric; the parser's reading wins for the
-- value, unit and bound (the person's reading is kept beside it and checked).
-- Incremental by article (dbt_project.yml): a run for some articles merges its articles' rows only;
-- the batch filter sits on each input, where it reaches the tables (a filter on the merged
-- article_id, a coalesce over a full outer join, would not).
with annotations as (
    select * from {{ ref('stg_annotations') }}
    where status = 'ok' and {{ in_batch() }}
),

figures as (
    select * from {{ ref('stg_extracted_figures') }}
    where {{ in_batch() }}
),

matches as (
    select * from {{ ref('int_annotation_matches') }}
    where {{ in_batch() }}
),

paired as (
    select
        coalesce(figures.article_id, annotations.article_id) as article_id,
        figures.article_id is not null as has_extraction,
        annotations.article_id is not null as has_annotation,
        figures.surface as extracted_surface,
        figures.char_start as extracted_start,
        figures.char_end as extracted_end,
        figures.value as extracted_value,
        figures.unit as extracted_unit,
        figures.bound as extracted_bound,
        figures.modality as extracted_modality,
        figures.category as extracted_category,
        figures.metric as extracted_metric,
        figures.measure as extracted_measure,
        figures.base_start,
        figures.base_end,
        figures.city_code as extracted_city_code,
        figures.place_code as extracted_place_code,
        figures.place_evidence as extracted_place_evidence,
        figures.period_text,
        figures.period_start as extracted_period_start,
        figures.period_end as extracted_period_end,
        figures.period_kind as extracted_period_kind,
        figures.sentence as extracted_sentence,
        figures.block_kind,
        annotations.source_file as annotation_file,
        annotations.annotation_line,
        annotations.quote as annotated_quote,
        annotations.char_start as annotated_start,
        annotations.char_end as annotated_end,
        annotations.city_code as annotated_city_code,
        annotations.place_code as annotated_place_code,
        annotations.annotated_period_start,
        annotations.annotated_period_end,
        annotations.annotated_measure,
        annotations.category as annotated_category,
        annotations.metric as annotated_metric,
        annotations.annotated_value,
        annotations.annotated_unit,
        annotations.annotated_bound,
        annotations.annotated_modality,
        annotations.parsed_value as quote_value,
        annotations.parsed_unit as quote_unit,
        annotations.parsed_bound as quote_bound,
        annotations.sentence as annotated_sentence
    from figures
    left join matches
        on
            figures.article_id = matches.article_id
            and figures.char_start = matches.figure_start
    full outer join annotations
        on
            matches.source_file = annotations.source_file
            and matches.annotation_line = annotations.annotation_line
)

select
    *,
    case
        when has_extraction and has_annotation then 'both'
        when has_extraction then 'extracted'
        else 'annotation'
    end as source,
    coalesce(extracted_start, annotated_start) as char_start,
    coalesce(extracted_end, annotated_end) as char_end,
    coalesce(extracted_surface, annotated_quote) as surface,
    coalesce(extracted_value, quote_value, annotated_value) as value,
    coalesce(extracted_unit, quote_unit, annotated_unit) as unit,
    coalesce(extracted_bound, quote_bound, annotated_bound, 'exact') as bound,
    coalesce(extracted_modality, annotated_modality, 'actual') as modality,
    coalesce(annotated_category, extracted_category) as category,
    coalesce(annotated_metric, extracted_metric) as metric,
    coalesce(annotated_measure, extracted_measure, 'level') as measure,
    -- an annotation's place decides the city (a region-wide annotation has none)
    case when has_annotation then annotated_city_code else extracted_city_code end as city_code,
    -- the annotation's place when it names one; when it names only a city, the extractor's
    -- more specific place inside that city (达拉特旗 in ordos), else the city
    case
        when not has_annotation then extracted_place_code
        when annotated_place_code is not null then annotated_place_code
        when annotated_city_code is not null and annotated_city_code = extracted_city_code
            then coalesce(extracted_place_code, annotated_city_code)
        else annotated_city_code
    end as place_code,
    case when has_annotation then 'annotation' else extracted_place_evidence end as place_evidence,
    coalesce(annotated_period_start, extracted_period_start) as period_start,
    coalesce(annotated_period_end, extracted_period_end) as period_end,
    case
        when annotated_period_start is null then coalesce(extracted_period_kind, 'unknown')
        -- an annotated period: its kind from its dates, as the extractor names them
        when annotated_period_start = annotated_period_end then 'point'
        when
            extract('month' from annotated_period_start) = 1
            and extract('day' from annotated_period_start) = 1
            and extract('month' from annotated_period_end) = 12
            and extract('day' from annotated_period_end) = 31
            and extract('year' from annotated_period_start)
            = extract('year' from annotated_period_end)
            then 'year'
        when
            extract('month' from annotated_period_start) = 1
            and extract('day' from annotated_period_start) = 1
            and extract('year' from annotated_period_start)
            = extract('year' from annotated_period_end)
            then 'cumulative'
        else 'range'
    end as period_kind,
    coalesce(extracted_sentence, annotated_sentence) as sentence
from paired
