"""Participants' sessions and calendars, and the group progress table."""

from flask import Blueprint

bp = Blueprint("schedule", __name__)
