-- Figures of category 'trade', ready for analysts.
{{ category_mart('trade', batch_filter=in_batch('figures.article_id')) }}
