"""The role matrix, part 1: public pages, signing in, and participants' own pages.

Decisions (who may do what, and why) are in the comments; see matrix_case.py for the fields.
"""

from housingschool.accounts.models import User
from housingschool.extensions import db
from housingschool.learning.models import QuizAttempt
from housingschool.teaching.models import Attendance, LiveAnswer
from tests.security.matrix_case import EVERYONE, PARTICIPANTS, get, post, rows, value
from tests.security.matrix_world import ANON, CHECKIN_CODE, P1, P2, PICTURES, PIN, T1, C

LESSON = "/modules/{module}/{lesson}"
NEW_SECRET = "a-new-secret-9"

CASES = [
    # -- Public: the course itself is open to everyone, signed in or not -----------------------
    get("web.healthz", "/healthz", EVERYONE),
    get("web.choose_language", "/language?next=/progress", EVERYONE),
    get("static", "/static/css/site.css", EVERYONE),
    get("offline.manifest", "/manifest.webmanifest", EVERYONE),
    get("offline.offline_page", "/offline", EVERYONE),
    get("offline.service_worker", "/sw.js", EVERYONE),
    get("offline.texts", "/offline/texts.json", EVERYONE),
    get("learning.home", "/", EVERYONE),
    get("learning.module", "/modules/{module}", EVERYONE),
    # Signed-in visitors also see their own organisation's local note (B's admin: none of A's).
    get("learning.lesson", LESSON, EVERYONE),
    get("learning.side_by_side", LESSON + "/side-by-side?lang=ar", EVERYONE),
    get("learning.media", "/course-media/{module}/icon.svg", EVERYONE),
    # Anyone may check their answers; only a participant's attempt is saved, as their own.
    post("learning.submit_quiz", LESSON + "/quiz", EVERYONE,
         lambda world: {**world.answers, "attempt_id": "8a1c5b5e-8d2e-4f62-9b8e-1f0e7c3d2a10"},
         rows(QuizAttempt, lambda world: QuizAttempt.user_id == world.p1)),
    # The public check of a certificate shows initials only (MUST_NOT_SEE checks that).
    get("certificates.verify_help", "/verify", EVERYONE),
    get("certificates.verify", "/verify/{verify_code}", EVERYONE),

    # -- Signing in, joining, one-time codes: public forms ----------------------------------------
    get("accounts.login", "/login", EVERYONE),
    # Signed-in visitors are sent home; the CSRF test posts these forms signed out.
    post("accounts.login", "/login", EVERYONE, {"username": "p1-amina", "secret": PIN},
         value(User.last_seen_at, "p1"), csrf_viewer=ANON),
    get("accounts.login_pictures", "/login/pictures", EVERYONE),
    post("accounts.login_pictures", "/login/pictures", EVERYONE,
         {"username": "{pic_user}", "first": PICTURES[0], "second": PICTURES[1],
          "third": PICTURES[2]},
         lambda world: _last_seen(world.pic_user), csrf_viewer=ANON),
    # Signing out is harmless for anyone; the CSRF test checks a forged one signs nobody out.
    post("accounts.logout", "/logout", EVERYONE, {}, None),
    post("accounts.text_size", "/text-size", EVERYONE, {"large_text": "on", "next": "/"},
         value(User.large_text, "p1")),
    get("accounts.join", "/join", EVERYONE),
    post("accounts.join", "/join", EVERYONE, {"code": "ALPHA001"}, None, csrf_viewer=ANON),
    # The join code is the key: whoever has it may make an account in that group (signed-in
    # visitors are sent home and told to sign out first).
    get("accounts.register", "/join/ALPHA001", EVERYONE),
    post("accounts.register", "/join/ALPHA001", EVERYONE,
         {"username": "newcomer", "display_name": "New Comer", "secret": PIN, "confirm": PIN},
         rows(User), csrf_viewer=ANON),
    # The one-time code is the key, as for the join code.
    get("admin.reset", "/reset", EVERYONE),
    post("admin.reset", "/reset", EVERYONE,
         {"username": "t2-trond", "code": "{reset_code}", "secret": NEW_SECRET,
          "confirm": NEW_SECRET},
         value(User.password_hash, "t2")),

    # -- A participant's own pages: participants only (staff 403), each sees only their own ----
    get("learning.my_progress", "/progress", PARTICIPANTS),
    # P1's attempt: another participant gets 404, as if it did not exist.
    get("learning.attempt", LESSON + "/attempts/{attempt}", {P1}),
    get("schedule.my_sessions", "/sessions", PARTICIPANTS),
    get("certificates.mine", "/my/certificates", PARTICIPANTS),
    get("privacy.my_data", "/my/data", PARTICIPANTS),
    get("privacy.download", "/my/data/download", PARTICIPANTS),
    get("privacy.ask_deletion", "/my/data/delete", PARTICIPANTS),
    post("privacy.ask_deletion", "/my/data/delete", PARTICIPANTS, {},
         value(User.deletion_requested_at, "p1")),
    # P2 asked for deletion in the world, so P2 is the one who can withdraw.
    post("privacy.withdraw_deletion", "/my/data/delete/withdraw", PARTICIPANTS, {},
         value(User.deletion_requested_at, "p2"), csrf_viewer=P2),
    # A fresh CSRF token for answers kept offline: participants only; others get JSON 403.
    get("offline.token", "/offline/token", PARTICIPANTS, refused={ANON: 403}),
    get("checkin.check_in", "/checkin", PARTICIPANTS),
    # The code of A1's session does nothing for P2, who is not in A1: the form says so (422).
    post("checkin.check_in", "/checkin", {P1}, {"code": CHECKIN_CODE},
         rows(Attendance, lambda world: Attendance.session_id == world.s1),
         refused={P2: 422}),
    get("live.follow", "/live", PARTICIPANTS),
    get("live.follow_state", "/live/state.json", PARTICIPANTS, refused={ANON: 401}),
    # P2 may answer their own group's live quiz; an answer naming A1's quiz is not saved.
    post("live.answer", "/live/answer", {P1},
         {"live": "{live}", "question": "{question}", "option": "{option}"},
         rows(LiveAnswer, lambda world: LiveAnswer.live_id == world.live), scoped={P2}),

    # -- Calendars and certificates: the participant, and staff who look after them ----------
    # Members of the group and staff who manage it; everyone else 404.
    get("schedule.session_calendar", "/sessions/{s1}.ics", {P1, T1, C}),
    get("schedule.group_calendar", "/groups/{a1}/calendar.ics", {P1, T1, C}),
    # The holder, their teacher and their organisation's coordinator. Not B's admin: admins
    # see their own organisation's people only (the certificate is 404 to them).
    get("certificates.show", "/certificates/{certificate}", {P1, T1, C}),
    get("certificates.download", "/certificates/{certificate}.pdf", {P1, T1, C}),
]


def _last_seen(username: str):
    return db.session.scalar(db.select(User.last_seen_at).where(User.username == username))
