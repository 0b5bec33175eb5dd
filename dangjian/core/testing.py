"""Helpers shared by the tests of every app."""
import threading
import time

from django.db import connections


def api_ids(client, url, **params):
    """Every id an API list answers, following its pages (and checking its count)."""
    ids, page = [], 1
    while True:
        response = client.get(url, {**params, "page_size": 200, "page": page})
        assert response.status_code == 200, response.content
        body = response.json()
        ids += [row["id"] for row in body["results"]]
        if not body["next"]:
            assert body["count"] == len(ids)
            return ids
        page += 1


def committed(call, *args, **kwargs):
    """Run ``call`` in a thread of its own, on its own connection, so that what it writes is
    committed (not rolled back with the test) and seen by the contenders."""
    result: list = []

    def run():
        try:
            result.append(call(*args, **kwargs))
        except Exception as error:  # noqa: BLE001 - re-raised below, in the test's thread
            result.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    if isinstance(result[0], Exception):
        raise result[0]
    return result[0]


def race(*calls):
    """Run each call in its own thread (own connection), all released at once by a barrier.
    Returns one (outcome, started, finished) per call: outcome is the call's result or the
    exception it raised."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            started = time.monotonic()
            try:
                outcome = call()
            except Exception as error:  # noqa: BLE001 - the loser's error is what the test checks
                outcome = error
            results[index] = (outcome, started, time.monotonic())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert all(r is not None for r in results), "a contender did not finish"
    return results
