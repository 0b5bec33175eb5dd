"""Shared test set-up: every test database holds the small demo city and its personas.

The personas are the demo accounts (see dangjian/core/demo/city.py): ``city``, ``organizer``,
``community``, ``branch``, ``sibling`` (must be denied what is ``branch``'s), ``member``,
``auditor``, ``admin``, plus the anonymous visitor.
"""
import datetime

import pytest

from dangjian.core.demo import city

# A fixed day makes the demo data identical in every run.
DEMO_TODAY = datetime.date(2026, 11, 20)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        city.build(scale="small", seed=1, today=DEMO_TODAY)
        from dangjian.grid.demo import build_demo as build_grid

        build_grid(seed=1, today=DEMO_TODAY)


@pytest.fixture
def personas(db):
    from dangjian.accounts.models import User

    return {u.username: u for u in User.objects.filter(username__in=city.PERSONAS)}


@pytest.fixture
def org(db):
    """The demo's key organizations by persona name: city, street, community, branch, sibling."""
    from dangjian.organizations.models import Organization

    names = {
        "city": "中共临江市委员会", "street": "中共临江市江滨街道工作委员会", "community": "滨河社区党委",
        "branch": "滨河社区第一党支部", "sibling": "滨河社区第二党支部", "town": "中共临江市青山镇委员会",
    }
    return {key: Organization.objects.get(name=name) for key, name in names.items()}


@pytest.fixture
def client_for(client, db):
    """A logged-in test client for a persona: ``client_for("branch")``; None for anonymous."""
    from dangjian.accounts.models import User

    def login(username):
        client.logout()
        if username:
            client.force_login(User.objects.get(username=username))
        return client

    return login
