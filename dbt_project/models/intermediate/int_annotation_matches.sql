-- Pairs each usable annotation with the extracted figure whose span overlaps it most.
-- Each annotation and each extracted figure is used at most once.
-- Incremental by article (dbt_project.yml): a run for some articles pairs its articles' rows only.
with annotations as (
    select * from {{ ref('stg_annotations') }}
    where status = 'ok' and {{ in_batch() }}
),

figures as (
    select * from {{ ref('stg_extracted_figures') }}
    where {{ in_batch() }}
),

candidates as (
    select
        annotations.article_id,
        annotations.source_file,
        annotations.annotation_line,
        figures.char_start as figure_start,
        least(annotations.char_end, figures.char_end)
        - greatest(annotations.char_start, figures.char_start) as overlap
    from annotations
    inner join figures
        on
            annotations.article_id = figures.article_id
            and annotations.char_end > figures.char_start
            and annotations.char_start < figures.char_end
),

ranked_for_annotation as (
    select
        *,
        row_number() over (
            partition by source_file, annotation_line order by overlap desc, figure_start asc
        ) as rank_for_annotation
    from candidates
),

best_for_annotation as (
    select
        *,
        row_number() over (
            partition by article_id, figure_start order by overlap desc, annotation_line asc
        ) as rank_for_figure
    from ranked_for_annotation
    where rank_for_annotation = 1
)

select
    article_id,
    source_file,
    annotation_line,
    figure_start,
    overlap
from best_for_annotation
where rank_for_figure = 1
