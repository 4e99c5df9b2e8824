"""Generate one large organisation for bench/reports_scale.py, with bulk inserts.

Per participant: every one of the course's lessons opened once (the course has 23 lessons, so
23 progress rows; a lesson can be opened only once) and 35 quiz attempts (every lesson once,
then a second try at the first 12 lessons), so about 70 % of lessons end up passed and some
are failed twice. The modules completed are then worked out from those attempts, as the site
notes them when a quiz is passed (learning.services.record_module_completions). Per group: 25
participants, a teacher and 20 weekly sessions in the past, each with an attendance mark for
every participant (present, late, excused or absent). Seeded, so every run makes the same data.
"""

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from housingschool.accounts.models import Organisation, User
from housingschool.content.catalogue import Catalogue
from housingschool.extensions import db
from housingschool.learning.models import LessonProgress, QuizAttempt
from housingschool.learning.services import record_module_completions
from housingschool.teaching.models import Attendance, Group, GroupSession, Membership

PER_GROUP = 25
SESSIONS = 20
ATTEMPTS = 35
COORDINATOR_PASSWORD = "bench-coordinator-1"  # noqa: S105 - a throwaway bench database
STATUSES = (("present", 0.75), ("late", 0.08), ("excused", 0.05), ("absent", 0.12))
BATCH = 20_000


@dataclass
class Generated:
    """What the bench needs to know about the data it made."""

    organisation_id: int
    coordinator_id: int
    group_id: int
    participant_id: int
    rows: dict[str, int]


def _insert(model, rows: list[dict]) -> int:
    """Bulk insert (executemany / insertmanyvalues), in batches; returns the row count."""
    for start in range(0, len(rows), BATCH):
        db.session.execute(sa.insert(model.__table__), rows[start:start + BATCH])
    return len(rows)


def _fix_sequences(tables: list[str]) -> None:
    """PostgreSQL: move id sequences past the ids we chose ourselves."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in tables:
        db.session.execute(sa.text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - our names
            f"(SELECT max(id) FROM {table}))"))


def generate(participants: int, catalogue: Catalogue, now: datetime) -> Generated:
    """Make the organisation, its groups, people, progress, sessions and attendance."""
    rng = random.Random(20261123)  # noqa: S311 - test data, not secrets
    lessons = [lesson for module in catalogue.modules for lesson in module.lessons]
    groups = max(1, participants // PER_GROUP)
    fast_hash = generate_password_hash("participant-pin-1", method="pbkdf2:sha256:1000")
    org = Organisation(slug="bench", name="Bench kommune")
    db.session.add(org)
    db.session.flush()

    def user(uid: int, username: str, name: str, role: str, **more) -> dict:
        return {"id": uid, "organisation_id": org.id, "username": username,
                "display_name": name, "role": role, "password_hash": fast_hash,
                "created_at": now, "active": True, **more}

    coordinator = user(1, "coordinator", "Kari Koordinator", "coordinator",
                       password_hash=generate_password_hash(COORDINATOR_PASSWORD))
    users, members, group_rows = [coordinator], [], []
    for g in range(1, groups + 1):
        group_rows.append({"id": g, "organisation_id": org.id, "name": f"Boligskole {g:04}",
                           "join_code": f"BENCH{g:05}", "languages": ["nb"],
                           "archived": False, "created_at": now})
        users.append(user(len(users) + 1, f"teacher{g}", f"Lærer {g}", "teacher"))
        members.append({"group_id": g, "user_id": len(users), "joined_at": now})
    first_participant = len(users) + 1
    people = []
    for p in range(participants):
        uid, group_id = first_participant + p, p % groups + 1
        started = now - timedelta(days=rng.randint(20, 200))
        # Some keep going until today, some stopped weeks ago (they need follow-up).
        until = min(now, started + timedelta(days=rng.randint(14, 200)))
        users.append(user(uid, f"p{p:05}", f"{rng.choice(NAMES)} {p:05}", "participant",
                          created_at=started - timedelta(days=3), last_seen_at=until))
        members.append({"group_id": group_id, "user_id": uid, "joined_at": started})
        people.append((uid, group_id, started, until))
    rows = {"organisation": 1, "course_group": _insert(Group, group_rows),
            "app_user": _insert(User, users), "membership": _insert(Membership, members)}
    rows["lesson_progress"], rows["quiz_attempt"] = _progress(people, lessons, now, rng)
    rows["module_completion"] = record_module_completions(catalogue)
    rows["group_session"], rows["attendance"] = _sessions(people, groups, now, rng, 1)
    _fix_sequences(["app_user", "course_group", "group_session"])
    db.session.commit()
    return Generated(org.id, 1, 1, first_participant, rows)


def _progress(people, lessons, now: datetime, rng: random.Random) -> tuple[int, int]:
    opened, attempts = [], []
    for uid, _group, started, until in people:
        span = max((until - started).total_seconds(), 3600)
        for index, lesson in enumerate(lessons):
            opened.append({"user_id": uid, "module_slug": lesson.module_slug,
                           "lesson_slug": lesson.slug, "language": "nb",
                           "opened_at": started + timedelta(seconds=span * index / len(lessons))})
        for n in range(ATTEMPTS):
            lesson, second_try = lessons[n % len(lessons)], n >= len(lessons)
            when = started + timedelta(seconds=span * (n % len(lessons) + 0.5) / len(lessons)
                                       + (3600 if second_try else 0))
            passed = rng.random() < (0.6 if second_try else 0.7)
            attempts.append({
                "attempt_id": str(uuid.UUID(int=rng.getrandbits(128))), "user_id": uid,
                "module_slug": lesson.module_slug, "lesson_slug": lesson.slug, "answers": {},
                "passed": passed, "submitted_at": min(when, now),
                "score": rng.randint(80, 100) if passed else rng.randint(20, 70)})
    return _insert(LessonProgress, opened), _insert(QuizAttempt, attempts)


def _sessions(people, groups: int, now: datetime, rng: random.Random,
              marker: int) -> tuple[int, int]:
    sessions, marks, by_group = [], [], {}
    for uid, group_id, _started, _until in people:
        by_group.setdefault(group_id, []).append(uid)
    statuses, weights = zip(*STATUSES, strict=True)
    first_week = now.replace(hour=15, minute=0, second=0, microsecond=0) - timedelta(weeks=20)
    for g in range(1, groups + 1):
        for week in range(SESSIONS):
            sid = len(sessions) + 1
            starts = first_week + timedelta(weeks=week, hours=g % 5)
            sessions.append({"id": sid, "group_id": g, "starts_at": starts,
                             "ends_at": starts + timedelta(minutes=90), "place": "Rom 1",
                             "lessons": [rng.choice(MODULES)], "interpreter_languages": [],
                             "notes": "", "checkin_open": False, "created_at": now})
            for uid in by_group.get(g, []):
                status = rng.choices(statuses, weights)[0]
                marks.append({"session_id": sid, "user_id": uid, "status": status,
                              "minutes": {"present": 90, "late": 75}.get(status, 0),
                              "method": "teacher", "marked_by_id": marker,
                              "marked_at": starts + timedelta(minutes=100)})
    return _insert(GroupSession, sessions), _insert(Attendance, marks)


MODULES = ["tenancy-rights", "cleaning", "waste", "neighbours", "budgeting", "finding-a-home",
           "fire-safety"]
NAMES = ["Маріям Коваленко", "محمد الأحمد", "Åse Ødegård", "ዮናስ ተስፋይ", "Fatima Hassan",
         "Olena Shevchenko", "Abdi Warsame", "زهرا احمدی", "Ola Nordmann", "Amina Yusuf"]
