-- Figures of category 'transport', ready for analysts.
{{ category_mart('transport') }}
