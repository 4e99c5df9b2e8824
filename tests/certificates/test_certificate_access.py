"""Every certificate route against every kind of visitor who must not get in."""

import pytest
import sqlalchemy as sa

from housingschool.certificates import services
from housingschool.extensions import db
from housingschool.reports.models import AuditEvent

STAFF_PASSWORD = "long-enough-1"  # the school fixture's staff password


@pytest.fixture
def world(app, factory, school):
    """Hamar's certificate for Olena, plus outsiders: another participant of the same group,
    a teacher of another Hamar group, and Oslo's coordinator."""
    certificate = services.issue(school["olena"], school["coordinator"], "uk",
                                 app.extensions["catalogue"])
    db.session.commit()
    other_group = factory.group(school["org"], name="Kveldsgruppe", join_code="EVENING1")
    factory.teacher_in(other_group, "trond")
    factory.user("peer", group=school["group"])
    oslo = factory.org("oslo", "Oslo kommune")
    factory.user("olga", "coordinator", STAFF_PASSWORD, organisation=oslo)
    factory.user("osloadmin", "admin", STAFF_PASSWORD, organisation=oslo)
    return {**school, "certificate": certificate}


def urls(world):
    number, person = world["certificate"].number, world["olena"].id
    return {
        "participant": f"/certificates/participants/{person}",
        "list": "/certificates",
        "revoke": f"/certificates/{number}/revoke",
        "pdf": f"/certificates/{number}.pdf",
        "show": f"/certificates/{number}",
        "mine": "/my/certificates",
    }


# (who, password) -> expected status per route; 302 = sent to sign in.
MATRIX = {
    None: {"participant": 302, "list": 302, "revoke": 302, "pdf": 302, "show": 302,
           "mine": 302},
    ("peer", "482915"): {"participant": 403, "list": 403, "revoke": 403, "pdf": 404,
                         "show": 404, "mine": 200},
    ("trond", "teacher-pass-1"): {"participant": 404, "list": 403, "revoke": 403, "pdf": 404,
                                  "show": 404, "mine": 403},
    ("olga", STAFF_PASSWORD): {"participant": 404, "list": 200, "revoke": 404, "pdf": 404,
                               "show": 404, "mine": 403},
    ("osloadmin", STAFF_PASSWORD): {"participant": 404, "list": 200, "revoke": 404,
                                    "pdf": 404, "show": 404, "mine": 403},
    ("tove", "teacher-pass-1"): {"participant": 200, "list": 403, "revoke": 403, "pdf": 200,
                                 "show": 200, "mine": 403},
    ("kari", STAFF_PASSWORD): {"participant": 200, "list": 200, "revoke": 200, "pdf": 200,
                               "show": 200, "mine": 403},
    ("olena", "482915"): {"participant": 403, "list": 403, "revoke": 403, "pdf": 200,
                          "show": 200, "mine": 200},
}


@pytest.mark.parametrize("who", list(MATRIX), ids=lambda w: w[0] if w else "anonymous")
def test_role_matrix(world, client, who):
    if who:
        assert client.login(*who).status_code == 302
    got = {name: client.get(url).status_code for name, url in urls(world).items()}
    assert got == MATRIX[who]


def test_oslo_sees_none_of_hamars_certificates_in_its_list(world, client):
    client.login("olga", STAFF_PASSWORD)
    page = client.get("/certificates").get_data(as_text=True)
    assert world["certificate"].number not in page and "Олена" not in page


def test_outsiders_cannot_issue_or_withdraw(world, client):
    for who in [("trond", "teacher-pass-1"), ("olga", STAFF_PASSWORD)]:
        client.login(*who)
        page = "/certificates" if who[0] == "olga" else "/teach/"
        issue = client.post_form(f"/certificates/participants/{world['olena'].id}",
                                 {"language": "nb"}, page=page)
        assert issue.status_code == 404
        client.post_form("/logout", {}, page=page)
    client.login("olga", STAFF_PASSWORD)
    revoke = client.post_form(f"/certificates/{world['certificate'].number}/revoke",
                              {"reason": "x"}, page="/certificates")
    assert revoke.status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action.in_(["certificate.issue", "certificate.revoke"]))) == 0


def test_verify_needs_no_sign_in(world, client):
    assert client.get(f"/verify/{world['certificate'].code}").status_code == 200
    assert client.get("/verify").status_code == 200
