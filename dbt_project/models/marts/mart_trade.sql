-- Figures of category 'trade', ready for analysts.
{{ category_mart('trade') }}
