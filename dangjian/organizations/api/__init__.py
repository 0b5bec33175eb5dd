"""REST API for the organization tree (/api/v1/organizations/)."""
