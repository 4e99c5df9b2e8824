"""Participants' sessions and calendars, and the group progress table."""

from flask import Blueprint

bp = Blueprint("schedule", __name__)


@bp.get("/sessions")
def my_sessions():
    """Placeholder until the schedule pages are built."""
    return "", 404


@bp.get("/teach/groups/<int:group_id>/progress")
def group_progress(group_id: int):
    """Placeholder until the progress table is built."""
    return "", 404
