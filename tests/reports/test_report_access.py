"""Who may open the coordinators' reports: a role matrix for every new route."""

import pytest
from story import PASSWORD

from housingschool.accounts.services import set_secret
from housingschool.extensions import db

ROUTES = [
    "/reports/",
    "/reports/groups/{group}",
    "/reports/participants/{participant}",
    "/reports/completion",
    "/reports/completion?format=csv",
    "/reports/completion?format=xlsx&group={group}",
]


def urls(school) -> list[str]:
    return [route.format(group=school.spring.id, participant=school.mariam.id)
            for route in ROUTES]


def test_anonymous_visitors_are_sent_to_sign_in(school, client):
    for url in urls(school):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


@pytest.mark.parametrize("username, role", [("mariam", "participant"), ("tove", "teacher")])
def test_participants_and_teachers_are_refused(school, client, factory, username, role):
    if role == "participant":
        set_secret(school.mariam, PASSWORD)
        db.session.commit()
    secret = PASSWORD if role == "participant" else "teacher-pass-1"
    assert client.login(username, secret).status_code == 302
    for url in urls(school):
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("username", ["kari", "ada"])
def test_coordinators_and_admins_of_the_organisation_see_everything(school, client, username):
    client.login(username, PASSWORD)
    for url in urls(school):
        assert client.get(url).status_code == 200, url


def test_another_organisations_coordinator_gets_404_for_this_ones_ids(school, client):
    client.login("ola", PASSWORD)
    for url in urls(school):
        expected = 404 if ("groups/" in url or "participants/" in url or "group=" in url) else 200
        assert client.get(url).status_code == expected, url
