-- Figures of category 'funding', ready for analysts.
{{ category_mart('funding', batch_filter=in_batch('figures.article_id')) }}
