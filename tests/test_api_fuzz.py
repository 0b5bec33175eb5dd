"""The REST API fuzzed from its own OpenAPI description with Schemathesis: no answer is a server
error, every answer conforms to the schema it documents, and no status code comes back that is
neither documented nor one of the API's ordinary refusals (400, 401, 403, 404, 405, 406, 409, 415,
429).

The schema is generated in-process by drf-spectacular (as /api/schema/ serves it) and the calls go
straight into the WSGI application inside the test's transaction, so whatever a call writes is
rolled back. Calls are made with a token of a persona: ``organizer`` (everything over the city)
and ``branch`` (a branch secretary). An integer ``{id}`` in a path is mostly replaced by an object
the persona can see, so that detail pages and transitions meet real records, not only 404s.

Two modes:

* SHORT (default, part of the suite): GET operations for both personas and the writes for the
  organizer, few examples each, a fixed seed (``derandomize``) — about a minute on 2 cores.
* LONG (``FUZZ_LONG=1``, ``make fuzz``): all methods for both personas, Schemathesis's coverage
  phase (boundary and negative values) and many more random examples.
"""
from __future__ import annotations

import json
import os
import pathlib

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure
from schemathesis.specs.openapi.checks import response_schema_conformance

LONG = os.environ.get("FUZZ_LONG") == "1"
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", 60 if LONG else 3))
WRITE_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", 60 if LONG else 4))
PERSONAS = ["organizer", "branch"]
# Refusals every endpoint may answer without listing them (drf-spectacular documents the success).
ORDINARY_REFUSALS = {400, 401, 403, 404, 405, 406, 409, 415, 429}
# Logging in is fuzzed by the long run only (the short one would only count failed log-ins).
SHORT_SKIPPED = r"^/api/v1/auth/token/$"


def openapi() -> dict:
    """The document /api/schema/ serves, as plain JSON."""
    return json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str))


def build_schema():
    schema = schemathesis.openapi.from_dict(openapi())
    schema.app = get_wsgi_application()
    schema.config.generation.update(max_examples=EXAMPLES, deterministic=not LONG, database="none")
    schema.config.phases.update(phases=["examples", "coverage", "fuzzing"] if LONG else ["examples", "fuzzing"])
    return schema


SCHEMA = build_schema()


def status_code_documented(ctx, response, case):
    """A status code is documented for the operation or is one of the ordinary refusals."""
    if case.method.upper() != case.operation.method.upper():
        return True  # the coverage phase probing other methods: OPTIONS answers DRF's metadata
    documented = {int(code) for code in case.operation.definition.raw.get("responses", {}) if code.isdigit()}
    if response.status_code not in documented | ORDINARY_REFUSALS:
        raise Failure(operation=case.operation.label, title="Undocumented HTTP status code",
                      message=f"{response.status_code} is neither documented ({sorted(documented)}) "
                              f"nor an ordinary refusal: {response.text[:300]}")
    return True


CHECKS = [not_a_server_error, response_schema_conformance, status_code_documented]

# One visible object per list path and persona: {("organizer", "/api/v1/members/"): 12, ...}.
_visible: dict[tuple[str, str], int | None] = {}


@pytest.fixture(autouse=True)
def one_connection():
    """Keep the test's connection open across calls. The WSGI handler closes connections when a
    request ends, as in production; here every call must stay inside the test's transaction
    (Django's own test client does the same)."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(params=PERSONAS)
def persona(request):
    return request.param


@pytest.fixture
def token(db, persona):
    from rest_framework.authtoken.models import Token

    from dangjian.accounts.models import User

    return Token.objects.get_or_create(user=User.objects.get(username=persona))[0].key


def visible_id(client_headers, persona: str, path: str) -> int | None:
    """The first object the persona sees in the list above ``path`` (``/api/v1/members/{id}/…``)."""
    from werkzeug.test import Client  # not Django's test client: it would connect close_old_connections again

    list_path = path.split("{id}")[0]
    key = (persona, list_path)
    if key not in _visible:
        answer = Client(SCHEMA.app).get(list_path, headers=client_headers)
        found = None
        if answer.status_code == 200:
            data = answer.get_json()
            rows = data.get("results", data) if isinstance(data, dict) else data
            if isinstance(rows, list) and rows and isinstance(rows[0], dict):
                found = rows[0].get("id")
        _visible[key] = found
    return _visible[key]


def run(case, token, persona):
    headers = {"Authorization": f"Token {token}"}
    identifier = case.path_parameters.get("id") if case.path_parameters else None
    # Two examples in three meet a real object; the third keeps the generated id (mostly a 404).
    if isinstance(identifier, int) and not isinstance(identifier, bool) and identifier % 3:
        known = visible_id(headers, persona, case.operation.path)
        if known is not None:
            case.path_parameters["id"] = known
    case.call_and_validate(headers=headers, checks=CHECKS)


# Each persona's token is made once per test and serves every example of it; no example is slow
# for the purpose of a health check (a request goes through the whole application).
RELAXED = hypothesis_settings(suppress_health_check=list(HealthCheck), deadline=None)

reads = SCHEMA.include(method="GET").exclude(path_regex=SHORT_SKIPPED)


@reads.parametrize()
@RELAXED
def test_api_reads(case, token, persona):
    run(case, token, persona)


writes = SCHEMA.exclude(method="GET")
if not LONG:
    writes = writes.exclude(path_regex=SHORT_SKIPPED)
    writes.config.generation.update(max_examples=WRITE_EXAMPLES)


@pytest.mark.parametrize("persona", PERSONAS if LONG else ["organizer"])
@writes.parametrize()
@RELAXED
def test_api_writes(case, token, persona):
    run(case, token, persona)


# ----- Open311 (/open311/v2/, described by tests/open311.yaml) -------------------------------------

def build_open311():
    schema = schemathesis.openapi.from_path(pathlib.Path(__file__).with_name("open311.yaml"))
    schema.app = SCHEMA.app
    schema.config.generation.update(max_examples=EXAMPLES if LONG else 6, deterministic=not LONG, database="none")
    schema.config.phases.update(phases=["examples", "coverage", "fuzzing"] if LONG else ["examples", "fuzzing"])
    return schema


OPEN311 = build_open311()


@pytest.fixture
def open311_key(db, org, personas, settings):
    """A key of a client taking requests in at the sub-district; no rate limit gets in the way."""
    from django.core.cache import cache

    from dangjian.grid.open311.keys import open311_client_create

    settings.OPEN311_RATE = {"post": "100000/min", "get": "100000/min"}
    cache.clear()
    _client, key = open311_client_create(actor=personas["organizer"], name="模糊测试", organization=org["street"])
    yield key
    cache.clear()


def real_filing(body: dict, key: str) -> None:
    """Make most generated filings carry the real key, a real category and a real building, so
    that they reach the workflow instead of stopping at the key check."""
    from dangjian.grid.models import Building, RequestCategory

    seed = len(repr(sorted(body.items(), key=str)))
    if seed % 4:
        body["api_key"] = key
    if seed % 3:
        body["service_code"] = RequestCategory.objects.filter(active=True).order_by("pk").values_list(
            "code", flat=True)[seed % 5]
    if seed % 2:
        body["address_id"] = str(Building.objects.filter(grid__code="JB0101").order_by("pk").values_list(
            "pk", flat=True).first())


@OPEN311.parametrize()
@RELAXED
def test_open311(case, open311_key):
    if case.method == "POST" and isinstance(case.body, dict):
        real_filing(case.body, open311_key)
    case.call_and_validate(checks=CHECKS)
