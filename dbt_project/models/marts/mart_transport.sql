-- Figures of category 'transport', ready for analysts.
{{ category_mart('transport', batch_filter=in_batch('figures.article_id')) }}
