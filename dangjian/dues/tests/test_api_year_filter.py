"""A year filter outside what a date can hold answers 400, not a server error (found by the API fuzzing)."""
import pytest


@pytest.mark.parametrize("year", ["0", "10000", "-5"])
def test_payments_refuse_an_impossible_year(client_for, year):
    client = client_for("organizer")
    assert client.get("/api/v1/dues/", {"year": year}).status_code == 400
    assert client.get("/api/v1/dues/", {"year": "2026"}).status_code == 200
