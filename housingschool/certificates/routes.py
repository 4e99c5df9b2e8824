"""Course certificates (kursbevis): issue, download, verify, revoke."""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from housingschool import i18n
from housingschool.auth import role_required
from housingschool.certificates import services
from housingschool.certificates.forms import IssueForm, RevokeForm
from housingschool.certificates.pdf import certificate_pdf
from housingschool.extensions import db
from housingschool.reports.audit import record
from housingschool.reports.models import Certificate
from housingschool.teaching.access import STAFF
from housingschool.teaching.qr import qr_svg

bp = Blueprint("certificates", __name__)
COORDINATORS = ("coordinator", "admin")
RULES = {
    "not_eligible": _l("A certificate can only be issued when every required module is "
                       "completed. Still to do: %(missing)s."),
    "anonymised": _l("This participant's data has been anonymised, so no certificate can be "
                     "issued."),
    "busy": _l("Many certificates were issued at the same moment. Please try again."),
    "already_revoked": _l("This certificate was already withdrawn."),
}


def catalogue():
    return current_app.extensions["catalogue"]


def titles(slugs) -> list[str]:
    """Module titles in the visitor's language, in course order."""
    code, wanted = i18n.current_language(), set(slugs)
    return [m.text(code).text.title for m in catalogue().modules if m.slug in wanted]


@bp.app_template_filter("certificate_hours")
def hours_filter(minutes: int) -> str:
    """Minutes as hours with one decimal in the visitor's language: 150 -> "2,5" in bokmål."""
    return format_decimal(round(minutes / 60, 1))


def certificate_or_404(number: str) -> Certificate:
    """The certificate with this number if the signed-in user may see it; otherwise 404."""
    certificate = services.find_by_number(number)
    if certificate is None or not services.may_see(current_user, certificate):
        abort(404)
    return certificate


@bp.route("/certificates/participants/<int:user_id>", methods=["GET", "POST"])
@role_required(*STAFF)
def participant(user_id: int):
    """One participant's way to the certificate, their certificates, and the issue form."""
    person = services.visible_participant(current_user, user_id)
    if person is None:
        abort(404)
    status = services.eligibility(person, catalogue())
    own = i18n.normalise(person.language or person.organisation.default_language) or "nb"
    form = IssueForm(data={"language": own})
    error = None
    if form.validate_on_submit():
        try:
            issued = services.issue(person, current_user, form.language.data, catalogue())
        except services.CertificateError as failure:
            error = str(RULES[failure.code]) % {
                "missing": ", ".join(titles(m.slug for m in status.missing))}
        else:
            record("certificate.issue", subject=person, number=issued.number,
                   language=issued.language)
            db.session.commit()
            flash(_("Certificate %(number)s is ready. %(name)s can download it or show it on "
                    "the phone under My certificates.", number=issued.number,
                    name=person.display_name), "success")
            return redirect(url_for("certificates.participant", user_id=person.id))
    required = {m.slug for m in status.required}
    done = {m.slug for m in status.completed}
    record("view.participant", subject=person, page="certificates")
    db.session.commit()
    return render_template(
        "certificates/participant.html", person=person, status=status, form=form, error=error,
        required=titles(required), done=titles(done & required),
        extra=titles(done - required), missing=titles(m.slug for m in status.missing),
        certificates=services.certificates_of(person)), 422 if error or form.errors else 200


@bp.get("/certificates")
@role_required(*COORDINATORS)
def index():
    """Every certificate the organisation issued, newest first, withdrawn ones marked."""
    return render_template("certificates/index.html", certificates=services
                           .organisation_certificates(current_user.organisation_id))


@bp.route("/certificates/<number>/revoke", methods=["GET", "POST"])
@role_required(*COORDINATORS)
def revoke(number: str):
    """Withdraw a certificate: a confirm page with a reason, then the list."""
    certificate = certificate_or_404(number)
    form = RevokeForm()
    if certificate.revoked_at is None and form.validate_on_submit():
        services.revoke(certificate, current_user, form.reason.data)
        record("certificate.revoke", subject=certificate.user, number=certificate.number,
               reason=certificate.revoke_reason)
        db.session.commit()
        flash(_("Certificate %(number)s is withdrawn. Its check page now says it is not valid.",
                number=certificate.number), "success")
        return redirect(url_for("certificates.index"))
    return render_template("certificates/revoke.html", certificate=certificate, form=form,
                           modules=titles(certificate.modules)), 422 if form.errors else 200


@bp.get("/certificates/<number>.pdf")
@login_required
def download(number: str):
    """The certificate as a one-page PDF, for its holder and the staff who look after them."""
    certificate = certificate_or_404(number)
    if certificate.revoked_at is not None:
        return withdrawn(certificate)
    url = url_for("certificates.verify", code=certificate.code, _external=True)
    body = certificate_pdf(certificate, catalogue(), url)
    record("certificate.download", subject=certificate.user, number=certificate.number)
    db.session.commit()
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="kursbevis-{certificate.number}.pdf"',
        "Cache-Control": "private, no-store"})


@bp.get("/certificates/<number>")
@login_required
def show(number: str):
    """The certificate big and clear on a phone, to show a landlord."""
    certificate = certificate_or_404(number)
    if certificate.revoked_at is not None:
        return withdrawn(certificate)
    if certificate.user_id != current_user.id:
        record("certificate.view", subject=certificate.user, number=certificate.number)
        db.session.commit()
    return render_template("certificates/show.html", certificate=certificate,
                           modules=titles(certificate.modules), qr=_qr(certificate))


def withdrawn(certificate: Certificate):
    """A withdrawn certificate cannot be downloaded or shown: say so plainly."""
    return render_template("certificates/withdrawn.html", certificate=certificate), 410


@bp.get("/my/certificates")
@role_required("participant")
def mine():
    """A participant's own certificates, to download or show."""
    return render_template("certificates/mine.html",
                           certificates=services.certificates_of(current_user), titles=titles)


@bp.get("/verify")
def verify_help():
    """The bare /verify address: how to check a certificate."""
    return _public(render_template("certificates/verify_help.html"))


@bp.get("/verify/<code>")
def verify(code: str):
    """Public check of a certificate: initials, modules, date and organisation only."""
    certificate = services.find_by_code(code)
    if certificate is None:
        return _public(render_template("certificates/verify_unknown.html"), 404)
    return _public(render_template(
        "certificates/verify.html", certificate=certificate, modules=titles(certificate.modules),
        initials=services.initials(certificate.holder_name)))


def _public(body: str, status: int = 200) -> Response:
    """A verify page: kept out of search engines and shared caches."""
    return Response(body, status, headers={"X-Robots-Tag": "noindex, nofollow",
                                           "Cache-Control": "no-store"})


def _qr(certificate: Certificate) -> str:
    return qr_svg(url_for("certificates.verify", code=certificate.code, _external=True))
