"""Staff issue and withdraw certificates; the participant downloads or shows theirs; anyone can
check one with its code."""

import io
import re

import sqlalchemy as sa
from pypdf import PdfReader

from housingschool.extensions import db
from housingschool.reports.models import AuditEvent, Certificate

STAFF_PASSWORD = "long-enough-1"  # the school fixture's staff password

PIN = "482915"


def sign_in(client, username, secret=STAFF_PASSWORD):
    assert client.login(username, secret).status_code == 302


def issue(client, person, language="uk"):
    url = f"/certificates/participants/{person.id}"
    response = client.post_form(url, {"language": language})
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.scalars(sa.select(Certificate).order_by(Certificate.id.desc())).first()


def actions(subject=None):
    query = sa.select(AuditEvent.action).order_by(AuditEvent.id)
    if subject is not None:
        query = query.where(AuditEvent.subject_id == subject.id)
    return list(db.session.scalars(query))


def test_staff_page_shows_modules_hours_and_chooses_the_participants_language(client, school):
    sign_in(client, "kari")
    response = client.get(f"/certificates/participants/{school['olena'].id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Олена Коваленко" in page
    assert "2.5" in page and "150" in page
    assert re.search(r'<option selected value="uk">|<option value="uk" selected', page)
    assert "Dine rettigheter som leietaker" not in page  # English visitor: English titles
    assert "Your rights as a tenant" in page
    assert actions(school["olena"]) == ["view.participant"]


def test_coordinator_issues_and_the_participant_downloads_a_pdf(client, client_for, app,
                                                                 school):
    sign_in(client, "kari")
    certificate = issue(client, school["olena"])
    assert re.fullmatch(r"BS-\d{4}-\d{5}", certificate.number)
    assert certificate.language == "uk"
    page = client.get(f"/certificates/participants/{school['olena'].id}").get_data(as_text=True)
    assert certificate.number in page

    holder = client_for(app)
    sign_in(holder, "olena", PIN)
    mine = holder.get("/my/certificates").get_data(as_text=True)
    assert f"/certificates/{certificate.number}.pdf" in mine
    assert f"/certificates/{certificate.number}\"" in mine  # show on screen
    response = holder.get(f"/certificates/{certificate.number}.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.data))
    text = reader.pages[0].extract_text()
    assert len(reader.pages) == 1
    assert "Олена Коваленко" in text and certificate.number in text
    assert f"http://localhost/verify/{certificate.code}" in text.replace("\n", "")
    assert actions(school["olena"]) == ["view.participant", "certificate.issue",
                                        "view.participant", "certificate.download"]


def test_teacher_of_the_group_can_issue(client, school):
    sign_in(client, "tove", "teacher-pass-1")
    certificate = issue(client, school["olena"], "ar")
    assert certificate.issued_by_id == school["teacher"].id


def test_issuing_before_the_course_is_complete_is_refused_with_a_clear_message(
        client, factory, complete, school):
    beginner = factory.user("beginner", group=school["group"], display_name="Ny Deltaker")
    complete(beginner, "waste")
    sign_in(client, "kari")
    url = f"/certificates/participants/{beginner.id}"
    page = client.get(url).get_data(as_text=True)
    assert "Issue certificate" not in page  # no button that cannot work
    response = client.post_form(url, {"language": "nb"}, page="/certificates")
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "every required module" in text and "Your rights as a tenant" in text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)) == 0


def test_show_on_screen_has_name_modules_and_a_qr_code_to_verify(client, client_for, app,
                                                                  school):
    sign_in(client, "kari")
    certificate = issue(client, school["olena"])
    holder = client_for(app)
    sign_in(holder, "olena", PIN)
    page = holder.get(f"/certificates/{certificate.number}?lang=en").get_data(as_text=True)
    assert "Олена Коваленко" in page and "Hamar kommune" in page
    assert certificate.number in page and "<svg" in page
    assert "Fire safety" in page
    assert "certificate.view" not in actions()  # the holder looking at their own is not logged


def test_verify_page_shows_initials_modules_date_and_organisation_only(client, client_for, app,
                                                                        school):
    sign_in(client, "kari")
    certificate = issue(client, school["olena"])
    visitor = client_for(app)
    response = visitor.get(f"/verify/{certificate.code}?lang=en")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Genuine certificate" in page
    assert "О. К." in page and "Олена" not in page and "Коваленко" not in page
    assert "Hamar kommune" in page and "Waste and recycling" in page
    assert 'name="robots" content="noindex' in page
    assert response.headers["X-Robots-Tag"].startswith("noindex")
    assert "Hours attended" not in page and "2.5" not in page  # nothing beyond what is listed


def test_unknown_code_says_no_certificate_has_it(client):
    response = client.get("/verify/not-a-real-code-0123456789abcdef?lang=en")
    assert response.status_code == 404
    assert "No certificate has this code" in response.get_data(as_text=True)
    assert client.get("/verify?lang=en").status_code == 200


def test_coordinator_withdraws_with_a_reason_after_confirming(client, client_for, app, school):
    sign_in(client, "kari")
    certificate = issue(client, school["olena"])
    listing = client.get("/certificates").get_data(as_text=True)
    assert f"/certificates/{certificate.number}/revoke" in listing
    url = f"/certificates/{certificate.number}/revoke"
    confirm = client.get(url)
    assert confirm.status_code == 200 and certificate.holder_name in confirm.get_data(as_text=True)
    empty = client.post_form(url, {"reason": "   "})
    assert empty.status_code == 422
    assert db.session.get(Certificate, certificate.id).revoked_at is None
    done = client.post_form(url, {"reason": "Given to the wrong person"})
    assert done.status_code == 302
    db.session.expire_all()
    revoked = db.session.get(Certificate, certificate.id)
    assert revoked.revoked_at is not None and revoked.revoke_reason == "Given to the wrong person"
    assert revoked.revoked_by_id == school["coordinator"].id
    listing = client.get("/certificates?lang=en").get_data(as_text=True)
    assert certificate.number in listing and "Withdrawn" in listing  # still listed

    public = client_for(app).get(f"/verify/{certificate.code}?lang=en")
    text = public.get_data(as_text=True)
    assert public.status_code == 200
    assert "Not valid" in text and "withdrawn" in text
    assert "Given to the wrong person" not in text

    holder = client_for(app)
    sign_in(holder, "olena", PIN)
    assert holder.get(f"/certificates/{certificate.number}.pdf").status_code == 410
    assert holder.get(f"/certificates/{certificate.number}").status_code == 410
    assert "certificate.revoke" in actions(school["olena"])


def test_a_teacher_cannot_withdraw(client, client_for, app, school):
    sign_in(client, "kari")
    certificate = issue(client, school["olena"])
    teacher = client_for(app)
    sign_in(teacher, "tove", "teacher-pass-1")
    url = f"/certificates/{certificate.number}/revoke"
    assert teacher.get(url).status_code == 403
    assert teacher.post_form(url, {"reason": "no"}, page="/teach/").status_code == 403
    assert db.session.get(Certificate, certificate.id).revoked_at is None


def test_staff_downloads_and_views_are_in_the_audit_log(client, school):
    sign_in(client, "kari")
    certificate = issue(client, school["olena"])
    client.get(f"/certificates/{certificate.number}.pdf")
    client.get(f"/certificates/{certificate.number}")
    events = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action.like("certificate.%")).order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["certificate.issue", "certificate.download",
                                          "certificate.view"]
    assert {e.actor_id for e in events} == {school["coordinator"].id}
    assert {e.subject_id for e in events} == {school["olena"].id}
    assert all(e.detail["number"] == certificate.number for e in events)


def test_an_unknown_language_is_refused_and_nothing_is_issued(client, school):
    sign_in(client, "kari")
    response = client.post_form(f"/certificates/participants/{school['olena'].id}",
                                {"language": "xx"})
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)) == 0


def test_hours_are_written_the_norwegian_way_in_bokmal(client, school):
    sign_in(client, "kari")
    page = client.get(f"/certificates/participants/{school['olena'].id}?lang=nb")
    assert "2,5" in page.get_data(as_text=True)
