"""Who may open which teaching page: every route, every kind of user.

Teachers manage only the groups they teach; coordinators every group of their own organisation;
participants none. A page of a group you may not see is a 404, so ids reveal nothing.
"""

import pytest

from housingschool.accounts.models import Organisation
from housingschool.extensions import db

PASSWORD = "long-enough-1"
# (method, url template, expected status for the group's own teacher)
ROUTES = [
    ("GET", "/teach/groups/{group}", 200),
    ("GET", "/teach/groups/{group}/join-sheet", 200),
    ("GET", "/teach/groups/{group}/participants/add", 200),
    ("POST", "/teach/groups/{group}/participants/add", 200),
    ("POST", "/teach/groups/{group}/participants/{participant}/reset-pin", 200),
    ("POST", "/teach/groups/{group}/participants/{participant}/move", 302),
    ("GET", "/teach/groups/{group}/sessions/new", 200),
    ("GET", "/teach/sessions/{session}", 200),
    ("GET", "/teach/sessions/{session}/edit", 200),
    ("POST", "/teach/sessions/{session}/attendance/{participant}", 302),
    ("GET", "/teach/sessions/{session}/sheet", 200),
    ("POST", "/teach/sessions/{session}/checkin/open", 302),
    ("POST", "/teach/sessions/{session}/checkin/new-code", 302),
    ("POST", "/teach/sessions/{session}/checkin/close", 302),
    ("GET", "/teach/sessions/{session}/checkin", 200),
    ("POST", "/teach/groups/{group}/archive", 302),
]
# who → expected status, where "own" means the teacher's expectation from ROUTES
WHO = {
    "anonymous": 302,
    "participant": 403,
    "other_teacher": 404,
    "other_coordinator": 404,
    "coordinator": "own",
    "teacher": "own",
}


@pytest.fixture
def world(factory):
    """Two organisations; in the first, two groups with a teacher each."""
    group = factory.group()
    other_group = factory.group(organisation=group.organisation, name="Other", join_code="OTH1")
    second = factory.group(organisation=factory.org("oslo", "Oslo kommune"), name="Oslo",
                           join_code="OSLO1")
    users = {
        "teacher": factory.teacher_in(group, "tove"),
        "other_teacher": factory.teacher_in(other_group, "tina"),
        "participant": factory.user("amina", group=group, secret=PASSWORD),
        "coordinator": factory.user("kari", "coordinator", PASSWORD,
                                    organisation=group.organisation),
        "other_coordinator": factory.user("ola", "coordinator", PASSWORD,
                                          organisation=second.organisation),
    }
    for name in ("teacher", "other_teacher"):
        from housingschool.accounts.services import set_secret

        set_secret(users[name], PASSWORD)
    db.session.commit()
    ids = {"group": group.id, "participant": users["participant"].id,
           "session": factory.session(group).id}
    return ids, users, other_group


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("method, template, own", ROUTES, ids=[f"{m} {t}" for m, t, _ in ROUTES])
def test_teaching_route_access(world, client, who, method, template, own):
    ids, users, other_group = world
    if who != "anonymous":
        assert client.login(users[who].username, PASSWORD).status_code == 302
    url = template.format(**ids)
    data = {"names": "Nora", "target": other_group.id, "status": "present"}
    if method == "GET":
        response = client.get(url)
    else:
        page = "/login" if who == "anonymous" else "/"
        response = client.post_form(url, data, page=page)
    expected = own if WHO[who] == "own" else WHO[who]
    if template.endswith("/move") and who == "teacher":
        expected = 404  # the teacher does not teach the target group
    assert response.status_code == expected, (who, url, response.status_code)
    if who == "anonymous":
        assert "/login" in response.headers["Location"]


def test_dashboard_lists_only_the_groups_you_may_see(world, client):
    _ids, users, _other = world
    client.login("tove", PASSWORD)
    page = client.get("/teach/").get_data(as_text=True)
    assert "Boligskole vår" in page and "Other" not in page and "Oslo" not in page
    client.post_form("/logout", {}, page="/")
    client.login("kari", PASSWORD)
    page = client.get("/teach/").get_data(as_text=True)
    assert "Boligskole vår" in page and "Other" in page and "Oslo" not in page
    assert db.session.query(Organisation).count() == 2
