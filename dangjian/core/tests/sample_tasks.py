"""Tasks used by the tests of background work: they count their runs in the default cache."""
from django.core.cache import cache
from django_tasks import task

from dangjian.core.background import background


@background(label="Flaky sample", attempts=3, backoff=0)
@task()
def flaky(key: str, failures: int) -> int:
    """Fails its first ``failures`` runs, then succeeds; returns the run number."""
    runs = cache.get(key, 0) + 1
    cache.set(key, runs)
    if runs <= failures:
        raise RuntimeError(f"run {runs} fails")
    return runs


@background(label="Counted sample")
@task()
def counted(key: str) -> int:
    """Adds one to a counter: its effect shows how many times it really ran."""
    runs = cache.get(key, 0) + 1
    cache.set(key, runs)
    return runs
