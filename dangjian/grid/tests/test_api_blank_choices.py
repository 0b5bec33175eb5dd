"""The OpenAPI schema of requests allows the blank values the API really answers (found by the
API fuzzing): ``satisfaction`` before the resident rates, and ``from_status`` of the filing step."""
from drf_spectacular.generators import SchemaGenerator


def _allows_blank(prop: dict, schemas: dict) -> bool:
    refs = [item.get("$ref", "") for item in prop.get("oneOf", [])]
    return any(schemas[ref.rsplit("/", 1)[-1]].get("enum") == [""] for ref in refs)


def test_blank_choices_are_in_the_schema(db, client_for):
    schemas = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]
    for name in ("Request", "RequestDetail"):
        assert _allows_blank(schemas[name]["properties"]["satisfaction"], schemas), name
    assert _allows_blank(schemas["Transition"]["properties"]["from_status"], schemas)
    # and the API does answer them: an unrated request, and its filing step
    data = client_for("organizer").get("/api/v1/requests/", {"status": "reported"}).json()["results"]
    assert data and data[0]["satisfaction"] == ""
    detail = client_for("organizer").get(f"/api/v1/requests/{data[0]['id']}/").json()
    assert any(step["from_status"] == "" for step in detail["transitions"])
