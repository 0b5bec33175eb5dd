"""REST API of recruitment: /api/v1/recruitment/, people in the pipeline with their timeline (read only)."""
