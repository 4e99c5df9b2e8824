"""Teachers run groups: create, join sheet, participants in bulk with login cards, PINs, moves."""

import re

import sqlalchemy as sa

from housingschool.accounts.models import User
from housingschool.accounts.services import authenticate
from housingschool.extensions import db
from housingschool.teaching.models import Group, Membership
from housingschool.teaching.qr import qr_svg


def teacher_client(client, factory, group=None):
    group = group or factory.group()
    factory.teacher_in(group)
    client.login("tove", "teacher-pass-1")
    return group


def test_teacher_creates_a_group_and_teaches_it(client, factory):
    factory.teacher_in(factory.group(name="Other"))
    client.login("tove", "teacher-pass-1")
    response = client.post_form("/teach/groups/new", {
        "name": "Boligskole vår 2027", "languages": ["nb", "ar"],
        "starts_on": "2027-01-10", "ends_on": "2027-03-10"})
    assert response.status_code == 302
    group = db.session.scalar(sa.select(Group).where(Group.name == "Boligskole vår 2027"))
    assert group.languages == ["nb", "ar"] and re.fullmatch(r"[A-Z0-9]{8}", group.join_code)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert group.join_code in page and "Print the join sheet" in page


def test_group_dates_in_the_wrong_order_keep_what_was_typed(client, factory):
    teacher_client(client, factory)
    response = client.post_form("/teach/groups/new", {
        "name": "Spring", "starts_on": "2027-03-10", "ends_on": "2027-01-10"})
    page = response.get_data(as_text=True)
    assert "The last day is before the first day" in page and 'value="Spring"' in page


def test_join_sheet_has_the_code_and_a_qr_code(client, factory):
    group = teacher_client(client, factory)
    page = client.get(f"/teach/groups/{group.id}/join-sheet").get_data(as_text=True)
    assert group.join_code in page
    assert qr_svg(f"http://localhost/join?code={group.join_code}") in page  # QR opens the join page


def test_bulk_add_makes_accounts_and_login_cards(client, factory):
    group = teacher_client(client, factory)
    response = client.post_form(f"/teach/groups/{group.id}/participants/add",
                                {"names": "Amina\n\n  Yonas  Tesfay \nÅse Ødegård\nفاطمة\n"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "shown only once" in page
    users = db.session.scalars(sa.select(User).join(Membership, Membership.user_id == User.id)
                               .where(Membership.group_id == group.id,
                                      User.role == "participant")).all()
    assert sorted(u.display_name for u in users) == ["Amina", "Yonas Tesfay", "Åse Ødegård",
                                                     "فاطمة"]
    assert {u.username for u in users} >= {"amina", "yonas", "ase"}
    pins = re.findall(r'<dd class="card-value">(\d{6})</dd>', page)
    assert len(pins) == 4
    amina = next(u for u in users if u.username == "amina")
    pin = re.search(r"amina</dd></div>\s*<div><dt>PIN</dt><dd class=\"card-value\">(\d{6})",
                    page).group(1)
    assert authenticate("amina", pin).id == amina.id
    assert qr_svg("http://localhost/login?username=amina") in page


def test_bulk_add_refuses_empty_and_duplicate_names_and_keeps_the_list(client, factory):
    group = teacher_client(client, factory)
    empty = client.post_form(f"/teach/groups/{group.id}/participants/add", {"names": " \n "})
    assert "Write at least one name" in empty.get_data(as_text=True)
    twice = client.post_form(f"/teach/groups/{group.id}/participants/add",
                             {"names": "Amina\nYonas\namina"})
    page = twice.get_data(as_text=True)
    assert "These names appear more than once: amina" in page and "Yonas" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User).where(
        User.role == "participant")) == 0


def test_same_first_name_in_another_group_gets_a_free_username(client, factory):
    factory.user("amina")
    group = teacher_client(client, factory)
    client.post_form(f"/teach/groups/{group.id}/participants/add", {"names": "Amina K."})
    assert db.session.scalar(sa.select(User.username).where(User.display_name == "Amina K.")) \
        == "amina2"


def test_reset_pin_gives_a_new_working_pin(client, factory):
    group = teacher_client(client, factory)
    amina = factory.user("amina", group=group)
    page = client.post_form(f"/teach/groups/{group.id}/participants/{amina.id}/reset-pin", {},
                            page=f"/teach/groups/{group.id}").get_data(as_text=True)
    pin = re.search(r'<dd class="card-value">(\d{6})</dd>', page).group(1)
    assert authenticate("amina", pin) and not authenticate("amina", "482915")


def test_move_participant_to_another_group(client, factory):
    group = teacher_client(client, factory)
    other = factory.group(organisation=group.organisation, name="Autumn", join_code="AUT2026")
    db.session.add(Membership(group=other, user=db.session.scalar(
        sa.select(User).where(User.username == "tove"))))
    db.session.commit()
    amina = factory.user("amina", group=group)
    response = client.post_form(f"/teach/groups/{group.id}/participants/{amina.id}/move",
                                {"target": other.id}, page=f"/teach/groups/{group.id}")
    assert response.status_code == 302
    assert db.session.scalars(sa.select(Membership.group_id).where(
        Membership.user_id == amina.id)).all() == [other.id]


def test_archived_group_code_stops_working(client, factory):
    group = teacher_client(client, factory)
    client.post_form(f"/teach/groups/{group.id}/archive", {}, page=f"/teach/groups/{group.id}")
    db.session.expire_all()
    assert db.session.get(Group, group.id).archived
    client.post_form("/logout", {}, page="/")
    assert client.post_form("/join", {"code": group.join_code}).status_code == 422
