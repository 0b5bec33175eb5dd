"""Rate limits on residents' form posts and public pages: beyond the limit a 429 page, nothing written."""
import itertools
import uuid

import pytest
from django.test import override_settings

from dangjian.grid.models import ServiceRequest
from dangjian.privacy.models import Consent, PersonalDataRequest

from .test_privacy import request_form

_windows = itertools.count(uuid.uuid4().int % 10**6)


@pytest.fixture(autouse=True)
def frozen_window(monkeypatch):
    """Each test counts inside one fixed window of its own: a real minute could turn over mid-test."""
    from types import SimpleNamespace

    import dangjian.core.ratelimit as ratelimit

    moment = next(_windows) * 3600 + 1.0
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: moment))


@override_settings(RATE_LIMITS={"resident_post": "10/min", "public_page": "60/min"})
def test_the_eleventh_post_in_a_minute_is_refused_and_writes_nothing(client, newcomer):
    client.force_login(newcomer)
    for n in range(10):
        assert client.post("/grid/my/new/", request_form(consent="on", description=f"第{n}次")).status_code == 302
    before = (ServiceRequest.objects.filter(reporter=newcomer).count(), Consent.objects.filter(user=newcomer).count())
    assert before == (10, 10)
    response = client.post("/grid/my/new/", request_form(consent="on", description="第11次"))
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "hourglass" in response.content.decode()  # the plain page, in the site's layout
    assert (ServiceRequest.objects.filter(reporter=newcomer).count(),
            Consent.objects.filter(user=newcomer).count()) == before
    # Reading the form is not limited, and the limit is per form: the privacy request still goes through.
    assert client.get("/grid/my/").status_code == 200
    assert client.post("/privacy/mine/requests/", {"kind": "withdraw"}).status_code == 302


@override_settings(RATE_LIMITS={"resident_post": "1/min", "public_page": "60/min"})
def test_privacy_requests_are_limited_too(client, newcomer):
    client.force_login(newcomer)
    assert client.post("/privacy/mine/requests/", {"kind": "withdraw"}).status_code == 302
    assert client.post("/privacy/mine/requests/", {"kind": "deletion"}).status_code == 429
    assert list(PersonalDataRequest.objects.filter(user=newcomer).values_list("kind", flat=True)) == ["withdraw"]


@override_settings(RATE_LIMITS={"resident_post": "10/min", "public_page": "3/min"})
def test_public_pages_are_limited_per_address(client, org):
    from dangjian.wishes.tests.fixtures import community

    for url in ("/privacy/", f"/coverage/affairs/public/{org['community'].pk}/",
                f"/wishes/board/{community().pk}/", "/centres/catalogue/"):
        assert [client.get(url).status_code for _ in range(4)] == [200, 200, 200, 429], url
    # Another address is counted apart.
    assert client.get("/privacy/", REMOTE_ADDR="10.0.0.9").status_code == 200


@override_settings(RATE_LIMITS={"resident_post": "10/min", "public_page": "2/min"})
def test_survey_answer_page_is_limited(client, db):
    response = [client.get("/assessment/surveys/a/no-such-key/").status_code for _ in range(3)]
    assert response == [404, 404, 429]


def test_a_broken_cache_lets_the_call_through(client, db, monkeypatch):
    from dangjian.core import ratelimit

    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(ratelimit.cache, "add", broken)
    assert client.get("/privacy/").status_code == 200
