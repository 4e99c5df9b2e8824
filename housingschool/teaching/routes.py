"""Teachers' pages: groups, participants, sessions, attendance and check-in."""

from flask import Blueprint

bp = Blueprint("teaching", __name__, url_prefix="/teach")


@bp.get("/")
def dashboard():
    """Placeholder."""
    return "", 404


@bp.get("/groups/<int:group_id>")
def group(group_id: int):
    """Placeholder."""
    return "", 404
