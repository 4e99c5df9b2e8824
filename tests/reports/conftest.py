"""Fixtures for the coordinators' report tests: the school in story.py, a signed-in coordinator."""

import pytest
from story import PASSWORD, School, build_school


@pytest.fixture
def school(app, factory) -> School:
    return build_school(app, factory)


@pytest.fixture
def coordinator(client, school):
    """The Hamar coordinator, signed in."""
    assert client.login("kari", PASSWORD).status_code == 302
    return client
