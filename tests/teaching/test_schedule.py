"""Participants' sessions and calendar files, and the teacher's group progress table."""

import uuid
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from housingschool.accounts.models import User, utcnow
from housingschool.extensions import db
from housingschool.learning.models import LessonProgress, QuizAttempt
from housingschool.teaching import progress

PIN = "482915"
STAFF_SECRET = "staff-pass-2026"
WINTER = datetime(2031, 1, 14, 10, 0, tzinfo=UTC)  # 11:00 in Oslo (UTC+1)
SUMMER = datetime(2031, 6, 17, 10, 0, tzinfo=UTC)  # 12:00 in Oslo (UTC+2)
SECRETS = {"amina": PIN, "bashir": PIN, "yonas": PIN, "tove": "teacher-pass-1",
           "tor": "teacher-pass-1", "cora": STAFF_SECRET, "olga": STAFF_SECRET}


@pytest.fixture
def world(factory):
    """Two groups in Hamar, a group in Oslo, and someone in every role."""
    hamar, oslo = factory.org(), factory.org("oslo", "Oslo kommune")
    ours = factory.group(hamar, "Boligskole vår", "HOME2026")
    theirs = factory.group(hamar, "Boligskole høst", "AUTUMN2026")
    factory.user("amina", group=ours)
    factory.user("yonas", group=theirs)
    factory.teacher_in(ours, "tove")
    factory.teacher_in(theirs, "tor")
    factory.user("cora", "coordinator", STAFF_SECRET, organisation=hamar)
    factory.user("olga", "coordinator", STAFF_SECRET, organisation=oslo)
    session = factory.session(ours, WINTER, lessons=["tenancy-rights/the-lease", "waste"],
                              place="Room 1, Hamar library")
    return SimpleNamespace(ours=ours, theirs=theirs, session=session)


def sign_in(client, username):
    assert client.login(username, SECRETS[username]).status_code == 302
    return client


def at(client, url):
    """The page at `url` as text, after checking it answered 200."""
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True).replace("\u202f", " ")


def attempt(user, lesson_key, score, passed, when):
    module_slug, lesson_slug = lesson_key.split("/")
    db.session.add(QuizAttempt(attempt_id=str(uuid.uuid4()), user_id=user.id, answers={},
                               module_slug=module_slug, lesson_slug=lesson_slug, score=score,
                               passed=passed, submitted_at=when))


class Tables(HTMLParser):
    """The text of every table cell on a page: {table class: [[cell text, ...], ...]}."""

    def __init__(self, html):
        super().__init__()
        self.tables, self._rows, self._cell = {}, None, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._rows = self.tables.setdefault(dict(attrs).get("class", ""), [])
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag in ("th", "td") and self._rows is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self._cell is not None:
            self._rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table":
            self._rows = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)

    def row(self, table, name):
        """The row of `table` (a class it has) whose header cell starts with `name`."""
        rows = next(rows for cls, rows in self.tables.items() if table in cls.split())
        return next(r for r in rows if r and r[0].startswith(name))


# --- My sessions ------------------------------------------------------------------------------

def test_participant_sees_upcoming_sessions_of_their_group_only(client, factory, world):
    factory.session(world.theirs, WINTER, place="Hall B, Hamar town hall")
    archived = factory.group(world.ours.organisation, "Old group", "OLD2025")
    archived.archived = True
    factory.session(archived, WINTER, place="Cellar of the old school")
    factory.user("bashir", group=archived)
    later = factory.session(world.ours, SUMMER, place="Room 2")
    page = at(sign_in(client, "amina"), "/sessions")
    assert "Room 1, Hamar library" in page and "Room 2" in page
    assert page.index("Room 1, Hamar library") < page.index("Room 2")  # soonest first
    assert "Hall B" not in page and "Cellar" not in page
    assert f'href="/sessions/{world.session.id}.ics"' in page
    assert f'href="/sessions/{later.id}.ics"' in page
    assert "Add to my calendar" in page
    assert f'href="/groups/{world.ours.id}/calendar.ics"' in page
    assert f'/groups/{world.theirs.id}/calendar.ics' not in page


def test_sessions_show_oslo_time_and_what_they_cover(client, factory, world):
    factory.session(world.ours, SUMMER, minutes=90)
    page = at(sign_in(client, "amina"), "/sessions")
    assert "Tuesday, January 14, 2031" in page
    assert "From 11:00 AM to 12:30 PM" in page  # winter: UTC+1
    assert "From 12:00 PM to 1:30 PM" in page  # summer: UTC+2
    assert "10:00 AM" not in page
    assert "The lease" in page and "Waste and recycling" in page


def test_past_sessions_show_own_attendance(client, factory, world):
    amina = db.session.scalar(sa.select(User).filter_by(username="amina"))
    yonas = db.session.scalar(sa.select(User).filter_by(username="yonas"))
    last_week = factory.session(world.ours, utcnow() - timedelta(days=7), place="Room 7")
    factory.session(world.ours, utcnow() - timedelta(days=14), place="Room 14")
    factory.attendance(last_week, amina, "late", 60)
    factory.attendance(factory.session(world.theirs, utcnow() - timedelta(days=7)), yonas)
    page = at(sign_in(client, "amina"), "/sessions")
    earlier = page[page.index("Earlier sessions"):]
    assert "Room 1" not in earlier  # upcoming, not earlier
    assert "You came late." in earlier
    assert "Your teacher has not marked this yet." in earlier
    assert "You were there." not in earlier  # Yonas's attendance, in another group


def test_participant_with_no_sessions_gets_a_kind_message(client, factory):
    factory.user("amina", group=factory.group())
    page = at(sign_in(client, "amina"), "/sessions")
    assert "No sessions are planned yet." in page


# --- Calendar files ---------------------------------------------------------------------------

def events(response):
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    return Calendar.from_ical(response.data).walk("VEVENT")


def test_session_calendar_file_has_one_event_in_utc(client, world):
    response = sign_in(client, "amina").get(f"/sessions/{world.session.id}.ics")
    (event,) = events(response)
    assert str(event["UID"]) == f"session-{world.session.id}@boligskolen"
    assert event["DTSTART"].dt == WINTER
    assert event["DTEND"].dt == WINTER + timedelta(minutes=90)
    assert b"DTSTART:20310114T100000Z" in response.data
    assert str(event["SUMMARY"]) == "Boligskole vår – Boligskolen"
    assert str(event["LOCATION"]) == "Room 1, Hamar library"
    assert "The lease" in str(event["DESCRIPTION"])
    assert "Waste and recycling" in str(event["DESCRIPTION"])
    assert response.headers["Content-Disposition"] == (
        'attachment; filename=boligskolen-boligskole-var-2031-01-14.ics')


def test_group_calendar_has_every_session_of_the_group(client, factory, world):
    later = factory.session(world.ours, SUMMER, place="Room 2")
    factory.session(world.theirs, WINTER, place="Hall B")
    response = sign_in(client, "amina").get(f"/groups/{world.ours.id}/calendar.ics")
    found = {str(e["UID"]): e for e in events(response)}
    assert set(found) == {f"session-{world.session.id}@boligskolen",
                          f"session-{later.id}@boligskolen"}
    assert found[f"session-{later.id}@boligskolen"]["DTSTART"].dt == SUMMER
    assert "attachment" in response.headers["Content-Disposition"]
    again = client.get(f"/groups/{world.ours.id}/calendar.ics")
    assert {str(e["UID"]) for e in events(again)} == set(found)  # UIDs stay the same


# --- Group progress ---------------------------------------------------------------------------

@pytest.fixture
def class_history(factory, world):
    """Amina is active with some lessons done; Bashir has done nothing for 15 days."""
    now = utcnow()
    amina = db.session.scalar(sa.select(User).filter_by(username="amina"))
    bashir = factory.user("bashir", group=world.ours)
    amina.last_seen_at = now - timedelta(days=1)
    bashir.created_at, bashir.last_seen_at = now - timedelta(days=30), now - timedelta(days=15)
    attempt(amina, "tenancy-rights/the-lease", 60, False, now - timedelta(days=3))
    attempt(amina, "tenancy-rights/the-lease", 100, True, now - timedelta(days=2))
    attempt(amina, "tenancy-rights/deposit-and-rent", 40, False, now - timedelta(days=2))
    db.session.add(LessonProgress(user_id=amina.id, module_slug="waste",
                                  lesson_slug="sorting-at-home", language="en"))
    held = [factory.session(world.ours, now - timedelta(days=d)) for d in (28, 21, 14, 7)]
    factory.attendance(held[0], amina, "present", 90)
    factory.attendance(held[1], amina, "late", 60)
    factory.attendance(held[2], amina, "absent", 0)
    factory.attendance(held[0], bashir, "present", 90)
    factory.attendance(held[1], bashir, "excused", 0)
    db.session.commit()
    return SimpleNamespace(amina=amina, bashir=bashir)


def lesson_cell(app, row, key):
    keys = [lesson.key for m in app.extensions["catalogue"].modules for lesson in m.lessons]
    return row[1 + keys.index(key)]


def test_progress_table_shows_done_and_scores_per_lesson(client, app, world, class_history):
    page = at(sign_in(client, "tove"), f"/teach/groups/{world.ours.id}/progress")
    amina = Tables(page).row("lesson-grid", "Amina")
    assert lesson_cell(app, amina, "tenancy-rights/the-lease") == "✓ Done, 100%"
    assert lesson_cell(app, amina, "tenancy-rights/deposit-and-rent") == "Not done yet, 40%"
    assert lesson_cell(app, amina, "waste/sorting-at-home") == "Opened"
    assert lesson_cell(app, amina, "waste/which-bin") == "– Not started"
    assert 'aria-current="page"' in page and "Present a lesson" in page  # the group's nav


def test_progress_table_shows_attendance_rate_and_time(client, world, class_history):
    page = at(sign_in(client, "tove"), f"/teach/groups/{world.ours.id}/progress")
    tables = Tables(page)
    # 4 sessions held (the one next year is not): present + late count, absent/excused do not.
    assert tables.row("summary-table", "Amina")[2:6] == ["50%", "2 of 4", "150", "2.5"]
    assert tables.row("summary-table", "Bashir")[2:6] == ["25%", "1 of 4", "90", "1.5"]
    assert tables.row("summary-table", "Amina")[1] == f"1 of {lesson_total(client)}"


def lesson_total(client):
    return sum(len(m.lessons) for m in client.http.application.extensions["catalogue"].modules)


def test_inactive_participant_is_labelled_in_words(client, world, class_history):
    page = at(sign_in(client, "tove"), f"/teach/groups/{world.ours.id}/progress")
    tables = Tables(page)
    assert "Not active for 14 days" in tables.row("summary-table", "Bashir")[0]
    assert "Not active" not in tables.row("summary-table", "Amina")[0]
    assert "1 participant has not been active for 14 days." in page


def test_quiz_or_lesson_counts_as_activity_without_a_sign_in(ctx, factory, app):
    group = factory.group()
    now = utcnow()
    quiz, reader = factory.user("quizzer", group=group), factory.user("reader", group=group)
    for user in (quiz, reader):
        user.created_at = user.last_seen_at = now - timedelta(days=40)
    attempt(quiz, "waste/which-bin", 80, True, now - timedelta(days=13))
    db.session.add(LessonProgress(user_id=reader.id, module_slug="waste", language="nb",
                                  lesson_slug="which-bin", opened_at=now - timedelta(days=15)))
    db.session.commit()
    rows = {r.user.username: r for r in progress.group_progress(
        group, app.extensions["catalogue"], now).rows}
    assert not rows["quizzer"].inactive
    assert rows["reader"].inactive


def test_progress_table_reads_in_a_few_queries_however_big_the_group(ctx, factory, app, world):
    statements = []

    def record(_connection, _cursor, statement, *_args):
        statements.append(statement)

    def queries_for_a_group_of(size):
        while len(progress.group_participants(world.ours)) < size:
            factory.user(f"learner{uuid.uuid4().hex[:8]}", group=world.ours)
        statements.clear()
        sa.event.listen(db.engine, "before_cursor_execute", record)
        try:
            progress.group_progress(world.ours, app.extensions["catalogue"], utcnow())
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", record)
        return len(statements)

    assert queries_for_a_group_of(2) == queries_for_a_group_of(9) <= 5


def test_progress_tables_scroll_inside_a_labelled_region(client, world, class_history):
    page = at(sign_in(client, "cora"), f"/teach/groups/{world.ours.id}/progress")
    assert page.count('role="region"') == 2 and page.count('tabindex="0"') == 2
    assert page.count("<caption>") == 2
    assert 'scope="colgroup"' in page and 'scope="row"' in page


# --- Who may see what -------------------------------------------------------------------------

ROUTES = {
    "my sessions": lambda w: "/sessions",
    "session .ics": lambda w: f"/sessions/{w.session.id}.ics",
    "group .ics": lambda w: f"/groups/{w.ours.id}/calendar.ics",
    "group progress": lambda w: f"/teach/groups/{w.ours.id}/progress",
}
# Who signs in: a participant of the group (amina), of another group (yonas), the group's
# teacher (tove), a teacher of another group (tor), coordinators of the same (cora) and of
# another organisation (olga).
EXPECTED = {
    "my sessions": {"amina": 200, "yonas": 200, "tove": 403, "tor": 403, "cora": 403,
                    "olga": 403},
    "session .ics": {"amina": 200, "yonas": 404, "tove": 200, "tor": 404, "cora": 200,
                     "olga": 404},
    "group .ics": {"amina": 200, "yonas": 404, "tove": 200, "tor": 404, "cora": 200,
                   "olga": 404},
    "group progress": {"amina": 403, "yonas": 403, "tove": 200, "tor": 404, "cora": 200,
                       "olga": 404},
}
MATRIX = [(route, who, code) for route, codes in EXPECTED.items() for who, code in codes.items()]


@pytest.mark.parametrize("route", ROUTES)
def test_anonymous_visitors_are_sent_to_sign_in(client, world, route):
    response = client.get(ROUTES[route](world))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize(("route", "who", "status"), MATRIX)
def test_role_matrix(client, world, route, who, status):
    assert sign_in(client, who).get(ROUTES[route](world)).status_code == status


def test_ids_of_missing_sessions_and_groups_are_404(client, world):
    sign_in(client, "cora")
    assert client.get("/sessions/999999.ics").status_code == 404
    assert client.get("/groups/999999/calendar.ics").status_code == 404
    assert client.get("/teach/groups/999999/progress").status_code == 404
