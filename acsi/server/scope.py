"""Who may see what: one place that resolves a requested node (region, branch, staff member)
against the viewer's role and scope.

A request is allowed when the requested node lies inside the viewer's node (design note
``bank-system.md``): the whole bank for admin, head office and analyst; a region's branches for
a region manager; one branch for a branch manager; one staff member for a clerk. Data inside an
allowed node are filtered as well: a branch manager's view of a staff member shows only what
that staff member did at the manager's branch (staff move between branches).

Out of scope and unknown look the same to a viewer who could not see the node anyway
(:class:`Forbidden`), so codes of other branches cannot be probed.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, select

from acsi.errors import Forbidden, NotFound
from acsi.server.schema import agg_fine, branches, regions, staff, staff_assignments

BANK_WIDE = ("admin", "head_office", "analyst")


@dataclass(frozen=True)
class Viewer:
    user_id: int
    name: str
    role: str
    scope: str | None
    csrf: str = ""
    clerk_names_granted: bool = False

    @property
    def bank_wide(self) -> bool:
        return self.role in BANK_WIDE

    @property
    def sees_clerk_names(self) -> bool:
        """Analysts see no clerk-level numbers unless an admin granted them; clerks see only their own."""
        if self.role == "analyst":
            return self.clerk_names_granted
        return self.role in ("admin", "head_office", "region_manager", "branch_manager")

    def branch_codes(self, conn: Connection) -> set[str] | None:
        """Branches the viewer may see; None means every branch."""
        if self.bank_wide:
            return None
        if self.role == "region_manager":
            rows = conn.execute(
                select(branches.c.code).join(regions, regions.c.id == branches.c.region_id).where(regions.c.code == self.scope)
            )
            return {r[0] for r in rows}
        if self.role == "branch_manager":
            return {self.scope} if self.scope else set()
        if self.role == "clerk":
            rows = conn.execute(
                select(agg_fine.c.branch_id).where(agg_fine.c.staff_id == self.scope, agg_fine.c.n > 0).distinct()
            )
            return {r[0] for r in rows}
        return set()


def _exists(conn: Connection, table, code: str) -> bool:
    return conn.execute(select(table.c.id).where(table.c.code == code)).first() is not None


def check_branch(conn: Connection, viewer: Viewer, code: str) -> None:
    """Allow a branch page, export or API row set, or raise Forbidden / NotFound."""
    if viewer.role == "clerk":
        raise Forbidden(f"user {viewer.name!r} (clerk) sees only their own numbers, not branch {code!r}.")
    allowed = viewer.branch_codes(conn)
    if allowed is not None and code not in allowed:
        raise Forbidden(f"branch {code!r} is outside the scope of user {viewer.name!r}.")
    if not _exists(conn, branches, code):
        raise NotFound(f"no branch {code!r}.")


def check_region(conn: Connection, viewer: Viewer, code: str) -> None:
    if viewer.role == "region_manager":
        if code != viewer.scope:
            raise Forbidden(f"region {code!r} is outside the scope of user {viewer.name!r}.")
    elif not viewer.bank_wide:
        raise Forbidden(f"user {viewer.name!r} ({viewer.role}) has no region view.")
    if not _exists(conn, regions, code):
        raise NotFound(f"no region {code!r}.")


def staff_branch_filter(conn: Connection, viewer: Viewer, code: str) -> set[str] | None:
    """Branches whose events of staff member ``code`` the viewer may see (None: all), or raise."""
    if viewer.role == "clerk":
        if code != viewer.scope:
            raise Forbidden(f"user {viewer.name!r} sees only their own numbers.")
        return None
    if not viewer.sees_clerk_names:
        raise Forbidden(f"user {viewer.name!r} ({viewer.role}) sees no clerk-level numbers.")
    allowed = viewer.branch_codes(conn)
    if allowed is None:
        if not _exists(conn, staff, code):
            raise NotFound(f"no staff member {code!r}.")
        return None
    worked = {
        r[0] for r in conn.execute(select(agg_fine.c.branch_id).where(agg_fine.c.staff_id == code, agg_fine.c.n > 0).distinct())
    }
    assigned = {
        r[0]
        for r in conn.execute(
            select(branches.c.code)
            .join(staff_assignments, staff_assignments.c.branch_id == branches.c.id)
            .join(staff, staff.c.id == staff_assignments.c.staff_id)
            .where(staff.c.code == code)
        )
    }
    visible = (worked | assigned) & allowed
    if not visible:
        raise Forbidden(f"staff member {code!r} never worked in a branch within the scope of user {viewer.name!r}.")
    return visible
