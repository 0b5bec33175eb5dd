"""REST API of co-building: /api/v1/partner-units/ (read only, scoped like the pages)."""
