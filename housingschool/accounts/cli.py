"""`flask users create` and `create-organisation`: set up a server from the command line."""

import re
import sys

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from housingschool.accounts import services
from housingschool.accounts.models import ROLES, Organisation
from housingschool.extensions import db
from housingschool.i18n import LANGUAGES
from housingschool.teaching.models import Group

users = AppGroup("users", help="Manage user accounts.")


def read_secret() -> str:
    """The password or PIN: asked for twice on a terminal, else the first line of stdin."""
    if sys.stdin.isatty():
        return click.prompt("Password or PIN", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


@users.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--org", "org_slug", help="Organisation slug (may be left out if there is one).")
@click.option("--group", "group_name", help="Put the user in this group of the organisation.")
@click.option("--name", "display_name", help="Display name (default: the username).")
def create(username, role, org_slug, group_name, display_name):
    """Create a user; the password or PIN is read from standard input."""
    organisation = services.find_organisation(org_slug)
    if organisation is None:
        raise click.UsageError(f"No organisation {org_slug!r}." if org_slug else
                               "There is more than one organisation (or none): use --org SLUG.")
    group = None
    if group_name:
        group = db.session.scalar(sa.select(Group).where(
            Group.organisation_id == organisation.id, Group.name == group_name))
        if group is None:
            raise click.UsageError(f"No group {group_name!r} in {organisation.slug}.")
    try:
        user = services.create_user(organisation, username, display_name or username, role,
                                    read_secret(), group=group)
    except services.AccountError as error:
        raise click.ClickException(_CLI_MESSAGES.get(error.code, error.code)) from error
    db.session.commit()
    click.echo(f"Created {user.role} {user.username!r} in {organisation.slug}"
               + (f", group {group.name!r}." if group else "."))


@users.command("create-organisation")
@click.argument("slug")
@click.argument("name")
@click.option("--language", default="nb", show_default=True,
              type=click.Choice([language.code for language in LANGUAGES]),
              help="The language new participants start in.")
def create_organisation(slug, name, language):
    """Create an organisation (a municipality, NAV office or NGO): the first step on a new
    server, before `flask users create ADMIN --role admin --org SLUG`."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{1,39}", slug):
        raise click.UsageError("The slug is 2-40 characters: a-z, 0-9 and '-' (e.g. hamar).")
    if services.find_organisation(slug) is not None:
        raise click.ClickException(f"There is already an organisation {slug!r}.")
    db.session.add(Organisation(slug=slug, name=name.strip(), default_language=language))
    db.session.commit()
    click.echo(f"Created organisation {slug!r} ({name.strip()}).")


_CLI_MESSAGES = {
    "username_format": "Usernames are 3-30 characters: a-z, 0-9, '.', '_' or '-'.",
    "username_taken": "That username is taken.",
    "pin_short": "A PIN needs at least 6 digits.",
    "pin_easy": "That PIN is too easy to guess.",
    "password_short": "A password needs at least 8 characters (or use a PIN of 6+ digits).",
    "display_name_missing": "The display name is empty.",
}
