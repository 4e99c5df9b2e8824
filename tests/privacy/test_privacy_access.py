"""Who may open which privacy page: the role matrix for every new route."""

import pytest

from housingschool.extensions import db

OWN_DATA_PAGES = ("/my/data", "/my/data/download", "/my/data/delete")
OWN_DATA_POSTS = ("/my/data/delete", "/my/data/delete/withdraw")


def staff_pages(school) -> list[str]:
    base = f"/privacy/participants/{school.amina.id}"
    return ["/privacy/requests", base, base + "/anonymise", base + "/delete",
            "/local-notes/waste/which-bin"]


def staff_posts(school) -> list[str]:
    base = f"/privacy/participants/{school.amina.id}"
    return [base + "/anonymise", base + "/delete", "/local-notes/waste/which-bin"]


def assert_untouched(school) -> None:
    db.session.expire_all()
    assert school.amina.display_name == "أمينة حسن" and school.amina.anonymised_at is None
    assert school.amina.deletion_requested_at is None


def test_visitors_are_sent_to_sign_in(school, client):
    for url in OWN_DATA_PAGES + tuple(staff_pages(school)):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.location, url
    for url in OWN_DATA_POSTS + tuple(staff_posts(school)):
        response = client.post_form(url, {}, page="/login")
        assert response.status_code == 302 and "/login" in response.location, url
    assert_untouched(school)


@pytest.mark.parametrize("username", ["tove", "kari"])
def test_own_data_pages_are_for_participants_only(school, client, login_as, username):
    login_as(client, username)
    for url in OWN_DATA_PAGES:
        assert client.get(url).status_code == 403, url
    for url in OWN_DATA_POSTS:
        assert client.post_form(url, {}, page="/").status_code == 403, url


@pytest.mark.parametrize("username", ["amina", "tove"])
def test_staff_privacy_pages_are_for_coordinators_only(school, client, login_as, username):
    login_as(client, username)
    for url in staff_pages(school):
        assert client.get(url).status_code == 403, url
    for url in staff_posts(school):
        assert client.post_form(url, {}, page="/").status_code == 403, url
    assert_untouched(school)


def test_coordinator_of_another_organisation_gets_404_for_our_participant(
        school, client, login_as):
    login_as(client, "bjorn")
    base = f"/privacy/participants/{school.amina.id}"
    for url in (base, base + "/anonymise", base + "/delete"):
        assert client.get(url).status_code == 404, url
    for url in (base + "/anonymise", base + "/delete"):
        assert client.post_form(url, {}, page="/privacy/requests").status_code == 404, url
    assert_untouched(school)


def test_staff_accounts_cannot_be_anonymised_here(school, client, login_as):
    login_as(client, "kari")
    for user in (school.kari, school.tove):
        assert client.get(f"/privacy/participants/{user.id}").status_code == 404
        response = client.post_form(f"/privacy/participants/{user.id}/anonymise", {},
                                    page="/privacy/requests")
        assert response.status_code == 404
    db.session.expire_all()
    assert school.tove.anonymised_at is None


def test_admin_of_the_organisation_may_use_the_staff_pages(school, factory, client, login_as):
    factory.user("ada", "admin", "long-enough-1", organisation=school.hamar)
    login_as(client, "ada")
    for url in staff_pages(school):
        assert client.get(url).status_code == 200, url
