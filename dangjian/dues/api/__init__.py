"""REST API of membership dues: payment records (/api/v1/dues/) and the calculator
(/api/v1/dues/calculate/)."""
