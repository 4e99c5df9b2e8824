"""A hostile school, built the way attackers would build it: through the site's own forms.

Every free-text field anyone can type into holds a payload that would run script if a page
printed it as markup. The XSS tests then read every page that shows each field.
"""

import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import SplitResult, urljoin, urlsplit

import sqlalchemy as sa
from flask import current_app
from markupsafe import escape

from housingschool.accounts.models import Organisation, User
from housingschool.extensions import db
from housingschool.learning.models import QuizAttempt
from housingschool.learning.services import record_module_completions
from housingschool.reports.models import Certificate
from housingschool.teaching.models import Group, GroupSession

PASSWORD = "long-enough-1"
PIN = "482915"
SCRIPT = "<script>alert(1)</script>"
BREAKOUT = '"><img src=x onerror=alert(1)>'
# Anything of this in a page would be markup an attacker wrote, not text.
MARKUP = ("<script>alert(1)", "<img src=x onerror", "<svg onload", 'href="javascript:',
          "href='javascript:")
CODE = re.compile(r'class="card-value one-time-code">([A-Z0-9-]+)<')


def hostile(label: str) -> str:
    """A value that breaks out of text and of attributes; `label` says which field it is in.

    Short enough (at most 60 characters) for every name field.
    """
    return f"{label}{SCRIPT}{BREAKOUT}"


# One value per stored free-text field (the group name also tries to leave <title>).
VALUES = {
    "organisation_name": hostile("ORG"),
    "coordinator_name": hostile("CO"),
    "staff_name": hostile("ST"),
    "group_name": "GR</title><svg onload=alert(1)>" + SCRIPT + BREAKOUT,
    "joined_name": hostile("JN"),
    "added_name": hostile("AD"),
    "session_place": hostile("PL"),
    "session_notes": hostile("NO") + "\n[link](javascript:alert(1)) <a href=\"javascript:x\">a</a>",
    "local_note": hostile("LN") + "\n[link](javascript:alert(1)) <a href='javascript:x'>a</a>",
    "revoke_reason": hostile("RZQ"),
}


def browser_target(link: str, page: str = "http://localhost/login") -> SplitResult:
    """Where a browser goes for a Location header or an href on `page`, as the WHATWG URL
    parser reads it: spaces and control characters around it and tabs and newlines inside
    it are dropped, and a backslash counts as a slash."""
    cleaned = re.sub(r"[\t\n\r]", "", link).strip(" " + "".join(map(chr, range(32))))
    return urlsplit(urljoin(page, cleaned.replace("\\", "/")))


def stays_on_site(link: str) -> bool:
    """Whether following `link` keeps the browser on this site (http://localhost)."""
    target = browser_target(link)
    return (target.scheme, target.netloc) == ("http", "localhost")


def assert_inert(body: str, value: str | None = None, where: str = "") -> None:
    """No attacker markup in `body`; with `value`, its escaped text is there (so the page
    really showed it and the test proves something)."""
    found = [bit for bit in MARKUP if bit in body]
    assert not found, f"{where}: raw markup {found} in the page"
    if value is not None:
        assert str(escape(value)) in body, f"{where}: the escaped value is not on the page"


@dataclass
class World:
    """The hostile school: browsers by role, and the ids the page addresses need."""

    browsers: dict
    ids: dict = field(default_factory=dict)
    login_cards: str = ""

    def url(self, template: str) -> str:
        return template.format(**self.ids)


def english(browser):
    """A browser that reads English, like the test suite's `client`."""
    browser.http.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return browser


def _ok(response, *codes):
    """The response, if its status is one of `codes`; else fail with the page's messages."""
    messages = re.findall(r'class="error[^>]*>([^<]*)', response.get_data(as_text=True))
    assert response.status_code in (codes or (200, 302, 303)), (response.status_code, messages)
    return response


def shown_code(response) -> str:
    """The one-time code on a 'code shown once' page."""
    match = CODE.search(response.get_data(as_text=True))
    assert match, "no one-time code on the page"
    return match.group(1)


def _staff_signs_in(browser, username: str, code: str) -> None:
    """A new staff member uses their one-time code, then signs in."""
    _ok(browser.post_form("/reset", {"username": username, "code": code, "secret": PASSWORD,
                                     "confirm": PASSWORD}), 302)
    _ok(browser.login(username, PASSWORD), 302)


def _user(username: str) -> User:
    return db.session.scalar(sa.select(User).where(User.username == username))


def complete_course(user: User) -> None:
    """Pass every lesson's quiz, so the participant may get a certificate."""
    catalogue = current_app.extensions["catalogue"]
    for module in catalogue.modules:
        for lesson in module.lessons:
            db.session.add(QuizAttempt(
                attempt_id=str(uuid.uuid4()), user_id=user.id, module_slug=module.slug,
                lesson_slug=lesson.slug, answers={}, score=100, passed=True))
    record_module_completions(catalogue, [user.id])
    db.session.commit()


def build_world(app, factory, client_for) -> World:
    """Everyone types a payload into every field they can; see VALUES."""
    home = factory.org("home", "Home kommune")
    factory.user("ada", "admin", PASSWORD, organisation=home)
    browsers = {role: english(client_for(app)) for role in
                ("admin", "coordinator", "teacher", "participant", "added", "anonymous")}
    world = World(browsers)
    _admin_creates_organisation(world)
    _coordinator_sets_up_group(world)
    _participant_joins(world)
    _coordinator_plans_and_certifies(world)
    return world


def _admin_creates_organisation(world: World) -> None:
    admin, coordinator = world.browsers["admin"], world.browsers["coordinator"]
    _ok(admin.login("ada", PASSWORD), 302)
    created = _ok(admin.post_form("/admin/organisations/new", {
        "name": VALUES["organisation_name"], "slug": "evil", "default_language": "nb",
        "retention_months": "24", "coordinator_username": "kari",
        "coordinator_name": VALUES["coordinator_name"]}), 200)
    _staff_signs_in(coordinator, "kari", shown_code(created))
    world.ids["org"] = db.session.scalar(sa.select(Organisation.id).where(
        Organisation.slug == "evil"))


def _coordinator_sets_up_group(world: World) -> None:
    coordinator = world.browsers["coordinator"]
    _ok(coordinator.post_form("/teach/groups/new", {"name": VALUES["group_name"]}), 302)
    group = db.session.scalar(sa.select(Group).where(Group.name == VALUES["group_name"]))
    world.ids.update(group=group.id, join_code=group.join_code)
    made = _ok(coordinator.post_form("/staff/new", {
        "display_name": VALUES["staff_name"], "username": "tove", "role": "teacher"}), 200)
    _staff_signs_in(world.browsers["teacher"], "tove", shown_code(made))
    world.ids["teacher"] = _user("tove").id
    _ok(coordinator.post_form(f"/staff/{world.ids['teacher']}/groups",
                              {"groups": [group.id]}), 302)
    cards = _ok(world.browsers["teacher"].post_form(
        f"/teach/groups/{group.id}/participants/add", {"names": VALUES["added_name"]}), 200)
    world.login_cards = cards.get_data(as_text=True)
    added = db.session.scalar(sa.select(User).where(User.display_name == VALUES["added_name"]))
    world.ids["added"] = added.id


def _participant_joins(world: World) -> None:
    participant = world.browsers["participant"]
    url = f"/join/{world.ids['join_code']}"
    _ok(participant.post_form(url, {"username": "jonas", "display_name": VALUES["joined_name"],
                                    "secret": PIN, "confirm": PIN}), 302)
    world.ids["joined"] = _user("jonas").id


def _coordinator_plans_and_certifies(world: World) -> None:
    coordinator = world.browsers["coordinator"]
    catalogue = current_app.extensions["catalogue"]
    module = catalogue.modules[0]
    world.ids["lesson"] = f"{module.slug}/{module.lessons[0].slug}"
    day = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    _ok(coordinator.post_form(f"/teach/groups/{world.ids['group']}/sessions/new", {
        "day": day, "start": "10:00", "end": "11:30", "place": VALUES["session_place"],
        "notes": VALUES["session_notes"], "lessons": [module.slug]}), 302)
    session = db.session.scalar(sa.select(GroupSession).where(
        GroupSession.group_id == world.ids["group"]))
    world.ids["session"] = session.id
    page = f"/teach/sessions/{session.id}"
    for person in ("joined", "added"):
        _ok(coordinator.post_form(f"{page}/attendance/{world.ids[person]}",
                                  {"status": "present"}, page=page), 302)
    _ok(coordinator.post_form(f"/local-notes/{world.ids['lesson']}",
                              {"note_nb": VALUES["local_note"]}), 303)
    complete_course(db.session.get(User, world.ids["joined"]))
    _ok(coordinator.post_form(f"/certificates/participants/{world.ids['joined']}",
                              {"language": "nb"}), 302)
    certificate = db.session.scalar(sa.select(Certificate))
    world.ids.update(number=certificate.number, code=certificate.code)
    _ok(world.browsers["participant"].post_form("/my/data/delete", {}), 303)
    _ok(world.browsers["added"].login(_user_by_id(world.ids["added"]).username,
                                      _added_pin(world.login_cards)), 302)


def _user_by_id(user_id: int) -> User:
    return db.session.get(User, user_id)


def _added_pin(cards: str) -> str:
    """The PIN printed on the login card."""
    match = re.search(r'PIN</dt><dd class="card-value">(\d+)<', cards)
    assert match, "no PIN on the login card"
    return match.group(1)
