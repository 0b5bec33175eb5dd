"""REST API for the member roster (/api/v1/members/)."""
