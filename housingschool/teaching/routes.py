"""Teachers' pages: groups, participants, sessions, attendance and check-in."""

from flask import Blueprint

bp = Blueprint("teaching", __name__, url_prefix="/teach")
