"""The attendance hours report: numbers a caseworker can rely on, in CSV and XLSX, logged."""

import csv
import io
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from housingschool.extensions import db
from housingschool.reports.models import AuditEvent

PASSWORD = "long-enough-1"
URL = "/reports/hours?start=2027-01-01&end=2027-01-31"


@pytest.fixture
def january(factory):
    """One group: two January sessions (90 min each) and one in February; three people."""
    group = factory.group()
    coordinator = factory.user("kari", "coordinator", PASSWORD, organisation=group.organisation)
    fatima = factory.user("fatima", group=group, display_name="فاطمة")
    aase = factory.user("aase", group=group, display_name="Åse Ødegård")
    yonas = factory.user("yonas", group=group, display_name="ዮናስ")
    first = factory.session(group, datetime(2027, 1, 12, 16, tzinfo=UTC),
                            lessons=["tenancy-rights", "waste/which-bin"])
    second = factory.session(group, datetime(2027, 1, 19, 16, tzinfo=UTC),
                             lessons=["tenancy-rights/duties"])
    february = factory.session(group, datetime(2027, 2, 2, 16, tzinfo=UTC))
    for session, user, status, minutes in [
            (first, fatima, "present", 90), (second, fatima, "late", 60),
            (first, aase, "absent", 0), (second, aase, "present", 90),
            (february, aase, "present", 90), (first, yonas, "excused", 0)]:
        factory.attendance(session, user, status, minutes, marked_by=coordinator)
    return group


def sign_in(client):
    assert client.login("kari", PASSWORD).status_code == 302


def test_page_shows_sessions_attended_and_hours_per_participant(january, client):
    sign_in(client)
    page = client.get(URL).get_data(as_text=True)
    assert "<th scope=\"row\">فاطمة</th><td>2</td><td>2</td><td>2.5</td>" in page
    assert "<th scope=\"row\">Åse Ødegård</th><td>2</td><td>1</td><td>1.5</td>" in page
    assert "<th scope=\"row\">ዮናስ</th><td>2</td><td>0</td><td>0.0</td>" in page


def test_csv_opens_in_excel_with_non_latin_names_and_right_numbers(january, client):
    sign_in(client)
    response = client.get(URL + "&format=csv")
    assert response.mimetype == "text/csv"
    assert response.data.startswith("\ufeff".encode())  # BOM: Excel reads UTF-8
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    header, body = rows[0], {row[0]: row for row in rows[1:]}
    assert header[:7] == ["Name", "Username", "Groups", "Sessions", "Attended", "Minutes",
                          "Hours"]
    assert body["فاطمة"][3:7] == ["2", "2", "150", "2.5"]
    assert body["Åse Ødegård"][3:7] == ["2", "1", "90", "1.5"]
    tenancy = header.index("Hours: Dine rettigheter som leietaker")
    waste = header.index("Hours: Avfall og kildesortering")
    # fatima: 90 min shared by tenancy and waste, then 60 min tenancy = 1.75 h and 0.75 h
    assert (body["فاطمة"][tenancy], body["فاطمة"][waste]) == ("1.75", "0.75")


def test_xlsx_has_the_same_numbers(january, client):
    sign_in(client)
    response = client.get(URL + "&format=xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values["فاطمة"][3:7] == (2, 2, 150, 2.5)
    assert values["ዮናስ"][3:7] == (2, 0, 0, 0)


def test_every_view_and_export_is_in_the_audit_log(january, client):
    sign_in(client)
    client.get(URL)
    client.get(URL + "&format=csv")
    client.get(URL + "&format=xlsx")
    events = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["view.hours", "export.hours.csv", "export.hours.xlsx"]
    assert all(e.actor_id and e.detail["rows"] == 3 for e in events)


def test_bad_dates_are_explained_and_kept(january, client):
    sign_in(client)
    response = client.get("/reports/hours?start=2027-02-01&end=2027-01-01")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "The last day is before the first day" in page
    assert 'value="2027-02-01"' in page
    wrong = client.get("/reports/hours?start=31.01.2027").get_data(as_text=True)
    assert "year-month-day" in wrong and 'value="31.01.2027"' in wrong


@pytest.mark.parametrize("who, status", [("amina", 403), ("tove", 403), ("ola", 404)])
def test_only_coordinators_of_the_organisation_see_the_report(january, client, factory, who,
                                                              status):
    factory.user("amina", group=january, secret=PASSWORD)
    factory.user("tove", "teacher", PASSWORD, organisation=january.organisation)
    factory.user("ola", "coordinator", PASSWORD, organisation=factory.org("oslo", "Oslo"))
    client.login(who, PASSWORD)
    url = f"{URL}&group={january.id}" if who == "ola" else URL
    assert client.get(url).status_code == status
    assert client.get(url + "&format=csv").status_code == status


def test_another_organisation_sees_none_of_these_people(january, client, factory):
    factory.user("ola", "coordinator", PASSWORD, organisation=factory.org("oslo", "Oslo"))
    client.login("ola", PASSWORD)
    body = client.get(URL + "&format=csv").data.decode("utf-8-sig")
    assert "فاطمة" not in body and body.count("\n") == 1  # the header only
