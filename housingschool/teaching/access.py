"""Who may see which group: the scoping every teaching query goes through.

A teacher sees the groups they teach in their own organisation; a coordinator or admin sees all
groups of their organisation; participants see only groups they belong to, and only through the
participant pages. Anything else is a 404, so ids of other organisations' groups reveal nothing.
"""

import sqlalchemy as sa
from flask import abort

from housingschool.accounts.models import User
from housingschool.extensions import db
from housingschool.teaching.models import Group, GroupSession, Membership

STAFF = ("teacher", "coordinator", "admin")


def managed_groups(user: User) -> sa.Select:
    """A query for the groups `user` may manage (teach or coordinate)."""
    query = sa.select(Group).where(Group.organisation_id == user.organisation_id)
    if user.role in ("coordinator", "admin"):
        return query
    if user.role == "teacher":
        return query.where(Group.id.in_(
            sa.select(Membership.group_id).where(Membership.user_id == user.id)))
    return query.where(sa.false())


def get_group_or_404(group_id: int, user: User) -> Group:
    """The group with this id if `user` may manage it; otherwise 404."""
    group = db.session.scalar(managed_groups(user).where(Group.id == group_id))
    if group is None:
        abort(404)
    return group


def get_session_or_404(session_id: int, user: User) -> GroupSession:
    """The session with this id if `user` may manage its group; otherwise 404."""
    session = db.session.scalar(
        sa.select(GroupSession).where(GroupSession.id == session_id,
                                      GroupSession.group_id.in_(
                                          managed_groups(user).with_only_columns(Group.id))))
    if session is None:
        abort(404)
    return session


def participant_groups(user: User) -> sa.Select:
    """A query for the groups a participant belongs to."""
    return sa.select(Group).where(Group.id.in_(
        sa.select(Membership.group_id).where(Membership.user_id == user.id)))


def group_participants(group: Group) -> list[User]:
    """The group's participants, by name."""
    return list(db.session.scalars(
        sa.select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.group_id == group.id, User.role == "participant")
        .order_by(User.display_name, User.username)))
