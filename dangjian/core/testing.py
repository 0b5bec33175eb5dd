"""Helpers shared by the tests of every app."""


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
