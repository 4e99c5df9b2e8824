"""The role matrix's table: every route of the site, the address it is tried at, who may use it.

The matrix (test_role_matrix.py), the CSRF test and the header test all read CASES, so a new
route is tried by all three as soon as it has its line in matrix_cases_*.py; a route without
one fails test_every_route_has_a_role_matrix_entry.
"""

from urllib.parse import urlsplit

from tests.security.matrix_case import Case
from tests.security.matrix_cases_people import CASES as PEOPLE_CASES
from tests.security.matrix_cases_staff import CASES as STAFF_CASES
from tests.security.matrix_world import World

CASES: list[Case] = PEOPLE_CASES + STAFF_CASES
SKIPPED_METHODS = {"HEAD", "OPTIONS"}


def every_route(app) -> set[tuple[str, str, str]]:
    """(endpoint, method, rule) for every route in the URL map, less HEAD and OPTIONS."""
    return {(rule.endpoint, method, rule.rule) for rule in app.url_map.iter_rules()
            for method in rule.methods - SKIPPED_METHODS}


def route_of(app, case: Case, world: World) -> tuple[str, str, str]:
    """The (endpoint, method, rule) the case's address reaches."""
    adapter = app.url_map.bind("localhost")
    rule, _args = adapter.match(urlsplit(case.address(world)).path, method=case.method,
                                return_rule=True)
    return rule.endpoint, case.method, rule.rule
