"""Participants' own data: download, deletion; anonymising; retention."""

from flask import Blueprint

bp = Blueprint("privacy", __name__)
