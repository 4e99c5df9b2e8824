"""CSRF: every POST of the site, sent without its token by someone allowed to send it, is
refused with the kind "form" error page and changes nothing.

The POSTs come from the role matrix's table, so a new POST route is covered as soon as it has
its line there. Each case is also sent with the token, to show that what the test watches
(the probe) is what the form changes: a probe that never changes would prove nothing.
"""

import pytest

from housingschool.extensions import db
from tests.security.matrix_table import CASES
from tests.security.matrix_world import ANON, build_world, sign_in
from tests.security.test_role_matrix import is_success, send

POSTS = [case for case in CASES if case.method == "POST"]


def signed_in(client) -> bool:
    with client.http.session_transaction() as session:
        return "_user_id" in session


def probe(case, world):
    db.session.expire_all()
    return case.probe(world) if case.probe else None


@pytest.mark.parametrize("case", POSTS, ids=[case.id for case in POSTS])
def test_post_without_csrf_token_is_refused_and_changes_nothing(app, client, case):
    world = build_world(app)
    viewer = case.owner()
    sign_in(client, world, viewer)
    before = probe(case, world)

    response = send(client, case, world, with_token=False)

    assert response.status_code == 400, f"{case.id} without a token as {viewer}"
    assert "Something went wrong with the form" in response.get_data(as_text=True)
    assert probe(case, world) == before, f"{case.id} without a token changed the database"
    assert signed_in(client) == (viewer != ANON), "a refused form changed who is signed in"

    response = send(client, case, world)
    assert is_success(response), f"{case.id} with its token as {viewer}: {response.status_code}"
    if case.probe:
        assert probe(case, world) != before, f"the probe of {case.id} does not see the change"


def test_forged_sign_out_signs_nobody_out(app, client):
    """Another site cannot sign a participant out with a hidden form (no token: 400)."""
    world = build_world(app)
    sign_in(client, world, "participant")
    assert client.post("/logout").status_code == 400
    assert client.get("/progress").status_code == 200
