"""The coordinators' overview: numbers for a date range, charts with tables, links onwards."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from housingschool.extensions import db
from housingschool.reports.models import AuditEvent
from housingschool.reports.overview import overview

OSLO = ZoneInfo("Europe/Oslo")


def figures(page: str) -> dict[str, str]:
    """The key figures at the top of the page: label -> number."""
    return dict(re.findall(r'<dt>([^<]+)</dt><dd>([^<]+)</dd>', page))


def row(page: str, name: str) -> list[str]:
    """The cells of the table row whose header contains `name`, tags stripped."""
    match = re.search(r"<tr>\s*<th scope=\"row\">(?:(?!</tr>).)*?" + re.escape(name)
                      + r"(?:(?!</tr>).)*</tr>", page, re.S)
    assert match, f"no row for {name}"
    cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", match.group(0), re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells]


def test_default_range_counts_the_last_90_days(school, coordinator):
    page = coordinator.get("/reports/?lang=en").get_data(as_text=True)
    today = school.now.astimezone(OSLO).date()
    assert f'value="{(today - timedelta(days=89)).isoformat()}"' in page
    assert f'value="{today.isoformat()}"' in page
    assert figures(page) == {"Participants": "4", "Active in these days": "2",
                             "Modules completed in these days": "1", "Need follow-up now": "2"}


def title(app, slug: str) -> str:
    return app.extensions["catalogue"].module(slug).text("en").text.title


def test_completion_per_module_counts_up_to_the_last_day(app, school, coordinator):
    page = coordinator.get("/reports/?lang=en").get_data(as_text=True)
    # waste: Маріям (10 days ago, in range); tenancy rights: Åse last summer (before the range)
    assert row(page, title(app, "waste"))[1:] == ["1", "25%", "1"]
    assert row(page, title(app, "tenancy-rights"))[1:] == ["1", "25%", "0"]
    assert row(page, title(app, "neighbours"))[1:] == ["0", "0%", "0"]


def test_a_range_in_the_past_counts_only_what_had_happened(school, coordinator):
    page = coordinator.get("/reports/?lang=en&start=2026-06-01&end=2026-07-01").get_data(
        as_text=True)
    # Åse's account existed; her module was done on 1 July in Oslo (30 June in UTC)
    assert figures(page)["Participants"] == "1"
    assert figures(page)["Active in these days"] == "1"
    assert figures(page)["Modules completed in these days"] == "1"
    before = coordinator.get("/reports/?lang=en&start=2026-06-01&end=2026-06-30").get_data(
        as_text=True)
    assert figures(before)["Modules completed in these days"] == "0"


def test_groups_show_completion_attendance_and_follow_up(school, coordinator):
    page = coordinator.get("/reports/?lang=en").get_data(as_text=True)
    # spring: 3 participants (not the teacher), 1 of 21 modules, 4 of 3×3 marks, محمد to follow up
    assert row(page, "Boligskole vår") == ["Boligskole vår", "3", "5%", "44% (4 of 9)", "1"]
    assert row(page, "Boligskole høst") == ["Boligskole høst", "1", "14%", "No sessions held",
                                            "1"]
    assert f'href="/reports/groups/{school.spring.id}"' in page


def test_charts_are_svg_images_with_the_same_numbers_as_the_tables(app, school, coordinator):
    page = coordinator.get("/reports/?lang=en").get_data(as_text=True)
    charts = re.findall(r"<svg class=\"chart\".*?</svg>", page, re.S)
    assert len(charts) == 3
    assert all('role="img"' in chart and "<title id=" in chart for chart in charts)
    modules, completion, attendance = charts
    assert f"{title(app, 'waste')}: 25%" in modules
    assert "Boligskole vår: 44%" in attendance and "Boligskole høst: No data" in attendance
    assert "Boligskole høst: 14%" in completion
    main = page[page.index("<main"):page.index("</main>")]
    assert "<script" not in main  # the charts need no JavaScript


def test_links_lead_to_the_hours_report_and_the_completion_export(school, coordinator):
    page = coordinator.get("/reports/?lang=en&start=2026-09-01&end=2026-09-30").get_data(
        as_text=True)
    assert 'href="/reports/hours?start=2026-09-01&amp;end=2026-09-30"' in page
    assert 'href="/reports/completion"' in page


def test_another_organisation_is_not_counted(school, client):
    client.login("ola", "long-enough-1")
    page = client.get("/reports/?lang=en").get_data(as_text=True)
    assert figures(page)["Participants"] == "1"
    assert "Boligskole vår" not in page and "Маріям" not in page


def test_bad_dates_are_explained_and_kept(school, coordinator):
    response = coordinator.get("/reports/?lang=en&start=2026-09-30&end=2026-09-01")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "The last day is before the first day" in page
    assert 'value="2026-09-30"' in page and 'aria-invalid="true"' in page
    wrong = coordinator.get("/reports/?start=30.09.2026")
    assert wrong.status_code == 422 and 'value="30.09.2026"' in wrong.get_data(as_text=True)


def test_the_overview_shows_no_one_by_name_and_is_not_logged(school, coordinator):
    page = coordinator.get("/reports/").get_data(as_text=True)
    assert "Маріям" not in page and "محمد" not in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 0


def test_many_groups_chart_only_the_twenty_lowest(app, school, factory, coordinator):
    for number in range(25):
        factory.group(school.spring.organisation, f"Gruppe {number:02}", f"G{number:03}XYZ")
    page = coordinator.get("/reports/?lang=en").get_data(as_text=True)
    attendance = re.findall(r"<svg class=\"chart\".*?</svg>", page, re.S)[2]
    assert attendance.count('class="chart-track"') == 20
    assert page.count('href="/reports/groups/') == 27  # the table has every group
    assert "Boligskole vår" in attendance  # the only group with sessions has the lowest rate


def test_the_numbers_come_from_sql_not_from_the_page(app, school, ctx):
    catalogue = app.extensions["catalogue"]
    start, end = school.now - timedelta(days=30), school.now + timedelta(hours=1)
    data = overview(school.spring.organisation_id, catalogue, start, end, school.now)
    spring = next(g for g in data.groups if g.name == "Boligskole vår")
    assert (spring.participants, spring.sessions_held, spring.attended) == (3, 3, 4)
    assert spring.modules_done == 1 and spring.follow_up == 1
    assert [m.completed for m in data.modules if m.slug == "waste"] == [1]


def test_arabic_pages_get_right_to_left_charts(school, coordinator):
    page = coordinator.get("/reports/?lang=ar").get_data(as_text=True)
    assert 'dir="rtl"' in page
    assert page.count('direction="rtl"') == 3


def test_an_organisation_with_nobody_yet_gets_a_calm_page(school, client, factory):
    factory.user("nina", "coordinator", "long-enough-1",
                 organisation=factory.org("tromso", "Tromsø kommune"))
    client.login("nina", "long-enough-1")
    response = client.get("/reports/?lang=en")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert figures(page)["Participants"] == "0"
    assert "Your organisation has no groups yet." in page
    assert "No participants" in page  # the module table says so instead of 0 %
