"""Roles and access: who may see what."""

from functools import wraps

from flask import abort
from flask_login import current_user

from housingschool.accounts.models import User
from housingschool.extensions import db, login_manager


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Flask-Login's loader: the signed-in user from the session cookie.

    A deactivated or anonymised account is signed out at its next request, and so is every
    other session of an account whose password or PIN changed (see User.get_id).
    """
    number, _sep, fingerprint = user_id.partition(":")
    user = db.session.get(User, int(number)) if number.isdigit() else None
    if user is None or not user.is_active or fingerprint != user.session_fingerprint:
        return None
    return user


def role_required(*roles: str):
    """Let only signed-in users with one of `roles` through; others go to login or get 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def is_participant() -> bool:
    """Whether the current visitor is a signed-in participant (whose progress is saved)."""
    return current_user.is_authenticated and current_user.has_role("participant")
