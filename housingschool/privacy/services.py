"""Privacy rules: a participant's own data, deletion requests, anonymising and retention.

Anonymising keeps what the organisation has already reported (group memberships, quiz scores,
modules completed, attendance minutes) but removes everything that says who the person was.
Deleting also removes their learning history. Both are one-way.
"""

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from housingschool.accounts.models import Organisation, User, utcnow
from housingschool.extensions import db
from housingschool.learning.models import LessonProgress, ModuleCompletion, QuizAttempt
from housingschool.reports.models import Certificate
from housingschool.teaching.models import Attendance, Group, GroupSession, LiveAnswer, Membership

# Stored in place of the name; User.display_name shows it in the reader's language.
ANONYMOUS_NAME = "Deleted participant"
# Not a Werkzeug hash, so no password or PIN ever matches it.
UNUSABLE_PASSWORD = "!anonymised"  # noqa: S105 - a marker, not a secret


def _iso(moment: datetime | None) -> str | None:
    """A timestamp as ISO 8601 in UTC (SQLite hands them back without a zone)."""
    if moment is None:
        return None
    return (moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment).isoformat()


def export_data(user: User) -> dict:
    """Everything stored about `user`, as plain JSON-ready data, in seven statements."""
    groups = db.session.execute(
        sa.select(Group.name, Membership.joined_at)
        .join(Membership, Membership.group_id == Group.id)
        .where(Membership.user_id == user.id).order_by(Membership.joined_at)).all()
    opened = db.session.scalars(sa.select(LessonProgress).where(
        LessonProgress.user_id == user.id).order_by(LessonProgress.opened_at)).all()
    attempts = db.session.scalars(sa.select(QuizAttempt).where(
        QuizAttempt.user_id == user.id).order_by(QuizAttempt.submitted_at)).all()
    completed = db.session.scalars(sa.select(ModuleCompletion).where(
        ModuleCompletion.user_id == user.id).order_by(ModuleCompletion.completed_at)).all()
    attendance = db.session.execute(
        sa.select(Attendance, GroupSession, Group.name)
        .join(GroupSession, GroupSession.id == Attendance.session_id)
        .join(Group, Group.id == GroupSession.group_id)
        .where(Attendance.user_id == user.id).order_by(GroupSession.starts_at)).all()
    certificates = db.session.scalars(sa.select(Certificate).where(
        Certificate.user_id == user.id).order_by(Certificate.issued_at)).all()
    return {
        "exported_at": _iso(utcnow()),
        "profile": {
            "username": user.username, "name": user.display_name, "role": user.role,
            "language": user.language, "organisation": user.organisation.name,
            "created_at": _iso(user.created_at), "last_signed_in_at": _iso(user.last_seen_at),
            "deletion_requested_at": _iso(user.deletion_requested_at),
        },
        "groups": [{"name": name, "joined_at": _iso(joined)} for name, joined in groups],
        "lessons_opened": [
            {"module": row.module_slug, "lesson": row.lesson_slug, "language": row.language,
             "opened_at": _iso(row.opened_at)} for row in opened],
        "quiz_attempts": [
            {"module": row.module_slug, "lesson": row.lesson_slug, "score": row.score,
             "passed": row.passed, "answers": row.answers, "submitted_at": _iso(row.submitted_at)}
            for row in attempts],
        "modules_completed": [
            {"module": row.module_slug, "completed_at": _iso(row.completed_at)}
            for row in completed],
        "attendance": [
            {"group": group_name, "date": _iso(session.starts_at), "place": session.place,
             "status": mark.status, "minutes": mark.minutes, "marked_how": mark.method}
            for mark, session, group_name in attendance],
        "certificates": [
            {"number": row.number, "issued_at": _iso(row.issued_at), "modules": row.modules,
             "status": "revoked" if row.revoked_at else "valid"} for row in certificates],
    }


def data_counts(user: User) -> dict[str, int]:
    """How many lessons, quiz results, attendance marks and certificates we hold for `user`."""
    def count(model) -> int:
        return db.session.scalar(sa.select(sa.func.count()).select_from(model)
                                 .where(model.user_id == user.id)) or 0
    return {"lessons": count(LessonProgress), "quizzes": count(QuizAttempt),
            "attendance": count(Attendance), "certificates": count(Certificate)}


def request_deletion(user: User) -> None:
    """Note that the participant asked for their data to be deleted (asking twice keeps the
    first date)."""
    if user.deletion_requested_at is None:
        user.deletion_requested_at = utcnow()


def withdraw_deletion(user: User) -> None:
    """The participant changed their mind: the request is gone."""
    user.deletion_requested_at = None


def deletion_requests(organisation_id: int) -> list[User]:
    """Participants of the organisation waiting for their data to be deleted, oldest first."""
    return list(db.session.scalars(_requests(organisation_id).order_by(
        User.deletion_requested_at)))


def open_requests_count(organisation_id: int) -> int:
    """How many deletion requests wait in the organisation (for a dashboard)."""
    return db.session.scalar(_requests(organisation_id).with_only_columns(sa.func.count())) or 0


def _requests(organisation_id: int) -> sa.Select:
    return sa.select(User).where(
        User.organisation_id == organisation_id, User.role == "participant",
        User.deletion_requested_at.is_not(None), User.anonymised_at.is_(None))


@dataclass(frozen=True)
class Anonymised:
    """What `anonymise` removed: counts only, never a name (safe for the audit log)."""

    lessons_deleted: int
    quizzes_deleted: int
    quizzes_cleared: int
    certificates_shortened: int
    completions_deleted: int


def initials(name: str) -> str:
    """"Amina Hassan" → "A. H."; works for any script (the first letter of each word)."""
    return " ".join(f"{word[0]}." for word in name.split()) or "?"


def anonymise(user: User, *, delete_learning: bool) -> Anonymised:
    """Remove who `user` was; with `delete_learning` also their lessons, quiz results and the
    modules they completed.

    Memberships and attendance stay, so hours already reported still add up, as anonymous
    counts; certificates keep only the holder's initials and stay valid. Running it again is
    harmless. The caller commits.
    """
    certificates = db.session.scalars(sa.select(Certificate).where(
        Certificate.user_id == user.id)).all()
    if user.anonymised_at is None:
        for certificate in certificates:
            certificate.holder_name = initials(certificate.holder_name)
        user.display_name = ANONYMOUS_NAME
        user.username = f"anon-{secrets.token_hex(8)}"
        user.password_hash = UNUSABLE_PASSWORD
        user.language = None
        user.anonymised_at = utcnow()
    user.deletion_requested_at = None
    # The device a self check-in came from and live-class answers say more than the minutes.
    db.session.execute(sa.update(Attendance).where(Attendance.user_id == user.id)
                       .values(device_id=None))
    db.session.execute(sa.delete(LiveAnswer).where(LiveAnswer.user_id == user.id))
    lessons = quizzes = cleared = completions = 0
    if delete_learning:
        completions = db.session.execute(sa.delete(ModuleCompletion).where(
            ModuleCompletion.user_id == user.id)).rowcount
        lessons = db.session.execute(sa.delete(LessonProgress).where(
            LessonProgress.user_id == user.id)).rowcount
        quizzes = db.session.execute(sa.delete(QuizAttempt).where(
            QuizAttempt.user_id == user.id)).rowcount
    else:
        cleared = db.session.execute(sa.update(QuizAttempt).where(
            QuizAttempt.user_id == user.id).values(answers={})).rowcount
    db.session.flush()
    return Anonymised(lessons, quizzes, cleared, len(certificates), completions)


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (31 March - 1 month = 28/29 Feb)."""
    total = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    next_month = datetime(year + month // 12, month % 12 + 1, 1)
    last_day = (next_month - datetime(year, month, 1)).days
    return moment.replace(year=year, month=month, day=min(moment.day, last_day))


def inactive_participants(organisation: Organisation, now: datetime) -> list[User]:
    """Participants with nothing done for longer than the organisation keeps data.

    Activity is the latest sign-in (or the account's start if they never signed in), lesson
    opened, quiz submitted or session attended: someone who stays signed in on their phone and
    keeps learning is not inactive. Organisations with retention 0 keep data until deleted.
    """
    if organisation.retention_months <= 0:
        return []
    cutoff = months_before(now, organisation.retention_months)
    recent = [
        sa.select(LessonProgress.id).where(LessonProgress.user_id == User.id,
                                           LessonProgress.opened_at >= cutoff),
        sa.select(QuizAttempt.id).where(QuizAttempt.user_id == User.id,
                                        QuizAttempt.submitted_at >= cutoff),
        sa.select(Attendance.id).join(GroupSession, GroupSession.id == Attendance.session_id)
        .where(Attendance.user_id == User.id, Attendance.status.in_(("present", "late")),
               GroupSession.starts_at >= cutoff),
    ]
    return list(db.session.scalars(
        sa.select(User).where(
            User.organisation_id == organisation.id, User.role == "participant",
            User.anonymised_at.is_(None),
            sa.func.coalesce(User.last_seen_at, User.created_at) < cutoff,
            *(~sa.exists(query) for query in recent))
        .order_by(User.id)))


def apply_retention(now: datetime, *, dry_run: bool = False) -> dict[Organisation, int]:
    """Anonymise every organisation's long-inactive participants; how many, per organisation.

    With `dry_run` nothing changes. The caller commits.
    """
    result = {}
    for organisation in db.session.scalars(sa.select(Organisation).order_by(Organisation.slug)):
        users = inactive_participants(organisation, now)
        if not dry_run:
            for user in users:
                anonymise(user, delete_learning=False)
        result[organisation] = len(users)
    return result
