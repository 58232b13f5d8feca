-- Figures of category 'funding', ready for analysts.
{{ category_mart('funding') }}
