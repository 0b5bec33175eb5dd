import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def newcomer(db):
    """A resident account of its own (no member record, nothing filed yet)."""
    from dangjian.accounts.models import User

    return User.objects.create_user("newcomer", password="dangjian-demo", full_name="甄新来", email="zhen@example.cn")
