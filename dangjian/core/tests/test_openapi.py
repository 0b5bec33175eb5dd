"""The OpenAPI description (/api/schema/) and its docs page (/api/docs/)."""
import base64
import hashlib
import re

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command


@pytest.fixture
def schema(client, db):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_schema_generates_and_validates_without_warnings(tmp_path, db):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    paths = yaml.safe_load(target.read_text())["paths"]
    assert {"/api/v1/auth/token/", "/api/v1/organizations/", "/api/v1/organizations/{id}/",
            "/api/v1/members/", "/api/v1/members/{id}/"} <= set(paths)


def test_schema_lists_only_what_the_api_does(schema):
    operations = {(path, method) for path, item in schema["paths"].items() for method in item}
    assert ("/api/v1/auth/token/", "post") in operations
    for resource in ("organizations", "members"):
        assert {(f"/api/v1/{resource}/", "get"), (f"/api/v1/{resource}/", "post"),
                (f"/api/v1/{resource}/{{id}}/", "get"), (f"/api/v1/{resource}/{{id}}/", "patch")} <= operations
    assert not {m for _, m in operations} & {"put", "delete"}
    assert {"tokenAuth", "cookieAuth"} <= set(schema["components"]["securitySchemes"])


def test_schema_never_offers_plaintext_personal_data_in_responses(schema):
    components = schema["components"]["schemas"]
    shown = set(components["Member"]["properties"])
    assert {"id_number_masked", "phone_masked", "address_masked", "party_standing", "status_display"} <= shown
    assert not shown & {"id_number", "phone", "address", "id_number_hash"}
    accepted = components["MemberCreate"]["properties"]
    assert all(accepted[f].get("writeOnly") for f in ("id_number", "phone", "address"))


def test_docs_page_uses_local_assets_under_the_strict_csp(client, db):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets and not [a for a in assets if a.startswith(("http:", "https:", "//"))]
    static = [a for a in assets if a.startswith("/static/")]
    assert any("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in a for a in static)
    for asset in static:
        assert finders.find(asset.removeprefix("/static/")), asset
    # The start-up script is a separate file, so scripts stay 'self' only.
    assert "<script>" not in html
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    # The one inline style block is allowed by its hash, nothing else inline.
    for block in re.findall(r"<style>(.*?)</style>", html, flags=re.S):
        digest = base64.b64encode(hashlib.sha256(block.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in directives["style-src"].split()
    assert "unsafe-inline" not in policy
    script = next(a for a in assets if "script=" in a)
    init = client.get(script.replace("&amp;", "&"))
    assert init.status_code == 200 and "javascript" in init["Content-Type"]
    assert "/api/schema/" in init.content.decode()
