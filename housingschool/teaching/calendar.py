"""Calendar files (.ics) for group sessions, built with the icalendar library.

Times are written in UTC, so every calendar app shows them in the phone's own time zone. Each
session keeps one UID, so downloading the file again updates the event instead of copying it.
"""

from collections.abc import Iterable
from datetime import UTC, datetime

from icalendar import Calendar, Event

from housingschool.teaching.models import GroupSession
from housingschool.teaching.progress import as_utc

PRODID = "-//Boligskolen//Group sessions//EN"


def session_uid(session: GroupSession) -> str:
    """The event's UID: the same every time this session is exported."""
    return f"session-{session.id}@boligskolen"


def session_event(session: GroupSession, description: str, stamp: datetime) -> Event:
    """One VEVENT: the group's name, when (UTC), where, and what the session covers."""
    event = Event()
    event.add("uid", session_uid(session))
    event.add("dtstamp", stamp)
    event.add("dtstart", as_utc(session.starts_at))
    event.add("dtend", as_utc(session.ends_at))
    event.add("summary", f"{session.group.name} – Boligskolen")
    if session.place:
        event.add("location", session.place)
    if description:
        event.add("description", description)
    return event


def build_calendar(events: Iterable[tuple[GroupSession, str]], name: str,
                   stamp: datetime | None = None) -> bytes:
    """A calendar file with one event per (session, description) pair."""
    stamp = stamp or datetime.now(UTC)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for session, description in events:
        calendar.add_component(session_event(session, description, stamp))
    return calendar.to_ical()
