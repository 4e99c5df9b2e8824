"""`flask demo load`: demo data for trying the site, loaded once."""

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from housingschool.accounts.models import Organisation
from housingschool.accounts.services import create_user
from housingschool.extensions import db
from housingschool.teaching.models import Group, Membership

demo = AppGroup("demo", help="Demo data for trying the site.")

DEMO_ORG = "demo"
DEMO_JOIN_CODE = "BOLIG2026"
# Demo accounts only: `flask demo load` refuses to run with the production settings.
DEMO_USERS = [
    ("teacher", "teacher", "Tove Lærer", "demo-teacher-pass"),
    ("coordinator", "coordinator", "Kari Koordinator", "demo-coordinator-pass"),
    ("admin", "admin", "Ada Admin", "demo-admin-pass"),
    ("amina", "participant", "Amina", "482915"),
    ("yonas", "participant", "Yonas", "demo-yonas-pass"),
]


@demo.command("load")
def load() -> None:
    """Load the demo organisation, group and users, unless they are already there."""
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        raise click.ClickException("Demo data is not loaded with the production settings.")
    if db.session.scalar(sa.select(Organisation).where(Organisation.slug == DEMO_ORG)):
        click.echo("Demo data is already loaded (kept as it is).")
    else:
        organisation = Organisation(slug=DEMO_ORG, name="Boligskolen Demo kommune")
        group = Group(organisation=organisation, name="Boligskole høst 2026",
                      join_code=DEMO_JOIN_CODE)
        db.session.add_all([organisation, group])
        for username, role, name, secret in DEMO_USERS:
            user = create_user(organisation, username, name, role, secret,
                               group=group if role == "participant" else None)
            if role == "teacher":
                db.session.add(Membership(group=group, user=user))
        db.session.commit()
        click.echo("Demo data loaded.")
    click.echo(f"\nJoin code for the demo group: {DEMO_JOIN_CODE}")
    click.echo("Demo accounts (username / password or PIN):")
    for username, role, _name, secret in DEMO_USERS:
        click.echo(f"  {role:<12} {username:<12} {secret}")
