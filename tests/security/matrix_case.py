"""What a line of the role matrix's table says (see matrix_table.py for the table).

Fields of a Case:
- `url`: an address in the world of matrix_world.py, `{a1}` etc. filled in from World.
- `allowed`: who may use it; they get a success (2xx, or the view's redirect on success).
- `scoped`: who may use it, but only on their own group or organisation: they get a success
  and A's data (the `probe`) does not change.
- everyone else is refused: 403 or 404 (anonymous visitors: the sign-in page), or the status
  in `refused`; a refused POST changes nothing the `probe` reads.
- `data` (POST): the form an allowed viewer sends; `probe`: what the POST would change.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import sqlalchemy as sa

from housingschool.extensions import db
from tests.security.matrix_world import ADMIN_B, ANON, P1, P2, T1, T2, VIEWERS, C, World

EVERYONE = frozenset(VIEWERS)
PARTICIPANTS = frozenset({P1, P2})
STAFF = frozenset({T1, T2, C, ADMIN_B})
A1_STAFF = frozenset({T1, C})
MANAGERS = frozenset({C, ADMIN_B})
# The CSRF test sends each POST as the first allowed viewer in this order.
CSRF_ORDER = (P1, T1, C, ADMIN_B, ANON, P2, T2)


@dataclass(frozen=True)
class Case:
    """One (endpoint, method) of the URL map, tried at one address (see the module docstring)."""

    endpoint: str
    method: str
    url: str
    allowed: frozenset
    data: Mapping | Callable | None = None
    probe: Callable[[World], object] | None = None
    scoped: frozenset = frozenset()
    refused: Mapping[str, int] = field(default_factory=dict)
    variant: str = ""
    shows_every_organisation: bool = False  # an admin page over all organisations
    csrf_viewer: str | None = None

    @property
    def id(self) -> str:
        variant = f"({self.variant})" if self.variant else ""
        return f"{self.endpoint}{variant}-{self.method}"

    def address(self, world: World) -> str:
        return self.url.format(**vars(world))

    def form(self, world: World) -> dict:
        """The form data, with `{...}` filled in from the world."""
        data = self.data(world) if callable(self.data) else dict(self.data or {})
        return {key: _fill(value, world) for key, value in data.items()}

    def owner(self) -> str:
        """The viewer the CSRF test posts as: the one whose own data the POST changes."""
        return self.csrf_viewer or next(v for v in CSRF_ORDER if v in self.allowed)


def _fill(value, world: World):
    if isinstance(value, str):
        return value.format(**vars(world))
    if isinstance(value, list):
        return [_fill(item, world) for item in value]
    return value


def get(endpoint: str, url: str, allowed, **kwargs) -> Case:
    return Case(endpoint, "GET", url, frozenset(allowed), **kwargs)


def post(endpoint: str, url: str, allowed, data, probe, **kwargs) -> Case:
    return Case(endpoint, "POST", url, frozenset(allowed), data=data, probe=probe, **kwargs)


# -- probes: read a value straight from the database (columns, never cached objects) ----------

def value(column, world_id: str) -> Callable[[World], object]:
    """The probe `column` of the row whose id is the world's `world_id`."""
    return lambda world: db.session.scalar(
        sa.select(column).where(column.class_.id == getattr(world, world_id)))


def rows(model, where: Callable[[World], sa.ColumnElement] | None = None):
    """The probe: how many rows of `model` (matching `where`) there are."""
    def count(world: World) -> int:
        query = sa.select(sa.func.count()).select_from(model)
        return db.session.scalar(query.where(where(world)) if where else query)
    return count


def values(column, where: Callable[[World], sa.ColumnElement]):
    """The probe: the sorted values of `column` in the rows matching `where`."""
    return lambda world: sorted(map(str, db.session.scalars(
        sa.select(column).where(where(world)))))


def both(*probes):
    return lambda world: tuple(probe(world) for probe in probes)
