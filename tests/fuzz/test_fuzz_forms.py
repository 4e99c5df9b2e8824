"""Every form and query string survives hostile input: never a server error.

Each target (tests/fuzz/fuzz_targets.py) is used by someone allowed to, with a valid CSRF token,
and gets field values from hypothesis: control characters, NUL, right-to-left marks, 5,000
characters, numbers past every integer column, dates that do not exist, fields missing,
repeated or unknown. Redirects are followed, so the page the form leads to is checked too.
A POST route (or a view reading the query string) without a target fails the suite.
"""

import inspect

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape
from werkzeug.datastructures import MultiDict

from housingschool.extensions import db, limiter
from tests.fuzz.fuzz_targets import TARGETS, fill
from tests.fuzz.strategies import TEXT, form_data
from tests.fuzz.world import build_world, sign_in

# What hostile input may get back; any 5xx (or an exception) fails.
ALLOWED = {200, 204, 400, 401, 403, 404, 405, 409, 410, 413, 422, 429}
FUZZ = settings(max_examples=20, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
# The classic troublemakers, each sent in every field and address of every form (the random
# examples may miss one): NUL, too long for any column, past PostgreSQL's INTEGER and BIGINT,
# the first and last dates, a digit int() refuses.
CLASSICS = ("a\x00b", "x" * 5000, str(2**63), "0001-01-01", "9999-12-31", "²")
PRINTABLE = st.characters(categories=("L", "N", "P", "S"), exclude_characters="\x00")


def reads_query_string(view) -> bool:
    """Whether a view (or a helper of its own module it calls) reads request.args."""
    view = inspect.unwrap(view)
    module = inspect.getmodule(view)
    helpers = [getattr(module, name) for name in view.__code__.co_names
               if inspect.isfunction(getattr(module, name, None))]
    return any("request.args" in inspect.getsource(function)
               for function in [view, *helpers] if inspect.getmodule(function) is module)


def test_every_post_route_has_a_fuzz_target(app):
    posts = {f"POST {rule.rule}" for rule in app.url_map.iter_rules() if "POST" in rule.methods}
    missing = sorted(posts - TARGETS.keys())
    assert not missing, f"add these forms to tests/fuzz/fuzz_targets.py: {missing}"


def test_every_page_reading_the_query_string_has_a_fuzz_target(app):
    reading = {f"GET {rule.rule}" for rule in app.url_map.iter_rules()
               if "GET" in rule.methods and reads_query_string(app.view_functions[rule.endpoint])}
    assert "GET /reports/hours" in reading  # the detection itself works
    missing = sorted(reading - TARGETS.keys())
    assert not missing, f"add these pages to tests/fuzz/fuzz_targets.py: {missing}"


def send(client, target, url: str, pairs, token: str, multipart: bool = False):
    """The request a browser (or a script) would send, following redirects."""
    if target.method == "GET":
        return client.get(url, query_string=MultiDict(pairs), follow_redirects=True)
    return client.post(url, data=MultiDict([("csrf_token", token), *pairs]),
                       content_type="multipart/form-data" if multipart else None,
                       follow_redirects=True)


@pytest.mark.parametrize("key", sorted(TARGETS), ids=str)
def test_form_never_fails_on_hostile_input(key, app, client, factory):
    target = TARGETS[key]
    world = build_world(factory, app.extensions["catalogue"])
    token = sign_in(client, target.role)

    @FUZZ
    @given(data=st.data())
    def example(data):
        prepare(client, target, world, token)
        url = fill(data.draw(st.sampled_from(target.urls(world)), "url"), data.draw(TEXT))
        pairs = data.draw(form_data(target.fields(world)), label="fields")
        response = send(client, target, url, pairs, token, data.draw(st.booleans(), "multipart"))
        assert response.status_code in ALLOWED, f"{response.status_code} from {url}"

    example()


@pytest.mark.parametrize("key", sorted(TARGETS), ids=str)
def test_form_never_fails_on_classic_hostile_values(key, app, client, factory):
    """Each classic value in each field (the others filled in well), and in the address."""
    target = TARGETS[key]
    world = build_world(factory, app.extensions["catalogue"])
    token = sign_in(client, target.role)
    fields = target.fields(world)
    good = [(name, spec.good) for name, spec in fields.items()]
    failures = []
    for value in CLASSICS:
        requests = [(fill(address, value), good) for address in target.urls(world)]
        requests += [(fill(target.urls(world)[0], "x"),
                      [(name, value if name == hostile else ok) for name, ok in good])
                     for hostile in fields]
        for url, pairs in requests:
            prepare(client, target, world, token)
            try:
                status = send(client, target, url, pairs, token).status_code
            except Exception as error:  # in production: a 500 page
                status = f"{type(error).__name__}: {str(error)[:100]}"
            if status not in ALLOWED:
                failures.append(f"{value[:12]!r} to {url[:60]} with {dict(pairs)!s:.80}: {status}")
    assert not failures, "\n".join(failures)


def prepare(client, target, world, token: str) -> None:
    """Each example starts like a fresh request from the same browser."""
    db.session.remove()  # a fresh database session, as each request has in production
    limiter.reset()  # every example reaches the form, not the rate limit
    if target.role is None:
        client.post("/logout", data={"csrf_token": token})
    if target.before:
        target.before(world)


LONG_NAMES = st.text(PRINTABLE, min_size=121, max_size=400)
LONG_NOTES = st.text(PRINTABLE | st.just(" "), min_size=1001, max_size=1500).map(str.strip).filter(
    lambda note: len(note) > 1000)


def test_a_group_name_too_long_is_shown_again_as_typed(app, client, factory):
    """The teacher sees the message beside the name they typed, and can shorten it."""
    build_world(factory, app.extensions["catalogue"])
    token = sign_in(client, "teacher")

    @FUZZ
    @given(name=LONG_NAMES)
    def example(name):
        response = client.post("/teach/groups/new", data={"csrf_token": token, "name": name})
        assert response.status_code in (200, 422)
        assert f'value="{escape(name)}"' in response.get_data(as_text=True)

    example()


def test_a_local_note_too_long_is_shown_again_as_typed(app, client, factory):
    """The coordinator's long note comes back in its box with the message, nothing lost."""
    world = build_world(factory, app.extensions["catalogue"])
    token = sign_in(client, "coordinator")

    @FUZZ
    @given(note=LONG_NOTES)
    def example(note):
        response = client.post(f"/local-notes/{world.module}/{world.lesson}",
                               data={"csrf_token": token, "note_ar": note})
        assert response.status_code == 422
        assert str(escape(note)) in response.get_data(as_text=True)

    example()
