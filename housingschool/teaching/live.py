"""Live class mode: the projector and the participants' phones follow one lesson together."""

from flask import Blueprint

bp = Blueprint("live", __name__)
