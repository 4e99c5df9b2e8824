"""Course certificates (kursbevis): issue, download, verify, revoke."""

from flask import Blueprint

bp = Blueprint("certificates", __name__)
