"""Reports cost the same number of SQL statements whatever the number of participants."""

from contextlib import contextmanager
from datetime import timedelta

import sqlalchemy as sa
from story import attempt, complete, opened

from housingschool.extensions import db


@contextmanager
def counting():
    """Count the SQL statements run inside the block."""
    seen = []

    def count(*_args):
        seen.append(1)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)


def statements(client, urls: list[str]) -> list[int]:
    result = []
    for url in urls:
        with counting() as seen:
            assert client.get(url).status_code == 200, url
        result.append(len(seen))
    return result


def test_statement_counts_do_not_grow_with_participants(app, school, factory, coordinator):
    urls = ["/reports/", f"/reports/groups/{school.spring.id}",
            f"/reports/participants/{school.mariam.id}", "/reports/completion?format=csv",
            "/reports/hours?format=csv"]
    before = statements(coordinator, urls)
    catalogue = app.extensions["catalogue"]
    for number in range(20):
        user = factory.user(f"extra{number}", group=school.spring)
        complete(user, catalogue, "cleaning", school.now - timedelta(days=number))
        opened(user, "waste/which-bin", school.now - timedelta(days=number))
        attempt(user, "waste/which-bin", False, school.now - timedelta(days=number))
        factory.attendance(school.sessions[0], user, "present")
    db.session.commit()
    assert statements(coordinator, urls) == before
    assert max(before) <= 15
