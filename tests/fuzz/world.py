"""A small school for fuzzing, and how to visit it: sign in, fill in any URL rule.

Kept as ids and strings only, as the database session is cleared between hypothesis examples.
"""

import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import sqlalchemy as sa

from housingschool.accounts.models import User
from housingschool.extensions import db
from housingschool.learning.models import QuizAttempt
from housingschool.learning.services import record_module_completions
from housingschool.reports.models import Certificate
from housingschool.teaching.models import GroupSession, LiveClass, Membership

STAFF_PASSWORD = "long-enough-1"
ACCOUNTS = {  # role → (username, secret) of the person who signs in for that role
    "participant": ("amina", "482915"),
    "teacher": ("tove", "teacher-pass-1"),
    "coordinator": ("kari", STAFF_PASSWORD),
    "admin": ("ada", STAFF_PASSWORD),
}
CHECKIN_CODE = "4821"


@dataclass
class World:
    """Ids and strings of a small school: Hamar with two groups, and Elverum next door."""

    org: int
    other_org: int
    other_coordinator: int
    group: int
    other_group: int
    join_code: str
    session: int
    participant: int
    victim: int  # a participant the staff may reset, move, anonymise or delete
    staff_victim: int  # a teacher the coordinator may switch off, give codes and groups
    certificate: str
    live: int
    module: str
    lesson: str
    quiz_lesson: object  # the catalogue's Lesson whose quiz is fuzzed
    modules: list[str] = field(default_factory=list)


def build_world(factory, catalogue) -> World:
    """Make the school (every call commits)."""
    group = factory.group()
    hamar = group.organisation
    other_group = factory.group(hamar, name="Tirsdagsgruppe", join_code="TUE2026")
    tove = factory.teacher_in(group)
    db.session.add(Membership(group=other_group, user=tove))
    factory.user("kari", "coordinator", STAFF_PASSWORD, organisation=hamar)
    factory.user("ada", "admin", STAFF_PASSWORD, organisation=hamar)
    amina = factory.user("amina", group=group)
    olena = factory.user("olena", group=group, language="uk", display_name="Олена")
    victor = factory.user("victor", "teacher", STAFF_PASSWORD, organisation=hamar)
    elverum = factory.org("elverum", "Elverum kommune")
    other = factory.user("else", "coordinator", STAFF_PASSWORD, organisation=elverum)
    session = factory.session(group, place="Rom 2")
    session.checkin_code, session.checkin_open = CHECKIN_CODE, True
    _complete_everything(olena, catalogue)
    certificate = Certificate(organisation_id=hamar.id, user_id=olena.id, number="BS-2026-0001",
                              code=uuid.uuid4().hex, holder_name=olena.display_name,
                              language="uk", modules=[])
    quiz = next(lesson for module in catalogue.modules for lesson in module.lessons
                if lesson.questions)
    live = LiveClass(group_id=group.id, module_slug=quiz.module_slug, lesson_slug=quiz.slug,
                     started_by_id=tove.id, phase="quiz")
    db.session.add_all([certificate, live])
    db.session.commit()
    return World(hamar.id, elverum.id, other.id, group.id, other_group.id, group.join_code,
                 session.id, amina.id, olena.id, victor.id, certificate.number, live.id,
                 quiz.module_slug, quiz.slug, quiz, [m.slug for m in catalogue.modules])


def _complete_everything(user, catalogue) -> None:
    """Pass every quiz, so a certificate can be issued."""
    for module in catalogue.modules:
        for lesson in module.lessons:
            db.session.add(QuizAttempt(attempt_id=str(uuid.uuid4()), user_id=user.id,
                                       module_slug=module.slug, lesson_slug=lesson.slug,
                                       answers={}, score=100, passed=True))
    record_module_completions(catalogue, [user.id])


# What fills each kind of slot in a URL rule when every route is visited.
INT_SLOTS = {"group_id": "group", "session_id": "session", "user_id": "victim",
             "organisation_id": "other_org"}
TEXT_SLOTS = {"module_slug": "{w.module}", "slug": "{w.module}", "lesson_slug": "{w.lesson}",
              "number": "{w.certificate}", "code": "{w.join_code}", "filename": "icon.svg",
              "attempt_id": str(uuid.UUID(int=0))}
SLOT = re.compile(r"<(?:(\w+)(\([^)]*\))?:)?(\w+)>")


def route_address(rule: str, w: World, number: int | None = None,
                  text: str | None = None) -> str:
    """An address for any URL rule: the world's ids and names, or `number` in every <int:>
    slot and `text` in every string slot; an <any(...)> slot gets its first choice."""

    def slot(match) -> str:
        converter, arguments, name = match.groups()
        if converter == "int":
            return str(number if number is not None else getattr(w, INT_SLOTS[name]))
        if converter == "any":
            return re.search(r"[\w-]+", arguments).group(0)
        return quote(text, safe="") if text is not None else TEXT_SLOTS[name].format(w=w)

    return SLOT.sub(slot, rule)


def open_as(client, method: str, address: str, **kwargs):
    """Any method, through the test Client (which gives each request an empty `g`)."""
    return client.get(address, environ_overrides={"REQUEST_METHOD": method}, **kwargs)


def sign_in(client, role: str | None) -> str:
    """Sign the client in as `role` (or not at all); a CSRF token for its session."""
    if role:
        assert client.login(*ACCOUNTS[role]).status_code == 302
    return client.token("/" if role else "/login")


# --- what a fuzz target may need before each example ---------------------------------------

def unrevoke(world: World) -> None:
    """Let every example try to withdraw the certificate, not only the first."""
    db.session.execute(sa.update(Certificate).where(Certificate.number == world.certificate)
                       .values(revoked_at=None, revoke_reason=""))
    db.session.commit()


def quiz_on_screen(world: World) -> None:
    """The live class shows the first question of the quiz (an example may have stopped it)."""
    row = db.session.get(LiveClass, world.live)
    if row is None:
        teacher = db.session.scalar(sa.select(User.id).where(User.username == "tove"))
        row = LiveClass(id=world.live, group_id=world.group, started_by_id=teacher)
        db.session.add(row)
    row.module_slug, row.lesson_slug = world.quiz_lesson.module_slug, world.quiz_lesson.slug
    row.phase, row.question_index, row.slide = "quiz", 0, 0
    db.session.commit()


def session_tomorrow(world: World) -> None:
    """The session is soon, with an open check-in and a known code (examples change them)."""
    session = db.session.get(GroupSession, world.session)
    session.checkin_code, session.checkin_open = CHECKIN_CODE, True
    session.starts_at = datetime.now(UTC) + timedelta(hours=1)
    session.ends_at = session.starts_at + timedelta(minutes=90)
    db.session.commit()
