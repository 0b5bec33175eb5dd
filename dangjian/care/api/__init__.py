"""REST API of hardship and care: /api/v1/hardship-cases/ (read only, scoped like the pages)."""
