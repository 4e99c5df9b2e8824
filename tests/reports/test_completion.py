"""The completion export: participants × modules with the Oslo date each was completed."""

import csv
import io
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from openpyxl import load_workbook

from housingschool.extensions import db
from housingschool.reports.models import AuditEvent
from housingschool.teaching.models import Membership

OSLO = ZoneInfo("Europe/Oslo")
FIXED = ["Name", "Username", "Groups", "Modules completed"]


def read_csv(response) -> tuple[list[str], dict[str, list[str]]]:
    assert response.mimetype == "text/csv"
    assert response.data.startswith("\ufeff".encode())  # BOM: Excel reads UTF-8
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    return rows[0], {row[0]: row for row in rows[1:]}


def test_csv_has_a_row_per_participant_and_a_date_per_completed_module(app, school,
                                                                       coordinator):
    header, body = read_csv(coordinator.get("/reports/completion?format=csv&lang=en"))
    catalogue = app.extensions["catalogue"]
    assert header == FIXED + [m.text("nb").text.title for m in catalogue.modules]
    assert sorted(body) == ["Yonas Tesfay", "Åse Ødegård", "Маріям Коваленко", "محمد الأحمد"]
    waste = header.index(catalogue.module("waste").text("nb").text.title)
    tenancy = header.index(catalogue.module("tenancy-rights").text("nb").text.title)
    mariam = body["Маріям Коваленко"]
    assert mariam[1:4] == ["mariam", "Boligskole vår", "1"]
    assert mariam[waste] == (school.now - timedelta(days=10)).astimezone(OSLO).date().isoformat()
    assert mariam[tenancy] == ""
    # 30 June 22:30 UTC is 1 July in Oslo
    assert body["Åse Ødegård"][tenancy] == "2026-07-01"
    assert body["محمد الأحمد"][3:] == ["0"] + [""] * 7


def test_xlsx_has_the_same_numbers_and_real_dates(app, school, coordinator):
    response = coordinator.get(f"/reports/completion?format=xlsx&group={school.autumn.id}"
                               "&lang=en")
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0][:4]) == FIXED
    assert len(rows) == 2  # the autumn group has only Åse
    tenancy = rows[0].index(app.extensions["catalogue"].module("tenancy-rights")
                            .text("nb").text.title)
    assert rows[1][:4] == ("Åse Ødegård", "aase", "Boligskole høst", 1)
    assert rows[1][tenancy].date() == date(2026, 7, 1)


def test_group_filter_keeps_every_group_of_its_members(school, factory, coordinator):
    db.session.add(Membership(group=school.autumn, user=school.mariam))
    db.session.commit()
    _header, body = read_csv(coordinator.get(
        f"/reports/completion?format=csv&group={school.spring.id}&lang=en"))
    assert sorted(body) == ["Yonas Tesfay", "Маріям Коваленко", "محمد الأحمد"]
    assert body["Маріям Коваленко"][2] == "Boligskole høst, Boligskole vår"


def test_participants_in_no_group_are_in_the_whole_export(school, factory, coordinator):
    factory.user("loner", organisation=school.spring.organisation, display_name="Sara Alene")
    _header, body = read_csv(coordinator.get("/reports/completion?format=csv&lang=en"))
    assert body["Sara Alene"][1:4] == ["loner", "", "0"]


def test_every_export_is_in_the_audit_log_and_the_page_explains_it(school, coordinator):
    page = coordinator.get("/reports/completion?lang=en").get_data(as_text=True)
    assert 'name="format" value="csv"' in page and 'name="format" value="xlsx"' in page
    assert f'<option value="{school.spring.id}"' in page
    coordinator.get("/reports/completion?format=csv")
    coordinator.get(f"/reports/completion?format=xlsx&group={school.spring.id}")
    events = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.action, e.detail) for e in events] == [
        ("export.completion.csv", {"group": None, "rows": 4}),
        ("export.completion.xlsx", {"group": school.spring.id, "rows": 3})]


def test_another_organisation_exports_only_its_own_people(school, client):
    client.login("ola", "long-enough-1")
    _header, body = read_csv(client.get("/reports/completion?format=csv&lang=en"))
    assert list(body) == ["Olav Oslo"]
    assert body["Olav Oslo"][3] == "1"


def test_an_anonymised_participant_is_listed_without_a_name(school, coordinator):
    school.mohammed.anonymised_at = school.now
    school.mohammed.display_name = "Deleted participant"
    school.mohammed.username = "deleted-2"
    db.session.commit()
    _header, body = read_csv(coordinator.get("/reports/completion?format=csv&lang=en"))
    assert "محمد الأحمد" not in body and body["Deleted participant"][1] == "deleted-2"
