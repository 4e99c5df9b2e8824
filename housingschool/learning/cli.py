"""`flask learning rebuild-completions`: work the module completions out again from the quiz
attempts, for instance after a lesson was added to or removed from a module."""

import click
from flask import current_app
from flask.cli import AppGroup

from housingschool.extensions import db
from housingschool.learning.services import rebuild_module_completions

learning = AppGroup("learning", help="Participants' learning records.")


@learning.command("rebuild-completions")
def rebuild_completions() -> None:
    """Recount every participant's completed modules from their quiz attempts.

    Reports count modules from a table written when a quiz is passed; run this after the
    lessons of a module change, so the reports follow the new course. Safe to run any time.
    """
    count = rebuild_module_completions(current_app.extensions["catalogue"])
    db.session.commit()
    click.echo(f"Module completions worked out again: {count} in all.")
