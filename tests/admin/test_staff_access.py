"""Who may open which organisation, staff and audit page: every route, every kind of user.

Admin pages: admins only (coordinators get 403). Staff pages: coordinators and admins of the
organisation; teachers and participants get 403; another organisation's people are a 404.
"""

import pytest

from housingschool.extensions import db
from tests.admin.helpers import PASSWORD

ADMIN_ROUTES = [
    ("GET", "/admin/organisations", 200),
    ("GET", "/admin/organisations/new", 200),
    ("POST", "/admin/organisations/new", 422),
    ("GET", "/admin/organisations/{org}", 200),
    ("POST", "/admin/organisations/{org}", 302),  # fields left out keep their values
    ("POST", "/admin/organisations/{org}/coordinators/{coordinator}/code", 200),
    ("GET", "/admin/audit", 200),
]
# (method, url, status for a coordinator or admin of the organisation, for one of another)
STAFF_ROUTES = [
    ("GET", "/staff", 200, 200),
    ("GET", "/staff/new", 200, 200),
    ("POST", "/staff/new", 422, 422),
    ("GET", "/staff/settings", 200, 200),
    ("POST", "/staff/settings", 302, 302),
    ("GET", "/staff/{teacher}/deactivate", 200, 404),
    ("POST", "/staff/{teacher}/deactivate", 302, 404),
    ("POST", "/staff/{teacher}/reactivate", 302, 404),
    ("POST", "/staff/{teacher}/code", 200, 404),
    ("GET", "/staff/{teacher}/groups", 200, 404),
    ("POST", "/staff/{teacher}/groups", 302, 404),
]
WHO = ("anonymous", "participant", "teacher", "coordinator", "admin", "other_coordinator")


@pytest.fixture
def world(factory):
    group = factory.group()
    org = group.organisation
    oslo = factory.org("oslo", "Oslo kommune")
    users = {
        "participant": factory.user("amina", group=group, secret=PASSWORD),
        "teacher": factory.user("tove", "teacher", PASSWORD, organisation=org),
        "coordinator": factory.user("kari", "coordinator", PASSWORD, organisation=org),
        "admin": factory.user("root", "admin", PASSWORD, organisation=org),
        "other_coordinator": factory.user("ola", "coordinator", PASSWORD, organisation=oslo),
    }
    db.session.commit()
    ids = {"org": oslo.id, "coordinator": users["other_coordinator"].id,
           "teacher": users["teacher"].id}
    return ids, users


def _request(client, who, method, url):
    if method == "GET":
        return client.get(url)
    page = "/login" if who == "anonymous" else "/"
    return client.post_form(url, {"retention_months": "24"}, page=page)


def _sign_in(client, users, who):
    if who != "anonymous":
        assert client.login(users[who].username, PASSWORD).status_code == 302


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("method, template, allowed", ADMIN_ROUTES,
                         ids=[f"{m} {t}" for m, t, _ in ADMIN_ROUTES])
def test_admin_route_access(world, client, who, method, template, allowed):
    ids, users = world
    _sign_in(client, users, who)
    response = _request(client, who, method, template.format(**ids))
    expected = {"anonymous": 302, "admin": allowed}.get(who, 403)
    assert response.status_code == expected, (who, template, response.status_code)
    if who == "anonymous":
        assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("method, template, own, other", STAFF_ROUTES,
                         ids=[f"{m} {t}" for m, t, _, _ in STAFF_ROUTES])
def test_staff_route_access(world, client, who, method, template, own, other):
    ids, users = world
    _sign_in(client, users, who)
    response = _request(client, who, method, template.format(**ids))
    expected = {"anonymous": 302, "participant": 403, "teacher": 403, "coordinator": own,
                "admin": own, "other_coordinator": other}[who]
    assert response.status_code == expected, (who, template, response.status_code)
    if who == "anonymous":
        assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("who", WHO)
def test_everyone_can_open_the_reset_page(world, client, who):
    _ids, users = world
    _sign_in(client, users, who)
    assert client.get("/reset").status_code == 200
