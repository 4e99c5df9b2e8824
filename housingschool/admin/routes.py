"""Organisations and staff: admins create organisations, coordinators manage their staff."""

from flask import Blueprint

bp = Blueprint("admin", __name__)
