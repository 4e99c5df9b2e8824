"""Small helpers the admin tests share (not fixtures: plain functions)."""

import re

CODE = re.compile(r'class="card-value one-time-code">([A-Z0-9-]+)<')
PASSWORD = "long-enough-1"


def shown_code(response) -> str:
    """The one-time code on a 'code shown once' page."""
    match = CODE.search(response.get_data(as_text=True))
    assert match, "no one-time code on the page"
    return match.group(1)


def use_code(client, username: str, code: str, secret: str = PASSWORD, confirm=None):
    """Choose a password on /reset with a one-time code."""
    return client.post_form("/reset", {"username": username, "code": code, "secret": secret,
                                       "confirm": secret if confirm is None else confirm})


def logout(client) -> None:
    client.post_form("/logout", {}, page="/")
