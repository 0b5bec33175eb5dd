"""REST API of service centres: /api/v1/service-centres/ (read only, with their services)."""
