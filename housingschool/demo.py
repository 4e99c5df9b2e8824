"""`flask demo load`: demo data for trying the site, loaded once."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from housingschool.accounts.models import Organisation, User
from housingschool.accounts.services import create_user
from housingschool.extensions import db
from housingschool.learning.models import LessonProgress, QuizAttempt
from housingschool.learning.services import record_module_completions
from housingschool.teaching.models import Attendance, Group, GroupSession, Membership

demo = AppGroup("demo", help="Demo data for trying the site.")

DEMO_ORG = "demo"
DEMO_JOIN_CODE = "BOLIG2026"
# Demo accounts only: `flask demo load` refuses to run with the production settings.
DEMO_USERS = [
    ("teacher", "teacher", "Tove Lærer", "demo-teacher-pass"),
    ("coordinator", "coordinator", "Kari Koordinator", "demo-coordinator-pass"),
    ("admin", "admin", "Ada Admin", "demo-admin-pass"),
    ("amina", "participant", "Amina", "482915"),
    ("yonas", "participant", "Yonas", "demo-yonas-pass"),
]


@demo.command("load")
def load() -> None:
    """Load the demo organisation, group and users, unless they are already there."""
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        raise click.ClickException("Demo data is not loaded with the production settings.")
    if db.session.scalar(sa.select(Organisation).where(Organisation.slug == DEMO_ORG)):
        click.echo("Demo data is already loaded (kept as it is).")
    else:
        organisation = Organisation(slug=DEMO_ORG, name="Boligskolen Demo kommune")
        group = Group(organisation=organisation, name="Boligskole høst 2026",
                      join_code=DEMO_JOIN_CODE)
        db.session.add_all([organisation, group])
        for username, role, name, secret in DEMO_USERS:
            user = create_user(organisation, username, name, role, secret,
                               group=group if role == "participant" else None)
            if role == "teacher":
                db.session.add(Membership(group=group, user=user))
        _activity(group)
        db.session.commit()
        click.echo("Demo data loaded.")
    click.echo(f"\nJoin code for the demo group: {DEMO_JOIN_CODE}")
    click.echo("Demo accounts (username / password or PIN):")
    for username, role, _name, secret in DEMO_USERS:
        click.echo(f"  {role:<12} {username:<12} {secret}")


def _activity(group: Group) -> None:
    """A few weeks of class, so the reports have something to show: three past sessions with
    attendance; Amina has passed every quiz (she can get a certificate), Yonas is half-way and
    has failed one quiz twice (he shows in "needs follow-up")."""
    users = {u.username: u for u in db.session.scalars(
        sa.select(User).where(User.organisation_id == group.organisation.id))}
    teacher = users["teacher"]
    today = datetime.now(ZoneInfo("Europe/Oslo")).date()
    modules = current_app.extensions["catalogue"].modules
    for weeks_ago, module, yonas in ((3, modules[0], ("present", 90)),
                                     (2, modules[1], ("late", 60)),
                                     (1, modules[2], ("absent", 0))):
        day = today - timedelta(weeks=weeks_ago)
        starts = datetime.combine(day, time(17, 0), tzinfo=ZoneInfo("Europe/Oslo"))
        session = GroupSession(group=group, starts_at=starts, ends_at=starts + timedelta(
            minutes=90), place="Rom 2, Frivilligsentralen", lessons=[module.slug])
        db.session.add(session)
        db.session.flush()
        db.session.add_all([
            Attendance(session_id=session.id, user_id=users["amina"].id, status="present",
                       minutes=90, method="teacher", marked_by_id=teacher.id),
            Attendance(session_id=session.id, user_id=users["yonas"].id, status=yonas[0],
                       minutes=yonas[1], method="teacher", marked_by_id=teacher.id)])
    lessons = [lesson for module in modules for lesson in module.lessons]
    start = datetime.now(UTC) - timedelta(days=20)
    for number, lesson in enumerate(lessons):
        when = start + timedelta(hours=number * 12)
        _attempt(users["amina"], lesson, f"demo-amina-{number}", 100, True, when)
        if number < len(lessons) // 2:
            _attempt(users["yonas"], lesson, f"demo-yonas-{number}", 80, True, when)
    stuck = lessons[len(lessons) // 2]
    for tries in range(2):
        _attempt(users["yonas"], stuck, f"demo-yonas-fail-{tries}", 40, False,
                 start + timedelta(days=tries + 1))
    db.session.flush()
    record_module_completions(modules, [users["amina"].id, users["yonas"].id])


def _attempt(user: User, lesson, attempt_id: str, score: int, passed: bool,
             when: datetime) -> None:
    """A quiz attempt, and the lesson opened just before it (once)."""
    opened = sa.select(LessonProgress.id).filter_by(
        user_id=user.id, module_slug=lesson.module_slug, lesson_slug=lesson.slug)
    if db.session.scalar(opened) is None:
        db.session.add(LessonProgress(user_id=user.id, module_slug=lesson.module_slug,
                                      lesson_slug=lesson.slug, language="nb",
                                      opened_at=when - timedelta(minutes=20)))
        db.session.flush()
    db.session.add(QuizAttempt(attempt_id=attempt_id, user_id=user.id,
                               module_slug=lesson.module_slug, lesson_slug=lesson.slug,
                               answers={}, score=score, passed=passed, submitted_at=when))
