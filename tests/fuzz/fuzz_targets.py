"""Every form and query the site accepts, as fuzz targets: who may use it, its address, its fields.

A target is keyed "METHOD rule" (the rule as in app.url_map), so the tests can tell when a new
form has no target. Addresses and good values come from the World (tests/fuzz/world.py).
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from hypothesis import strategies as st

from housingschool.i18n import LANGUAGES
from housingschool.privacy.forms import note_field_name
from tests.fuzz.strategies import Field, choice, clock, date, number, text
from tests.fuzz.world import CHECKIN_CODE, World, quiz_on_screen, session_tomorrow, unrevoke

CODES = [lang.code for lang in LANGUAGES]
TEXT_IN_PATH = "<text>"  # in a target's address: a path segment the fuzzer fills in


@dataclass(frozen=True)
class Target:
    """One form or query: who uses it, where it goes, and what its fields may hold."""

    method: str
    rule: str
    role: str | None  # who signs in (None: nobody)
    urls: Callable[[World], list[str]]
    fields: Callable[[World], dict[str, Field]] = lambda world: {}
    before: Callable[[World], None] | None = None

    @property
    def key(self) -> str:
        return f"{self.method} {self.rule}"


def at(*addresses: str) -> Callable[[World], list[str]]:
    """Addresses filled in from the world, e.g. at("/teach/groups/{w.group}"); "<text>" in an
    address is a path segment the fuzzer fills in."""
    return lambda w: [address.format(w=w) for address in addresses]


def fill(address: str, value: str) -> str:
    """The address with its "<text>" (if any) replaced by `value`, quoted for a URL."""
    return address.replace(TEXT_IN_PATH, quote(value, safe=""))


def organisation_fields(w: World) -> dict[str, Field]:
    return {"name": text("Hamar kommune"), "slug": text("hamar-2", "x"),
            "default_language": choice(*CODES), "required_modules": choice(*w.modules),
            "retention_months": number(1, 24, 120, 121)}


def session_fields(w: World) -> dict[str, Field]:
    return {"day": date(), "start": clock("10:00"), "end": clock("11:30"), "place": text("Rom 3"),
            "lessons": choice(*w.modules, f"{w.module}/{w.lesson}"),
            "interpreter_languages": choice(*CODES), "notes": text()}


def quiz_fields(w: World) -> dict[str, Field]:
    fields = {f"q-{q.id}": choice(*q.options) for q in w.quiz_lesson.questions}
    fields["attempt_id"] = Field(st.one_of(st.uuids().map(str), st.sampled_from([
        "{12345678-1234-5678-1234-567812345678}",
        "urn:uuid:12345678-1234-5678-1234-567812345678"]), text().values), str(uuid.uuid4()))
    return fields


def _picture_fields() -> dict[str, Field]:
    pictures = ("house", "sun", "tree", "key")
    return {"first": choice(*pictures), "second": choice(*pictures), "third": choice(*pictures)}


GROUP = "/teach/groups/{w.group}"
VICTIM = GROUP + "/participants/{w.victim}"
SESSION = "/teach/sessions/{w.session}"

POST_TARGETS = [
    # Anyone: signing in, joining, the one-time code page, text size.
    Target("POST", "/login", None, at("/login", "/login?next=/progress"),
           lambda w: {"username": text("amina"), "secret": text("482915")}),
    Target("POST", "/login/pictures", None, at("/login/pictures"),
           lambda w: {"username": text("amina"), **_picture_fields()}),
    Target("POST", "/join", None, at("/join"), lambda w: {"code": text(w.join_code)}),
    Target("POST", "/join/<code>", None,
           at("/join/{w.join_code}", "/join/{w.join_code}?kind=pictures", "/join/<text>"),
           lambda w: {"username": text("new.person"), "display_name": text("Ny Person"),
                      "secret": text("long-enough-1"), "confirm": text("long-enough-1"),
                      **_picture_fields()}),
    Target("POST", "/reset", None, at("/reset"),
           lambda w: {"username": text("victor"), "code": text("K7QM-4XPA-9RTE"),
                      "secret": text(), "confirm": text()}),
    Target("POST", "/text-size", None, at("/text-size"),
           lambda w: {"large_text": choice("on"), "next": text("/progress", "//evil.example")}),
    # Participants.
    Target("POST", "/logout", "participant", at("/logout")),
    Target("POST", "/checkin", "participant", at("/checkin"),
           lambda w: {"code": text(CHECKIN_CODE)}, before=session_tomorrow),
    Target("POST", "/live/answer", "participant", at("/live/answer"),
           lambda w: {"live": number(w.live), "question": text(w.quiz_lesson.questions[0].id),
                      "option": choice(*w.quiz_lesson.questions[0].options)},
           before=quiz_on_screen),
    Target("POST", "/modules/<module_slug>/<lesson_slug>/quiz", "participant",
           at("/modules/{w.module}/{w.lesson}/quiz", "/modules/<text>/{w.lesson}/quiz"),
           quiz_fields),
    Target("POST", "/my/data/delete", "participant", at("/my/data/delete")),
    Target("POST", "/my/data/delete/withdraw", "participant", at("/my/data/delete/withdraw")),
    # Teachers.
    Target("POST", "/teach/groups/new", "teacher", at("/teach/groups/new"),
           lambda w: {"name": text("Onsdagsgruppe"), "languages": choice(*CODES),
                      "starts_on": date(), "ends_on": date("2027-06-01")}),
    Target("POST", "/teach/groups/<int:group_id>/archive", "teacher", at(GROUP + "/archive")),
    Target("POST", "/teach/groups/<int:group_id>/participants/add", "teacher",
           at(GROUP + "/participants/add"), lambda w: {"names": text("Amina H.\nYonas")}),
    Target("POST", "/teach/groups/<int:group_id>/participants/<int:user_id>/move", "teacher",
           at(VICTIM + "/move"), lambda w: {"target": number(w.other_group, w.group)}),
    Target("POST", "/teach/groups/<int:group_id>/participants/<int:user_id>/reset-pin",
           "teacher", at(VICTIM + "/reset-pin")),
    Target("POST", "/teach/groups/<int:group_id>/participants/<int:user_id>/new-pictures",
           "teacher", at(VICTIM + "/new-pictures")),
    Target("POST", "/teach/groups/<int:group_id>/sessions/new", "teacher",
           at(GROUP + "/sessions/new"), session_fields),
    Target("POST", "/teach/sessions/<int:session_id>/edit", "teacher", at(SESSION + "/edit"),
           session_fields, before=session_tomorrow),
    Target("POST", "/teach/sessions/<int:session_id>/attendance/<int:user_id>", "teacher",
           at(SESSION + "/attendance/{w.victim}"),
           lambda w: {"status": choice("present", "late", "excused", "absent"),
                      "minutes": number(0, 45, 90)}),
    Target("POST", "/teach/sessions/<int:session_id>/checkin/<any(open, close, 'new-code'):action>",
           "teacher", at(*(SESSION + "/checkin/" + a for a in ("open", "close", "new-code")))),
    Target("POST", "/teach/groups/<int:group_id>/live/start", "teacher",
           at(GROUP + "/live/start"), lambda w: {"lesson": text(f"{w.module}/{w.lesson}")}),
    Target("POST", "/teach/groups/<int:group_id>/live/<any(slide, quiz, reveal, 'next-question', "
           "'end-quiz', stop):action>", "teacher",
           at(*(GROUP + "/live/" + a for a in ("slide", "quiz", "reveal", "next-question",
                                                "end-quiz", "stop"))),
           lambda w: {"slide": number(0, 1, 3)}, before=quiz_on_screen),
    Target("POST", "/certificates/participants/<int:user_id>", "teacher",
           at("/certificates/participants/{w.victim}"), lambda w: {"language": choice(*CODES)}),
    # Coordinators.
    Target("POST", "/certificates/<number>/revoke", "coordinator",
           at("/certificates/{w.certificate}/revoke", "/certificates/<text>/revoke"),
           lambda w: {"reason": text("Given to the wrong person")}, before=unrevoke),
    Target("POST", "/local-notes/<module_slug>/<lesson_slug>", "coordinator",
           at("/local-notes/{w.module}/{w.lesson}", "/local-notes/{w.module}/<text>"),
           lambda w: {note_field_name(code): text("Søppelrommet er i kjelleren.")
                      for code in CODES}),
    Target("POST", "/privacy/participants/<int:user_id>/<any(anonymise, delete):action>",
           "coordinator", at("/privacy/participants/{w.victim}/anonymise",
                             "/privacy/participants/{w.victim}/delete")),
    Target("POST", "/staff/new", "coordinator", at("/staff/new"),
           lambda w: {"display_name": text("Kari Nordmann"), "username": text("kari.n"),
                      "role": choice("teacher", "coordinator", "admin")}),
    Target("POST", "/staff/<int:user_id>/deactivate", "coordinator",
           at("/staff/{w.staff_victim}/deactivate")),
    Target("POST", "/staff/<int:user_id>/reactivate", "coordinator",
           at("/staff/{w.staff_victim}/reactivate")),
    Target("POST", "/staff/<int:user_id>/code", "coordinator", at("/staff/{w.staff_victim}/code")),
    Target("POST", "/staff/<int:user_id>/groups", "coordinator",
           at("/staff/{w.staff_victim}/groups"),
           lambda w: {"groups": number(w.group, w.other_group, w.other_org)}),
    Target("POST", "/staff/settings", "coordinator", at("/staff/settings"),
           lambda w: {"required_modules": choice(*w.modules),
                      "retention_months": number(1, 24, 120)}),
    # Admins.
    Target("POST", "/admin/organisations/new", "admin", at("/admin/organisations/new"),
           lambda w: {**organisation_fields(w), "coordinator_username": text("new.coordinator"),
                      "coordinator_name": text("Nina Koordinator")}),
    Target("POST", "/admin/organisations/<int:organisation_id>", "admin",
           at("/admin/organisations/{w.other_org}"), organisation_fields),
    Target("POST", "/admin/organisations/<int:organisation_id>/coordinators/<int:user_id>/code",
           "admin", at("/admin/organisations/{w.other_org}/coordinators/{w.other_coordinator}"
                       "/code")),
]

GET_TARGETS = [
    Target("GET", "/", "participant", at("/"), lambda w: {"lang": choice(*CODES)}),
    Target("GET", "/language", None, at("/language"),
           lambda w: {"next": text("/progress", "//evil.example", "/x?lang=ar"),
                      "lang": choice(*CODES)}),
    Target("GET", "/login", None, at("/login"), lambda w: {"username": text("amina")}),
    Target("GET", "/login/pictures", None, at("/login/pictures"),
           lambda w: {"username": text("amina")}),
    Target("GET", "/join", None, at("/join"), lambda w: {"code": text(w.join_code)}),
    Target("GET", "/join/<code>", None, at("/join/{w.join_code}", "/join/<text>"),
           lambda w: {"kind": choice("pictures")}),
    Target("GET", "/reset", None, at("/reset"), lambda w: {"username": text("victor")}),
    Target("GET", "/verify/<code>", None, at("/verify/<text>")),
    Target("GET", "/certificates/<number>", "coordinator",
           at("/certificates/{w.certificate}", "/certificates/<text>")),
    Target("GET", "/modules/<module_slug>/<lesson_slug>/attempts/<attempt_id>", "participant",
           at("/modules/{w.module}/{w.lesson}/attempts/<text>")),
    Target("GET", "/checkin", "participant", at("/checkin"),
           lambda w: {"code": text(CHECKIN_CODE)}),
    Target("GET", "/teach/groups/<int:group_id>/live", "teacher", at(GROUP + "/live"),
           lambda w: {"lang": choice(*CODES)}, before=quiz_on_screen),
    Target("GET", "/reports/", "coordinator", at("/reports/"),
           lambda w: {"start": date(), "end": date()}),
    Target("GET", "/reports/hours", "coordinator", at("/reports/hours"),
           lambda w: {"start": date(), "end": date(), "group": number(w.group, w.other_org),
                      "format": choice("csv", "xlsx", "pdf")}),
    Target("GET", "/reports/completion", "coordinator", at("/reports/completion"),
           lambda w: {"group": number(w.group), "format": choice("csv", "xlsx")}),
    Target("GET", "/admin/audit", "admin", at("/admin/audit"),
           lambda w: {"start": date(), "end": date(), "organisation": number(w.org),
                      "action": choice("view.*", "export.hours.csv"), "page": number(1, 2)}),
]

TARGETS = {target.key: target for target in POST_TARGETS + GET_TARGETS}
