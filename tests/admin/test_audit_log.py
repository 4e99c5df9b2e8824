"""The admin's audit log: who looked at or downloaded whose data, newest first, filtered."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from housingschool.extensions import db
from housingschool.reports.models import AuditEvent

ROW = re.compile(r"<tr>\s*<td class=\"nowrap\">(.*?)</tr>", re.S)


def _rows(response) -> list[str]:
    return ROW.findall(response.get_data(as_text=True))


@pytest.fixture
def log(factory):
    """Two organisations with a few events each, on known days (noon, Oslo summer time)."""
    hamar, oslo = factory.org(), factory.org("oslo", "Oslo kommune")
    root = factory.user("root", "admin", "admin-pass-1", organisation=hamar)
    kari = factory.user("kari", "coordinator", "long-enough-1", organisation=hamar,
                        display_name="Kari Nordmann")
    ola = factory.user("ola", "coordinator", "long-enough-1", organisation=oslo,
                       display_name="Ola Berg")
    amina = factory.user("amina", organisation=hamar, display_name="أمينة")

    def event(org, actor, action, day, subject=None, **detail):
        db.session.add(AuditEvent(
            organisation_id=org.id, actor_id=actor.id, action=action,
            subject_id=subject.id if subject else None, detail=detail,
            created_at=datetime(2027, 5, day, 10, 0, tzinfo=UTC)))

    event(hamar, kari, "view.hours", 3, start="2027-05-01", end="2027-05-31", rows=12)
    event(hamar, kari, "export.hours.csv", 4, start="2027-05-01", end="2027-05-31", rows=12)
    event(hamar, kari, "view.participant", 5, subject=amina)
    event(oslo, ola, "certificate.revoke", 6)
    event(hamar, amina, "export.self", 7, subject=amina)
    event(oslo, ola, "something.new", 8)
    db.session.commit()
    return {"hamar": hamar, "oslo": oslo, "root": root}


def _admin_client(client):
    assert client.login("root", "admin-pass-1").status_code == 302
    return client


def test_audit_log_lists_events_newest_first_in_plain_words(client, log):
    rows = _rows(_admin_client(client).get("/admin/audit"))
    assert len(rows) == 6
    assert "something.new" in rows[0]  # unknown actions are shown as recorded
    assert "Downloaded their own data" in rows[1] and "أمينة" in rows[1]
    assert "(participant)" in rows[1]
    assert "Revoked a certificate" in rows[2] and "Ola Berg" in rows[2]
    assert "Oslo kommune" in rows[2] and "—" in rows[2]  # about no one person
    assert "Looked at a participant&#39;s page" in rows[3] and "أمينة" in rows[3]
    assert "Downloaded attendance hours (CSV)" in rows[4] and "rows: 12" in rows[4]
    assert "Kari Nordmann" in rows[5] and "(coordinator)" in rows[5]


def test_audit_log_filters_by_organisation_action_and_dates(client, log):
    admin = _admin_client(client)
    oslo = _rows(admin.get(f"/admin/audit?organisation={log['oslo'].id}"))
    assert len(oslo) == 2 and all("Ola Berg" in row for row in oslo)
    hours = _rows(admin.get("/admin/audit?action=export.hours.csv"))
    assert len(hours) == 1 and "CSV" in hours[0]
    exports = _rows(admin.get("/admin/audit?action=export.*"))
    assert len(exports) == 2
    days = _rows(admin.get("/admin/audit?start=2027-05-04&end=2027-05-06"))
    assert [("CSV" in r, "أمينة" in r, "certificate" in r) for r in days] == [
        (False, False, True), (False, True, False), (True, False, False)]
    both = _rows(admin.get(f"/admin/audit?organisation={log['hamar'].id}&action=view.*"
                           "&start=2027-05-04"))
    assert len(both) == 1 and "أمينة" in both[0]
    page = admin.get("/admin/audit?action=export.*").get_data(as_text=True)
    assert 'value="export.*" selected' in page


def test_bad_dates_are_explained_and_kept(client, log):
    admin = _admin_client(client)
    response = admin.get("/admin/audit?start=5.3.2027&end=2027-05-01")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="5.3.2027"' in page and "year-month-day" in page
    backwards = client.get("/admin/audit?start=2027-05-09&end=2027-05-01")
    assert backwards.status_code == 422


def test_audit_log_pages_by_fifty_with_a_fixed_number_of_queries(client, log, app):
    hamar, root = log["hamar"], log["root"]
    start = datetime(2027, 6, 1, tzinfo=UTC)
    admin = _admin_client(client)

    def statements(url):
        seen = []

        def count(*_args):
            seen.append(1)

        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            response = admin.get(url)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)
        return response, len(seen)

    _few, few_statements = statements("/admin/audit")
    db.session.add_all(AuditEvent(organisation_id=hamar.id, actor_id=root.id,
                                  action="view.hours", detail={"n": n},
                                  created_at=start + timedelta(minutes=n)) for n in range(114))
    db.session.commit()
    first, many_statements = statements("/admin/audit")
    assert many_statements == few_statements
    rows = _rows(first)
    assert len(rows) == 50 and "n: 113" in rows[0] and "n: 64" in rows[49]
    assert 'rel="next"' in first.get_data(as_text=True)
    assert 'rel="prev"' not in first.get_data(as_text=True)
    last = admin.get("/admin/audit?page=3")
    assert len(_rows(last)) == 120 - 100
    assert 'rel="next"' not in last.get_data(as_text=True)
    filtered = admin.get("/admin/audit?action=view.hours&page=2").get_data(as_text=True)
    assert "action=view.hours" in filtered and "page=3" in filtered
