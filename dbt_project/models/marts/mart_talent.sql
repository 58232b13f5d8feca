-- Figures of category 'talent', ready for analysts.
{{ category_mart('talent') }}
