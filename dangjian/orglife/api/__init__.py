"""REST API of organizational life: meetings (/api/v1/meetings/), study hours (/api/v1/study-records/)
and compliance with the required meetings (/api/v1/compliance/)."""
