-- Figures of category 'talent', ready for analysts.
{{ category_mart('talent', batch_filter=in_batch('figures.article_id')) }}
