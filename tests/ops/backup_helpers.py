"""Helpers for the backup tests: the data of every table, and a thread that keeps writing."""

import threading
import time

import sqlalchemy as sa

from housingschool.accounts.models import User
from housingschool.extensions import db
from housingschool.learning.models import QuizAttempt
from housingschool.teaching.models import Attendance

WRITER_PREFIX = "writer-"


def every_row() -> dict[str, list[tuple]]:
    """Every row of every table of the app, in primary-key order, read on a new connection."""
    db.session.remove()
    with db.engine.connect() as connection:
        return {table.name: [tuple(row) for row in connection.execute(
                    table.select().order_by(*table.primary_key.columns))]
                for table in db.metadata.sorted_tables}


def current_revision() -> str:
    return db.session.scalar(sa.text("SELECT version_num FROM alembic_version"))


def set_revision(revision: str) -> None:
    db.session.execute(sa.text("UPDATE alembic_version SET version_num = :revision"),
                       {"revision": revision})
    db.session.commit()


def writer_rows() -> tuple[int, int, int]:
    """How many participants, quiz attempts and attendance rows the Writer made."""
    users = sa.select(User.id).where(User.username.startswith(WRITER_PREFIX))
    count = sa.func.count()
    return (db.session.scalar(sa.select(count).where(User.id.in_(users))),
            db.session.scalar(sa.select(count).where(QuizAttempt.user_id.in_(users))),
            db.session.scalar(sa.select(count).where(Attendance.user_id.in_(users))))


class Writer(threading.Thread):
    """Like a busy app: adds participants, each with a quiz attempt and an attendance row, in
    one transaction apiece, until stopped. A backup must hold whole transactions only."""

    def __init__(self, app, organisation_id: int, session_id: int):
        super().__init__(daemon=True)
        self.app, self.organisation_id, self.session_id = app, organisation_id, session_id
        self.commits = 0
        self.stopping = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with self.app.app_context():
                while not self.stopping.is_set():
                    self._one_participant()
                    self.commits += 1
        except BaseException as error:  # noqa: BLE001 - reported by the test, not lost
            self.error = error

    def _one_participant(self) -> None:
        number = self.commits
        user = User(organisation_id=self.organisation_id, username=f"{WRITER_PREFIX}{number}",
                    stored_name=f"Writer {number}", role="participant", password_hash="x")
        db.session.add(user)
        db.session.flush()
        db.session.add_all([
            QuizAttempt(attempt_id=f"w{number}", user_id=user.id, module_slug="waste",
                        lesson_slug="which-bin", answers={"q1": ["a"]}, score=100, passed=True),
            Attendance(session_id=self.session_id, user_id=user.id, status="present",
                       minutes=90, method="self", marked_by_id=user.id),
        ])
        db.session.commit()

    def wait_for(self, commits: int, timeout: float = 30) -> None:
        """Block until the writer has committed this many transactions in all."""
        deadline = time.monotonic() + timeout
        while self.commits < commits and self.error is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert self.error is None, f"the writer failed: {self.error!r}"
        assert self.commits >= commits, "the writer stalled"

    def finish(self) -> int:
        """Stop, and return how many transactions were committed."""
        self.stopping.set()
        self.join(timeout=30)
        assert self.error is None, f"the writer failed: {self.error!r}"
        return self.commits
