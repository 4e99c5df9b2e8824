"""An admin creates organisations and their first coordinator, who starts with a one-time code."""

import sqlalchemy as sa
from flask import current_app

from housingschool.accounts.models import Organisation, ResetCode, User
from housingschool.extensions import db
from tests.admin.helpers import PASSWORD, logout, shown_code, use_code


def _admin(factory):
    home = factory.org("boligskolen", "Boligskolen drift")
    factory.user("root", "admin", "admin-pass-1", organisation=home, display_name="Root")
    return home


def _new_org_form(**changes):
    data = {"name": "Drammen kommune", "slug": "drammen", "default_language": "en",
            "retention_months": "12", "coordinator_username": "kari",
            "coordinator_name": "Kari Nordmann"}
    data.update(changes)
    return data


def test_admin_creates_organisation_whose_coordinator_sets_a_password_and_signs_in(
        client, factory):
    _admin(factory)
    client.login("root", "admin-pass-1")
    modules = [m.slug for m in current_app.extensions["catalogue"].modules]
    chosen = [modules[2], modules[0]]
    response = client.post_form("/admin/organisations/new",
                                {**_new_org_form(), "required_modules": chosen})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    code = shown_code(response)
    assert "/reset?username=kari" in response.get_data(as_text=True)

    org = db.session.scalar(sa.select(Organisation).where(Organisation.slug == "drammen"))
    assert (org.name, org.default_language, org.retention_months) == ("Drammen kommune", "en", 12)
    assert org.required_modules == [modules[0], modules[2]]  # course order
    kari = db.session.scalar(sa.select(User).where(User.username == "kari"))
    assert (kari.role, kari.organisation_id, kari.display_name) == (
        "coordinator", org.id, "Kari Nordmann")
    assert "Drammen kommune" in client.get("/admin/organisations").get_data(as_text=True)
    logout(client)

    assert client.login("kari", PASSWORD).status_code == 401  # no password until she picks one
    # Typed from paper: small letters, no dashes.
    done = use_code(client, "Kari", code.replace("-", "").lower())
    assert done.status_code == 302 and "/login?username=kari" in done.headers["Location"]
    assert client.login("kari", PASSWORD).status_code == 302
    staff_page = client.get("/staff")
    assert staff_page.status_code == 200 and "Kari Nordmann" in staff_page.get_data(as_text=True)


def test_the_code_is_stored_only_as_a_hash(client, factory):
    _admin(factory)
    client.login("root", "admin-pass-1")
    code = shown_code(client.post_form("/admin/organisations/new", _new_org_form()))
    row = db.session.scalar(sa.select(ResetCode))
    assert len(row.code_hash) == 64 and code.replace("-", "") not in row.code_hash
    assert len(code) == 14 and code.count("-") == 2
    assert not set(code.replace("-", "")) & set("01OIL")


def test_bad_organisation_input_is_explained_and_kept(client, factory):
    _admin(factory)
    client.login("root", "admin-pass-1")
    factory.org("drammen", "Drammen")
    response = client.post_form("/admin/organisations/new",
                                _new_org_form(retention_months="0", name="Drammen by"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="Drammen by"' in page and 'value="kari"' in page
    assert "Write a number from 1 to 120" in page
    taken = client.post_form("/admin/organisations/new", _new_org_form(name="Drammen by"))
    assert taken.status_code == 422
    assert "Another organisation already has this short name" in taken.get_data(as_text=True)
    bad_user = client.post_form("/admin/organisations/new",
                                _new_org_form(slug="drammen-by", coordinator_username="K A"))
    assert bad_user.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Organisation)) == 2
    assert db.session.scalar(sa.select(User).where(User.username == "kari")) is None


def test_admin_edits_an_organisation_and_gives_its_coordinator_a_new_code(client, factory):
    _admin(factory)
    org = factory.org("hamar", "Hamar kommune")
    kari = factory.user("kari", "coordinator", PASSWORD, organisation=org)
    client.login("root", "admin-pass-1")
    form = client.get(f"/admin/organisations/{org.id}").get_data(as_text=True)
    assert 'value="Hamar kommune"' in form and "kari" in form
    saved = client.post_form(f"/admin/organisations/{org.id}",
                             {"name": "Hamar kommune", "slug": "hamar-kommune",
                              "default_language": "uk", "retention_months": "36"})
    assert saved.status_code == 302
    db.session.refresh(org)
    assert (org.slug, org.default_language, org.retention_months, org.required_modules) == (
        "hamar-kommune", "uk", 36, [])
    code = shown_code(client.post_form(
        f"/admin/organisations/{org.id}/coordinators/{kari.id}/code", {},
        page=f"/admin/organisations/{org.id}"))
    logout(client)
    assert use_code(client, "kari", code, secret="a-new-password").status_code == 302
    assert client.login("kari", "a-new-password").status_code == 302


def test_unknown_organisation_is_a_404(client, factory):
    _admin(factory)
    client.login("root", "admin-pass-1")
    assert client.get("/admin/organisations/9999").status_code == 404
