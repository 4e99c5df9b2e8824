"""The role matrix: every route of the site, tried by each of seven kinds of visitor.

Anonymous, participant P1, a participant of another group (P2), P1's teacher (T1), a teacher of
another group (T2), the coordinator of their organisation (C) and the admin of another
organisation (ADMIN_B) each try every (endpoint, method) at an address about P1, group A1 or
organisation A. The table in matrix_cases_*.py says who may; everyone else must be refused
without a trace in the database, and nobody may find personal data that is not theirs to see.
"""

from urllib.parse import urlsplit

import pytest

from housingschool.extensions import db
from tests.security.matrix_table import CASES, every_route, route_of
from tests.security.matrix_world import ANON, MUST_NOT_SEE, VIEWERS, build_world, sign_in

PAIRS = [(case, viewer) for case in CASES for viewer in VIEWERS]


def send(client, case, world, with_token=True):
    """The case's request, read and closed (files too); a POST carries the CSRF token a page
    gave this browser, unless `with_token` is false."""
    url = case.address(world)
    if case.method == "GET":
        response = client.get(url)
    else:
        data = case.form(world)
        if with_token:
            data["csrf_token"] = client.token("/language")
        response = client.post(url, data=data)
    response.get_data()
    response.close()
    return response


def is_success(response) -> bool:
    """2xx, or a redirect that is not to the sign-in page."""
    if 200 <= response.status_code < 300:
        return True
    return response.status_code in (301, 302, 303) and not is_sign_in(response)


def is_sign_in(response) -> bool:
    """A redirect to the sign-in page that comes back here afterwards (?next=): not the one
    the password reset gives on success."""
    location = urlsplit(response.headers.get("Location", ""))
    return (response.status_code == 302 and location.path == "/login"
            and "next=" in location.query)


def assert_refused(response, case, viewer) -> None:
    """403/404 for signed-in visitors, the sign-in page for anonymous ones, unless the table
    says the refusal has another status."""
    where = f"{case.id} for {viewer}"
    if viewer in case.refused:
        assert response.status_code == case.refused[viewer], where
    elif viewer == ANON:
        assert is_sign_in(response), f"{where}: {response.status_code}, not the sign-in page"
    else:
        assert response.status_code in (403, 404), f"{where}: {response.status_code}"


def assert_nothing_leaked(response, case, viewer) -> None:
    if case.shows_every_organisation and viewer in case.allowed:
        return
    body = response.get_data()
    for words in MUST_NOT_SEE[viewer]:
        assert words.encode() not in body, f"{case.id} shows {words!r} to {viewer}"


def test_every_route_has_a_role_matrix_entry(app, ctx):
    """A new route fails here until the table says who may use it."""
    world = build_world(app)
    covered = {route_of(app, case, world) for case in CASES}
    for case in CASES:
        assert route_of(app, case, world)[0] == case.endpoint, f"{case.id} reaches another view"
    assert len({case.id for case in CASES}) == len(CASES), "two lines share a name (variant=)"
    missing = sorted(every_route(app) - covered)
    assert not missing, "new route without a role-matrix entry: " + ", ".join(
        f"{endpoint} {method} {rule}" for endpoint, method, rule in missing)


@pytest.mark.parametrize(("case", "viewer"), PAIRS,
                         ids=[f"{case.id}-{viewer}" for case, viewer in PAIRS])
def test_role_matrix(app, client, case, viewer):
    world = build_world(app)
    sign_in(client, world, viewer)
    before = case.probe(world) if case.probe else None
    response = send(client, case, world)
    assert_nothing_leaked(response, case, viewer)
    if viewer in case.allowed or viewer in case.scoped:
        assert is_success(response), f"{case.id} refused {viewer}: {response.status_code}"
    else:
        assert_refused(response, case, viewer)
    if case.probe and viewer not in case.allowed:
        db.session.expire_all()
        assert case.probe(world) == before, f"{case.id} by {viewer} changed the database"
