"""A new server: the first organisation and its administrator, from the command line."""

import sqlalchemy as sa

from housingschool.accounts.models import Organisation, User
from housingschool.extensions import db


def test_a_new_server_gets_its_organisation_and_admin_from_the_command_line(app, ctx,
                                                                           client_for):
    runner = app.test_cli_runner()
    made = runner.invoke(args=["users", "create-organisation", "hamar", "Hamar kommune"])
    admin = runner.invoke(args=["users", "create", "kari", "--role", "admin", "--org", "hamar"],
                          input="a-long-admin-pass\n")

    assert made.exit_code == 0 and "hamar" in made.output
    assert admin.exit_code == 0, admin.output
    organisation = db.session.scalar(sa.select(Organisation))
    assert (organisation.name, organisation.default_language) == ("Hamar kommune", "nb")
    assert db.session.scalar(sa.select(User.role).where(User.username == "kari")) == "admin"
    browser = client_for(app)
    assert browser.login("kari", "a-long-admin-pass").status_code == 302
    assert browser.get("/admin/organisations").status_code == 200


def test_a_second_organisation_with_the_same_slug_or_a_bad_slug_is_refused(app, ctx):
    runner = app.test_cli_runner()
    runner.invoke(args=["users", "create-organisation", "hamar", "Hamar kommune"])
    again = runner.invoke(args=["users", "create-organisation", "hamar", "Hamar igjen"])
    bad = runner.invoke(args=["users", "create-organisation", "Hamar Kommune!", "Hamar"])

    assert again.exit_code != 0 and "already" in again.output
    assert bad.exit_code != 0 and "a-z" in bad.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Organisation)) == 1
