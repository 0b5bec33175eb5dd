"""Open311 GeoReport v2 at /open311/v2/: discovery, services, definitions, filing with an API key,
tokens, the request search and single requests, in JSON (validated against the shared schemas)
and XML; the error format; no resident's personal data in public answers; the client admin pages;
and the PyPI ``georeport`` client reading from a local server."""
from __future__ import annotations

import datetime
import json
import pathlib
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings

from dangjian.core.models import AuditEntry
from dangjian.grid import workflow
from dangjian.grid.choices import FINISHED, ActorRole, Channel, RequestStatus
from dangjian.grid.models import Building, Open311Client, RequestCategory, ServiceRequest
from dangjian.grid.open311 import views
from dangjian.grid.open311.keys import client_for_key, key_hash, open311_client_create, open311_client_revoke

SCHEMAS = pathlib.Path(settings.BASE_DIR).parent / "shared" / "open311-schemas"
BASE = "/open311/v2/"
WINDOW = {"start_date": "2026-10-15T00:00:00+08:00", "end_date": "2026-12-01T00:00:00+08:00"}


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def validate():
    """Validate a JSON answer against one of the shared Open311 schemas (``$ref`` resolved locally)."""
    if not SCHEMAS.is_dir():
        pytest.skip(f"The shared Open311 schemas are not at {SCHEMAS} (they live beside the project).")
    import jsonschema
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT7

    documents = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in SCHEMAS.glob("*.json")}
    registry = Registry().with_resources(
        (name, Resource.from_contents(doc, default_specification=DRAFT7)) for name, doc in documents.items())

    def check(data, schema_name):
        validator = jsonschema.Draft7Validator(documents[schema_name], registry=registry,
                                               format_checker=jsonschema.FormatChecker())
        errors = sorted(validator.iter_errors(data), key=lambda e: list(e.path))
        assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]
    return check


@pytest.fixture
def street(org):
    return org["street"]


@pytest.fixture
def api_key(personas, street):
    _client, key = open311_client_create(actor=personas["organizer"], name="江滨随手拍", organization=street,
                                         contact="信息科 0711-1234567")
    return key


@pytest.fixture
def building(db):
    return Building.objects.select_related("grid__organization").get(name__endswith="11号楼", grid__code="JB0101")


def post(client, data, fmt="json"):
    return client.post(f"{BASE}requests.{fmt}", data)


def body(response):
    return json.loads(response.content)


def assert_error(response, status):
    assert response.status_code == status, response.content
    errors = body(response)
    assert isinstance(errors, list) and errors
    assert all(isinstance(e["code"], int) and e["description"] for e in errors)
    return errors


# ----- discovery, services, definitions ------------------------------------------------------------

def test_discovery_json_and_xml(db, client):
    response = client.get(f"{BASE}discovery.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    data = body(response)
    assert {"changeset", "contact", "key_service", "endpoints"} <= set(data)
    endpoint = data["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2/")
    assert endpoint["type"] in ("production", "test")
    assert set(endpoint["formats"]) == {"application/json", "text/xml"}
    assert datetime.datetime.fromisoformat(data["changeset"]).utcoffset() == datetime.timedelta(hours=8)

    root = ET.fromstring(client.get(f"{BASE}discovery.xml").content)
    assert root.tag == "discovery"
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == ["application/json", "text/xml"]


def test_services_validate_and_match_categories(db, client, validate):
    response = client.get(f"{BASE}services.json")
    data = body(response)
    validate(data, "services.json")
    active = RequestCategory.objects.filter(active=True)
    assert {s["service_code"] for s in data} == set(active.values_list("code", flat=True))
    safety = next(s for s in data if s["service_code"] == "safety")
    assert safety["metadata"] is True and safety["type"] == "realtime" and safety["service_name"] == "安全隐患"
    assert next(s for s in data if s["service_code"] == "noise")["metadata"] is False

    root = ET.fromstring(client.get(f"{BASE}services.xml").content)
    assert root.tag == "services"
    assert {s.findtext("service_code") for s in root.findall("service")} == {s["service_code"] for s in data}
    assert root.find("service[service_code='safety']/metadata").text == "true"


def test_service_definition(db, client, validate):
    data = body(client.get(f"{BASE}services/safety.json"))
    validate(data, "service-definition.json")
    attribute = data["attributes"][0]
    assert attribute["code"] == "hazard_kind" and attribute["datatype"] == "singlevaluelist" and attribute["required"]
    assert {"fire_passage", "wiring", "falling", "other"} == {v["key"] for v in attribute["values"]}
    validate(body(client.get(f"{BASE}services/noise.json")), "service-definition.json")

    root = ET.fromstring(client.get(f"{BASE}services/safety.xml").content)
    assert root.tag == "service_definition"
    assert root.findtext("attributes/attribute/code") == "hazard_kind"
    assert len(root.findall("attributes/attribute/values/value")) == 4

    assert_error(client.get(f"{BASE}services/nothing.json"), 404)
    errors = ET.fromstring(client.get(f"{BASE}services/nothing.xml").content)
    assert errors.tag == "errors" and errors.findtext("error/code") == "404"


def test_formats_methods_and_jurisdiction(db, client):
    assert_error(client.get(f"{BASE}services.csv"), 404)
    assert_error(client.post(f"{BASE}services.json"), 405)
    jurisdiction = settings.OPEN311_JURISDICTION_ID
    assert client.get(f"{BASE}services.json", {"jurisdiction_id": jurisdiction}).status_code == 200
    assert_error(client.get(f"{BASE}services.json", {"jurisdiction_id": "elsewhere.gov"}), 404)
    assert_error(client.get(f"{BASE}requests.json", {"jurisdiction_id": "elsewhere.gov"}), 404)


# ----- filing --------------------------------------------------------------------------------------

def test_filing_with_a_key_enters_the_lifecycle(client, api_key, building, validate):
    response = post(client, {
        "api_key": api_key, "jurisdiction_id": settings.OPEN311_JURISDICTION_ID, "service_code": "environment",
        "address_id": building.pk, "description": "楼道里堆了很多纸箱", "first_name": "女士", "last_name": "陈",
        "phone": "13912345678", "email": "chen@example.com", "account_id": "u-42", "device_id": "d-1",
        "media_url": "https://img.example.com/1.jpg"})
    assert response.status_code == 200, response.content
    answer = body(response)
    assert len(answer) == 1 and answer[0]["account_id"] == "u-42" and answer[0]["service_notice"]
    request = ServiceRequest.objects.get(pk=int(answer[0]["service_request_id"]))
    assert request.channel == Channel.OPEN311 and request.client.name == "江滨随手拍"
    assert request.status == RequestStatus.REPORTED and request.building == building
    assert request.organization == building.grid.organization and request.grid == building.grid
    assert request.contact_name == "陈女士" and request.contact_phone == "13912345678"
    assert request.reporter is None and request.filed_by is None
    first = request.transitions.get()
    assert first.action == "file" and first.actor_role == ActorRole.CLIENT and first.actor_name == "江滨随手拍"
    assert AuditEntry.objects.filter(action="request.filed", object_id=str(request.pk)).exists()

    # It continues like any other request: the community dispatcher accepts it.
    workflow.request_transition(request=request, action="accept", actor=_user("community"))
    read = client.get(f"{BASE}requests/{request.pk}.json")
    data = body(read)
    validate(data, "requests.json")
    assert data[0]["status"] == "open" and data[0]["address_id"] == str(building.pk)
    assert data[0]["media_url"] == "https://img.example.com/1.jpg"
    assert data[0]["lat"] == float(building.lat)
    text = read.content.decode()
    for secret in ("13912345678", "陈女士", "chen@example.com", "5678", "u-42"):
        assert secret not in text

    xml_answer = post(client, {"api_key": api_key, "service_code": "noise", "address_id": building.pk,
                               "description": "楼下烧烤店太吵"}, fmt="xml")
    root = ET.fromstring(xml_answer.content)
    assert root.tag == "service_requests" and root.find("request/service_request_id").text.isdigit()


def _user(username):
    from dangjian.accounts.models import User

    return User.objects.get(username=username)


def test_filing_by_coordinates_and_address(client, api_key, building, street, personas):
    # A client of the community: the demo's communities reuse the same coordinates.
    _client, community_key = open311_client_create(actor=personas["organizer"], name="滨河小程序",
                                                   organization=building.grid.organization)
    near = post(client, {"api_key": community_key, "service_code": "parking",
                         "lat": str(building.lat + Decimal("0.0001")), "long": str(building.long - Decimal("0.0002")),
                         "description": "消防通道停车"})
    placed = ServiceRequest.objects.get(pk=body(near)[0]["service_request_id"])
    assert placed.building == building
    assert placed.lat is None or placed.lat == building.lat  # the resident's own coordinates are not kept

    far = post(client, {"api_key": api_key, "service_code": "parking", "lat": "31.9", "long": "118.8",
                        "description": "消防通道停车"})
    landed = ServiceRequest.objects.get(pk=body(far)[0]["service_request_id"])
    assert landed.building is None and landed.organization == street

    named = post(client, {"api_key": api_key, "service_code": "environment",
                          "address_string": f"{building.name}2单元301室门口", "description": "垃圾没人收"})
    by_name = ServiceRequest.objects.get(pk=body(named)[0]["service_request_id"])
    assert by_name.building == building
    public = client.get(f"{BASE}requests/{by_name.pk}.json").content.decode()
    assert "2单元301室" not in public and building.name in public

    unknown = post(client, {"api_key": api_key, "service_code": "environment", "address_string": "火星路1号",
                            "description": "垃圾没人收"})
    somewhere = ServiceRequest.objects.get(pk=body(unknown)[0]["service_request_id"])
    assert somewhere.building is None and somewhere.organization == street
    public = body(client.get(f"{BASE}requests/{somewhere.pk}.json"))[0]
    assert public["address"] == street.display_name and "火星路" not in json.dumps(public, ensure_ascii=False)


def test_filing_needs_a_valid_key(client, api_key, personas, building):
    data = {"service_code": "noise", "address_id": building.pk, "description": "太吵"}
    assert_error(post(client, data), 403)
    assert_error(post(client, {**data, "api_key": "not-a-key"}), 403)
    registered = client_for_key(api_key)
    assert registered is not None and registered.key_hash == key_hash(api_key)
    assert registered.key_prefix == api_key[:8] and api_key not in (registered.key_hash, registered.key_prefix)
    open311_client_revoke(actor=personas["organizer"], client=registered)
    assert_error(post(client, {**data, "api_key": api_key}), 403)
    assert client_for_key(api_key) is None


@pytest.mark.parametrize("change, message", [
    ({"service_code": ""}, "service_code"),
    ({"service_code": "no-such"}, "service_code"),
    ({"address_id": ""}, "位置"),
    ({"address_id": "999999"}, "address_id"),
    ({"address_id": "", "lat": "30.5"}, "lat"),
    ({"address_id": "", "lat": "abc", "long": "114.3"}, "lat"),
    ({"description": "好" * 4001}, "description"),
    ({"description": "<script>alert(1)</script>"}, "description"),
    ({"phone": "123"}, "phone"),
    ({"email": "not-an-email"}, "email"),
    ({"media_url": "javascript:alert(1)"}, "media_url"),
    ({"attribute[color]": "red"}, "color"),
])
def test_filing_refuses_bad_input(client, api_key, building, change, message):
    data = {"api_key": api_key, "service_code": "noise", "address_id": str(building.pk), "description": "太吵"}
    data.update(change)
    before = ServiceRequest.objects.count()
    errors = assert_error(post(client, {k: v for k, v in data.items() if v != ""}), 400)
    assert message in " ".join(e["description"] for e in errors)
    assert ServiceRequest.objects.count() == before


def test_required_attributes(client, api_key, building):
    data = {"api_key": api_key, "service_code": "safety", "address_id": building.pk, "description": "电线冒火花"}
    assert "hazard_kind" in assert_error(post(client, data), 400)[0]["description"]
    assert_error(post(client, {**data, "attribute[hazard_kind]": "volcano"}), 400)
    assert_error(post(client, {**data, "attribute[hazard_kind][]": ["wiring", "falling"]}), 400)
    response = post(client, {**data, "attribute[hazard_kind]": "wiring"})
    assert response.status_code == 200
    request = ServiceRequest.objects.get(pk=body(response)[0]["service_request_id"])
    assert request.attributes == {"hazard_kind": "wiring"}


def test_tokens(client, api_key, building):
    response = post(client, {"api_key": api_key, "service_code": "noise", "address_id": building.pk,
                             "description": "太吵"})
    request = ServiceRequest.objects.get(pk=body(response)[0]["service_request_id"])
    data = body(client.get(f"{BASE}tokens/{request.token}.json"))
    assert data == [{"service_request_id": str(request.pk), "token": str(request.token)}]
    root = ET.fromstring(client.get(f"{BASE}tokens/{request.token}.xml").content)
    assert root.tag == "service_requests" and root.findtext("request/token") == str(request.token)
    assert_error(client.get(f"{BASE}tokens/00000000-0000-0000-0000-000000000000.json"), 404)
    assert_error(client.get(f"{BASE}tokens/nonsense.json"), 404)


# ----- the search and single requests ----------------------------------------------------------------

def test_search_defaults_filters_and_validates(db, client, validate, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = client.get(f"{BASE}requests.json", WINDOW)
    data = body(response)
    validate(data, "requests.json")
    demo = ServiceRequest.objects.filter(reported_at__date__gte=datetime.date(2026, 10, 15))
    assert {r["service_request_id"] for r in data} == {str(pk) for pk in demo.values_list("pk", flat=True)}
    assert all(datetime.datetime.fromisoformat(r["requested_datetime"]).utcoffset() == datetime.timedelta(hours=8)
               for r in data)

    closed = body(client.get(f"{BASE}requests.json", {**WINDOW, "status": "closed"}))
    assert closed and {r["status"] for r in closed} == {"closed"}
    assert len(closed) == demo.filter(status__in=FINISHED).count()
    opened = body(client.get(f"{BASE}requests.json", {**WINDOW, "status": "open"}))
    assert len(opened) + len(closed) == len(data)
    both = body(client.get(f"{BASE}requests.json", {**WINDOW, "status": "open,closed"}))
    assert len(both) == len(data)

    code = data[0]["service_code"]
    assert {r["service_code"] for r in body(client.get(f"{BASE}requests.json", {**WINDOW, "service_code": code}))} \
        == {code}

    ids = [data[0]["service_request_id"], data[-1]["service_request_id"]]
    picked = body(client.get(f"{BASE}requests.json", {"service_request_id": ",".join(ids), "status": "open",
                                                       "start_date": "2000-01-01"}))
    assert sorted(r["service_request_id"] for r in picked) == sorted(ids)

    assert_error(client.get(f"{BASE}requests.json", {"start_date": "2026-01-01", "end_date": "2026-12-01"}), 400)
    assert_error(client.get(f"{BASE}requests.json", {"start_date": "yesterday"}), 400)
    assert_error(client.get(f"{BASE}requests.json", {"status": "pending"}), 400)
    assert_error(client.get(f"{BASE}requests.json", {"service_request_id": "1,abc"}), 400)
    assert body(client.get(f"{BASE}requests.json", {"start_date": "2000-01-01", "end_date": "2000-02-01"})) == []

    root = ET.fromstring(client.get(f"{BASE}requests.xml", WINDOW).content)
    assert root.tag == "service_requests" and len(root.findall("request")) == len(data)
    assert {r.findtext("status") for r in root.findall("request")} <= {"open", "closed"}


def test_search_caps_rows(db, client, monkeypatch):
    monkeypatch.setattr(views, "MAX_ROWS", 3)
    assert len(body(client.get(f"{BASE}requests.json", WINDOW))) == 3


def test_no_personal_data_in_public_answers(db, client):
    requests = ServiceRequest.objects.exclude(contact_name="").select_related("household")
    assert requests.exists()
    json_text = client.get(f"{BASE}requests.json", WINDOW).content.decode()
    xml_text = client.get(f"{BASE}requests.xml", WINDOW).content.decode()
    for request in requests:
        for secret in (request.contact_name, request.contact_phone, request.phone_masked):
            if secret:
                assert secret not in json_text and secret not in xml_text
        if request.household_id:
            assert request.household.room not in json_text
    resident = _user("resident")
    assert resident.get_full_name() not in json_text
    # Staff notes stay inside: the demo's send-back and park reasons are never published.
    for note in ("不属于本团队职责", "老旧小区改造计划", "已现场处理"):
        assert note not in json_text and note not in xml_text


def test_public_request_fields(db, client, validate):
    dispatched = ServiceRequest.objects.filter(status=RequestStatus.DISPATCHED, level="community").first()
    data = body(client.get(f"{BASE}requests/{dispatched.pk}.json"))
    validate(data, "requests.json")
    row = data[0]
    assert row["status"] == "open" and row["agency_responsible"] == dispatched.team.name
    assert dispatched.team.name in row["status_notes"]
    assert datetime.datetime.fromisoformat(row["expected_datetime"]) == dispatched.resolution_due_at
    assert row["address_id"] == str(dispatched.building_id) and row["zipcode"] == ""
    assert row["media_url"] is None

    rated = ServiceRequest.objects.filter(status=RequestStatus.RATED).first()
    row = body(client.get(f"{BASE}requests/{rated.pk}.json"))[0]
    assert row["status"] == "closed"
    assert datetime.datetime.fromisoformat(row["updated_datetime"]) == rated.closed_at

    assert_error(client.get(f"{BASE}requests/999999.json"), 404)
    assert_error(client.get(f"{BASE}requests/abc.json"), 404)
    root = ET.fromstring(client.get(f"{BASE}requests/{rated.pk}.xml").content)
    assert root.tag == "service_requests" and root.findtext("request/service_request_id") == str(rated.pk)


def test_merged_request_is_closed_and_names_the_other(client, building):
    community = _user("community")
    category = RequestCategory.objects.get(code="environment")
    first = workflow.request_file(actor=community, channel=Channel.WALK_IN, category=category,
                                  description="东门垃圾满了", building=building)
    second = workflow.request_file(actor=community, channel=Channel.WALK_IN, category=category,
                                   description="东门垃圾又满了", building=building)
    workflow.request_transition(request=second, action="merge", actor=community, into=first)
    row = body(client.get(f"{BASE}requests/{second.pk}.json"))[0]
    assert row["status"] == "closed" and str(first.pk) in row["status_notes"]
    assert row["expected_datetime"] is None


@override_settings(OPEN311_RATE={"get": "3/min", "post": "1/min"})
def test_rate_limit(client, api_key, building):
    for _ in range(3):
        assert client.get(f"{BASE}services.json").status_code == 200
    response = client.get(f"{BASE}services.json")
    assert_error(response, 429)
    assert int(response["Retry-After"]) > 0
    data = {"api_key": api_key, "service_code": "noise", "address_id": building.pk, "description": "太吵"}
    assert post(client, data).status_code == 200
    assert_error(post(client, data), 429)


# ----- the client admin pages ------------------------------------------------------------------------

def test_client_pages_register_show_once_and_revoke(client_for, street):
    client = client_for("organizer")
    assert client.get("/grid/open311-clients/").status_code == 200
    form = client.get("/grid/open311-clients/new/")
    assert street in form.context["form"].fields["organization"].queryset
    response = client.post("/grid/open311-clients/new/", {"name": "12345 热线", "organization": street.pk,
                                                           "contact": "热线中心"})
    assert response.status_code == 200
    key = response.context["key"]
    assert key in response.content.decode() and response["Cache-Control"] == "no-store"
    registered = Open311Client.objects.get(name="12345 热线")
    assert registered.key_hash == key_hash(key) and registered.created_by.username == "organizer"
    assert AuditEntry.objects.filter(action="open311_client.created", object_id=str(registered.pk)).exists()

    listing = client.get("/grid/open311-clients/").content.decode()
    assert "12345 热线" in listing and registered.key_prefix in listing and key not in listing

    assert client.get(f"/grid/open311-clients/{registered.pk}/revoke/").status_code == 405
    response = client.post(f"/grid/open311-clients/{registered.pk}/revoke/")
    assert response.status_code == 302
    registered.refresh_from_db()
    assert not registered.active and registered.revoked_at
    assert AuditEntry.objects.filter(action="open311_client.revoked", object_id=str(registered.pk)).exists()
    assert client_for_key(key) is None


def test_only_admins_and_organizers_manage_clients(client_for, personas, street, org):
    for persona in ("community", "branch", "grid", "resident", "team", "auditor"):
        client = client_for(persona)
        assert client.get("/grid/open311-clients/").status_code == 403
        assert client.get("/grid/open311-clients/new/").status_code == 403
    registered, _key = open311_client_create(actor=personas["organizer"], name="A", organization=street)
    assert client_for("community").post(f"/grid/open311-clients/{registered.pk}/revoke/").status_code == 403
    # An organizer elsewhere (the town is outside the sub-district) cannot see or revoke it: 404.
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        open311_client_create(actor=personas["community"], name="B", organization=org["community"])
    assert client_for("admin").get("/grid/open311-clients/").status_code == 200


# ----- a PyPI client against a local server ------------------------------------------------------------

@pytest.fixture
def open311_server(django_db_setup, django_db_blocker):
    """A live server on the session database (committed demo data, read only). Not pytest-django's
    ``live_server``: that one makes the test transactional, which flushes the demo city afterwards."""
    from pytest_django.live_server_helper import LiveServer

    with django_db_blocker.unblock():
        server = LiveServer("localhost")
        try:
            yield server
        finally:
            server.stop()


def test_georeport_client_lists_services_and_reads_requests(open311_server):
    from georeport import GeoReport

    root = f"{open311_server.url}/open311/v2"
    for fmt in ("json", "xml"):
        api = GeoReport(root, jurisdiction=settings.OPEN311_JURISDICTION_ID, output_format=fmt)
        services = api.get_service_list()
        assert {s["service_code"] for s in services} >= {"safety", "noise", "environment"}
        definition = api.get_service_definition("safety")
        attributes = definition["attributes"] if fmt == "json" else definition["attributes"]["attribute"]
        attribute = attributes[0] if isinstance(attributes, list) else attributes
        assert attribute["code"] == "hazard_kind"
        found = api.get_service_requests(start_date=WINDOW["start_date"], end_date=WINDOW["end_date"],
                                         status="closed")
        assert found and {r["status"] for r in found} == {"closed"}
        one = api.get_service_request(found[0]["service_request_id"])
        assert one["service_request_id"] == found[0]["service_request_id"]
        assert one["service_name"] == ServiceRequest.objects.get(pk=one["service_request_id"]).category.name


def test_descriptions_of_sensitive_categories_are_not_published(db, client):
    sensitive = ServiceRequest.objects.filter(category__public_description=False).first()
    ordinary = ServiceRequest.objects.filter(category__public_description=True).first()
    assert sensitive is not None and sensitive.category.code in ("elderly_help", "neighbor_dispute")
    withheld = body(client.get(f"{BASE}requests/{sensitive.pk}.json"))[0]
    assert withheld["description"] != sensitive.description and sensitive.description not in withheld["description"]
    assert withheld["service_code"] == sensitive.category.code  # the kind of request is still public
    assert body(client.get(f"{BASE}requests/{ordinary.pk}.json"))[0]["description"] == ordinary.description


def test_phone_numbers_written_into_a_description_are_masked(db, client):
    request = ServiceRequest.objects.filter(category__public_description=True).first()
    ServiceRequest.objects.filter(pk=request.pk).update(description="路灯坏了，可打13912345678")
    shown = body(client.get(f"{BASE}requests/{request.pk}.json"))[0]["description"]
    assert "13912345678" not in shown and shown == "路灯坏了，可打139********"
