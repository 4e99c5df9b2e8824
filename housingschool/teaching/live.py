"""Live class mode: the projector and the participants' phones follow one lesson together."""

from flask import Blueprint

bp = Blueprint("live", __name__)


@bp.get("/teach/groups/<int:group_id>/live")
def projector(group_id: int):
    """Placeholder until live class mode is built."""
    return "", 404
