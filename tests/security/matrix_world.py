"""The world the role matrix runs in: two organisations, seven kinds of visitor.

Alfa kommune (organisation A) has group A1 (teacher T1, participant P1 who completed the waste
module, a past and a planned session, attendance, a certificate, a live quiz) and group A2
(teacher T2, participant P2, who asked for their data to be deleted); coordinator C; a local
note on a lesson; a switched-off teacher; a participant who signs in with pictures. Beta
kommune (organisation B) has an admin and a participant of its own.

Plain functions, not fixtures: the matrix, CSRF and header tests build the same world.
"""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from housingschool.accounts.models import Organisation, User
from housingschool.accounts.services import hash_secret, set_pictures
from housingschool.admin.codes import make_code
from housingschool.extensions import db
from housingschool.learning.models import LessonProgress, QuizAttempt
from housingschool.learning.services import record_module_completions
from housingschool.reports.models import Certificate, LocalNote
from housingschool.teaching.models import Attendance, Group, GroupSession, LiveClass, Membership

ANON, P1, P2 = "anonymous", "participant", "other-participant"
T1, T2, C, ADMIN_B = "teacher", "other-teacher", "coordinator", "other-org-admin"
VIEWERS = (ANON, P1, P2, T1, T2, C, ADMIN_B)

PIN = "739146"
PASSWORD = "long-enough-1"
PICTURES = ("house", "key", "sun")
CHECKIN_CODE = "5731"
# Distinctive words: a page that shows them to the wrong viewer leaks personal data.
P1_NAME, P2_NAME, PB_NAME = "Amina Alfaone", "Yonas Alfatwo", "Olav Betaone"
T1_NAME, T2_NAME = "Tove Teachone", "Trond Teachtwo"
ALPHA_NOTE = "Alfa-notat: restavfall bak hus 7"
# What each viewer must never find in a page or file they are given.
MUST_NOT_SEE = {
    ANON: (P1_NAME, P2_NAME, PB_NAME, ALPHA_NOTE),
    P1: (P2_NAME, PB_NAME),
    P2: (P1_NAME, PB_NAME),
    T1: (P2_NAME, PB_NAME),
    T2: (P1_NAME, PB_NAME),
    C: (PB_NAME,),
    ADMIN_B: (P1_NAME, P2_NAME, T1_NAME, T2_NAME, ALPHA_NOTE),
}


@dataclass
class World:
    """Ids and words the tests build addresses and form data from."""

    org_a: int
    a1: int
    a2: int
    p1: int
    p2: int
    t1: int
    t2: int
    c: int
    t_off: int
    pic_user: str
    s1: int
    live: int
    module: str
    lesson: str
    other_lesson: str
    question: str
    option: str
    answers: dict
    attempt: str
    certificate: str
    verify_code: str
    reset_code: str
    logins: dict = field(default_factory=dict)


def build_world(app) -> World:
    """Make the world described above in one transaction; returns what the tests need."""
    catalogue = app.extensions["catalogue"]
    waste, cleaning = catalogue.module("waste"), catalogue.module("cleaning")
    alpha = Organisation(slug="alpha", name="Alfa kommune", required_modules=["waste"])
    beta = Organisation(slug="beta", name="Beta kommune")
    a1 = Group(organisation=alpha, name="Alfa vår", join_code="ALPHA001", languages=["ar"])
    a2 = Group(organisation=alpha, name="Alfa høst", join_code="ALPHA002")
    b1 = Group(organisation=beta, name="Beta vår", join_code="BETA0001")
    db.session.add_all([alpha, beta, a1, a2, b1])
    people = _people(alpha, beta, a1, a2, b1)
    p1, t1 = people[P1], people[T1]
    lesson = waste.lessons[0]
    s1 = _sessions(a1, p1, t1)
    _completed(catalogue, p1, waste)
    certificate = Certificate(organisation=alpha, user_id=p1.id, number="BS-2026-09001",
                              code="alfa-verify-code-0001", holder_name=P1_NAME, language="nb",
                              modules=["waste"], minutes_attended=90, issued_by_id=t1.id)
    live = LiveClass(group_id=a1.id, module_slug="waste", lesson_slug=lesson.slug,
                     phase="quiz", started_by_id=t1.id)
    db.session.add_all([certificate, live, LocalNote(
        organisation_id=alpha.id, module_slug="waste", lesson_slug=lesson.slug, language="nb",
        text=ALPHA_NOTE, updated_by_id=people[C].id)])
    reset = make_code(people[T2], people[C])
    db.session.commit()
    question = lesson.questions[0]
    return World(
        org_a=alpha.id, a1=a1.id, a2=a2.id, p1=p1.id, p2=people[P2].id, t1=t1.id,
        t2=people[T2].id, c=people[C].id, t_off=people["t_off"].id, pic_user="pia-pictures",
        s1=s1.id, live=live.id, module="waste", lesson=lesson.slug,
        other_lesson=f"cleaning/{cleaning.lessons[0].slug}", question=question.id,
        option=question.options[0],
        answers={f"q-{q.id}": q.options[0] for q in lesson.questions},
        attempt=_attempt_id(p1, lesson.slug), certificate=certificate.number,
        verify_code=certificate.code, reset_code=reset.code,
        logins={viewer: people[viewer].get_id() for viewer in VIEWERS if viewer != ANON})


def _people(alpha, beta, a1, a2, b1) -> dict:
    """The six signed-in viewers and the other people the pages show, in one flush."""
    pin, password = hash_secret(PIN), hash_secret(PASSWORD)
    people = {
        P1: _user(alpha, "p1-amina", P1_NAME, "participant", pin, language="en"),
        P2: _user(alpha, "p2-yonas", P2_NAME, "participant", pin,
                  deletion_requested_at=datetime.now(UTC)),
        T1: _user(alpha, "t1-tove", T1_NAME, "teacher", password),
        T2: _user(alpha, "t2-trond", T2_NAME, "teacher", password),
        C: _user(alpha, "c-kari", "Kari Coordinator", "coordinator", password),
        ADMIN_B: _user(beta, "admin-bente", "Bente Admin", "admin", password),
        "t_off": _user(alpha, "off-oda", "Oda Switchedoff", "teacher", password, active=False,
                       deactivated_at=datetime.now(UTC)),
        "pictures": _user(alpha, "pia-pictures", "Pia Pictures", "participant", None),
        "pb": _user(beta, "pb-olav", PB_NAME, "participant", pin),
    }
    set_pictures(people["pictures"], PICTURES)
    db.session.add_all(people.values())
    db.session.add_all([Membership(group=group, user=people[who]) for group, who in (
        (a1, P1), (a1, T1), (a1, "pictures"), (a2, P2), (a2, T2), (b1, "pb"))])
    db.session.flush()
    return people


def _user(organisation, username, name, role, password_hash, **fields) -> User:
    kind = "pin" if role == "participant" else "password"
    return User(organisation=organisation, username=username, display_name=name, role=role,
                password_hash=password_hash, secret_kind=kind, **fields)


def _sessions(a1, p1, t1) -> GroupSession:
    """A past session P1 attended and tomorrow's, with self check-in open."""
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).replace(hour=10, minute=0, second=0,
                                                                 microsecond=0)
    last_week = tomorrow - timedelta(days=8)
    past = GroupSession(group=a1, starts_at=last_week, ends_at=last_week + timedelta(minutes=90),
                        place="Room 1", lessons=["waste"])
    planned = GroupSession(group=a1, starts_at=tomorrow, ends_at=tomorrow + timedelta(minutes=90),
                           place="Room 1", lessons=["cleaning"], checkin_code=CHECKIN_CODE,
                           checkin_open=True)
    db.session.add_all([past, planned])
    db.session.flush()
    db.session.add(Attendance(session_id=past.id, user_id=p1.id, status="present", minutes=90,
                              method="teacher", marked_by_id=t1.id))
    return planned


def _completed(catalogue, user: User, module) -> None:
    """`user` opened and passed every lesson of `module`, as the site would record it."""
    for lesson in module.lessons:
        db.session.add(LessonProgress(user_id=user.id, module_slug=module.slug,
                                      lesson_slug=lesson.slug, language="en"))
        db.session.add(QuizAttempt(attempt_id=str(uuid.uuid4()), user_id=user.id,
                                   module_slug=module.slug, lesson_slug=lesson.slug, answers={},
                                   score=100, passed=True))
    db.session.flush()
    record_module_completions(catalogue, [user.id])


def _attempt_id(user: User, lesson_slug: str) -> str:
    return db.session.scalar(db.select(QuizAttempt.attempt_id).where(
        QuizAttempt.user_id == user.id, QuizAttempt.lesson_slug == lesson_slug))


def sign_in(client, world: World, viewer: str) -> None:
    """Start the viewer's session as signing in would (the sign-in form has its own tests)."""
    if viewer == ANON:
        return
    with client.http.session_transaction() as session:
        session["_user_id"] = world.logins[viewer]
        session["_fresh"] = True
