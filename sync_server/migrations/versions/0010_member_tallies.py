"""Member tallies (issue 15): the counts and sums the desk's coverage and money pages
read, kept by database triggers on `members` and `retired_members`, so the pages read a
few thousand tally rows instead of scanning every member (services/member_tallies.py
says why triggers and what each kind of row holds). Backfilled from the members there
are.

SQLite (one writer at a time): row triggers add into one row per key (an upsert).
PostgreSQL: statement triggers with transition tables append one delta row per key and
statement, never updating a shared row, so concurrent ingest transactions do not queue
on a counter's row lock; readers sum the deltas and compact them now and then.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_KEY = ("kind", "village_code", "label", "day", "income", "jht")
_COLUMNS = "kind, village_code, label, day, income, jht, n, amount"
#: The member columns a tally depends on; a change of any other leaves the tallies alone.
_WATCHED = (
    "village_code",
    "segment",
    "funding",
    "income",
    "jht",
    "startup_cash",
    "conversion_due",
    "created_at",
)
_NO_DAY = "'1970-01-01'"


def _tally_select(source: str, dialect: str) -> str:
    """The tally rows of `source` (a relation with the watched member columns and `s`,
    +1 to add the row or -1 to take it away): one SELECT, UNION ALL of every kind."""
    if dialect == "sqlite":
        wita_day = "date(created_at, '+8 hours')"
        due_day = "date(conversion_due)"
        jht = "coalesce(jht, 0)"
    else:
        wita_day = "CAST(created_at + interval '8 hours' AS date)"
        due_day = "conversion_due"
        jht = "coalesce(jht, false)"
    income = "CASE WHEN income > 0 THEN income ELSE 0 END"
    payer = "CASE WHEN funding <> '' THEN 'f:' || funding ELSE 's:' || segment END"
    has_cash = "CASE WHEN startup_cash > 0 THEN '1' ELSE '0' END"
    no_day = _NO_DAY if dialect == "sqlite" else f"DATE {_NO_DAY}"
    false = "0" if dialect == "sqlite" else "false"
    changed = "HAVING sum(s) <> 0"
    return f"""
SELECT 'area', village_code, segment, {no_day}, 0, {false}, sum(s), 0 FROM {source}
  GROUP BY village_code, segment {changed}
UNION ALL
SELECT 'day', '', '', {wita_day}, 0, {false}, sum(s), 0 FROM {source}
  GROUP BY {wita_day} {changed}
UNION ALL
SELECT 'pay', village_code, {payer}, {no_day}, {income}, {jht}, sum(s), 0 FROM {source}
  GROUP BY village_code, {payer}, {income}, {jht} {changed}
UNION ALL
SELECT 'cash', '', '', {no_day}, 0, {false}, n, a FROM (SELECT sum(s) AS n,
  sum(s * startup_cash) AS a FROM {source} WHERE startup_cash > 0) AS c WHERE n <> 0 OR a <> 0
UNION ALL
SELECT 'due', '', {has_cash}, {due_day}, 0, {false}, sum(s), 0 FROM {source}
  WHERE conversion_due IS NOT NULL GROUP BY {has_cash}, {due_day} {changed}
"""


def _watched(alias: str, sign: int) -> str:
    """The watched columns of `alias` and the sign, as a select list."""
    return ", ".join(f"{alias}.{c} AS {c}" for c in _WATCHED) + f", {sign} AS s"


def _not_retired(alias: str) -> str:
    return f"NOT EXISTS (SELECT 1 FROM retired_members r WHERE r.member_id = {alias}.id)"


# --- SQLite ---------------------------------------------------------------------------


def _sqlite_rows(r: str, sign: int) -> list[tuple[str, str]]:
    """(select list, condition) of each tally row of member `r` (NEW, OLD or an alias)."""
    day0 = _NO_DAY
    payer = f"CASE WHEN {r}.funding <> '' THEN 'f:' || {r}.funding ELSE 's:' || {r}.segment END"
    income = f"CASE WHEN {r}.income > 0 THEN {r}.income ELSE 0 END"
    has_cash = f"CASE WHEN {r}.startup_cash > 0 THEN '1' ELSE '0' END"
    return [
        (f"'area', {r}.village_code, {r}.segment, {day0}, 0, 0, {sign}, 0", "true"),
        (f"'day', '', '', date({r}.created_at, '+8 hours'), 0, 0, {sign}, 0", "true"),
        (
            f"'pay', {r}.village_code, {payer}, {day0}, {income}, coalesce({r}.jht, 0), {sign}, 0",
            "true",
        ),
        (
            f"'cash', '', '', {day0}, 0, 0, {sign}, {sign} * {r}.startup_cash",
            f"{r}.startup_cash > 0",
        ),
        (
            f"'due', '', {has_cash}, date({r}.conversion_due), 0, 0, {sign}, 0",
            f"{r}.conversion_due IS NOT NULL",
        ),
    ]


def _sqlite_upserts(rows: list[tuple[str, str]], source: str = "", where: str = "true") -> str:
    """One upsert per tally row, adding into the row of its key (`source`: a FROM clause
    and `where` its condition, for a member read from the table)."""
    key = ", ".join(_KEY)
    return " ".join(
        f"INSERT INTO member_tallies ({_COLUMNS}) SELECT {cols} {source} WHERE {where} AND {cond}"
        f" ON CONFLICT ({key}) DO UPDATE SET n = n + excluded.n, amount = amount + excluded.amount;"
        for cols, cond in rows
    )


def _sqlite_add(row: str, sign: int) -> str:
    """Add (sign +1) or take away (-1) the member `row` (NEW or OLD)."""
    return _sqlite_upserts(_sqlite_rows(row, sign))


def _sqlite_add_member(member_id: str, sign: int) -> str:
    """The same for the member with id `member_id`, read from the table."""
    return _sqlite_upserts(_sqlite_rows("m", sign), "FROM members m", f"m.id = {member_id}")


def _sqlite_triggers() -> list[str]:
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in _WATCHED)
    watched = ", ".join(_WATCHED)
    return [
        f"""CREATE TRIGGER member_tallies_insert AFTER INSERT ON members
        WHEN {_not_retired("NEW")} BEGIN {_sqlite_add("NEW", 1)} END""",
        f"""CREATE TRIGGER member_tallies_update AFTER UPDATE OF {watched} ON members
        WHEN ({changed}) AND {_not_retired("NEW")}
        BEGIN {_sqlite_add("OLD", -1)} {_sqlite_add("NEW", 1)} END""",
        f"""CREATE TRIGGER member_tallies_delete AFTER DELETE ON members
        WHEN {_not_retired("OLD")} BEGIN {_sqlite_add("OLD", -1)} END""",
        f"""CREATE TRIGGER member_tallies_retire AFTER INSERT ON retired_members
        BEGIN {_sqlite_add_member("NEW.member_id", -1)} END""",
        f"""CREATE TRIGGER member_tallies_unretire AFTER DELETE ON retired_members
        BEGIN {_sqlite_add_member("OLD.member_id", 1)} END""",
    ]


# --- PostgreSQL -----------------------------------------------------------------------


def _pg_function(name: str, body: str) -> str:
    return f"""CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
{body}
RETURN NULL;
END
$fn$"""


def _pg_append(source: str) -> str:
    return f"INSERT INTO member_tallies ({_COLUMNS}) {_tally_select(source, 'postgresql')};"


def _pg_triggers() -> list[str]:
    changed = " OR ".join(f"o.{c} IS DISTINCT FROM n.{c}" for c in _WATCHED)
    moved = (
        f"(SELECT {_watched('o', -1)} FROM old_rows o JOIN new_rows n ON n.id = o.id"
        f" WHERE ({changed}) AND {_not_retired('n')}"
        f" UNION ALL SELECT {_watched('n', 1)} FROM old_rows o JOIN new_rows n ON n.id = o.id"
        f" WHERE ({changed}) AND {_not_retired('n')}) AS x"
    )
    # A retirement locks the member as ingest does (FOR NO KEY UPDATE), so an edit of the
    # same member arriving meanwhile is either counted before it (and taken away with the
    # values it left) or sees the member retired and changes no tally.
    lock = (
        "PERFORM 1 FROM members m WHERE m.id IN (SELECT member_id FROM {rows})"
        " ORDER BY m.id FOR NO KEY UPDATE;"
    )
    retired = "(SELECT {cols} FROM members m JOIN {rows} r0 ON r0.member_id = m.id) AS x"
    rebuild = "DELETE FROM member_tallies;\n" + _pg_append(
        f"(SELECT {_watched('m', 1)} FROM members m WHERE {_not_retired('m')}) AS x"
    )
    functions = {
        "member_tallies_insert": _pg_append(
            f"(SELECT {_watched('n', 1)} FROM new_rows n WHERE {_not_retired('n')}) AS x"
        ),
        "member_tallies_update": _pg_append(moved),
        "member_tallies_delete": _pg_append(
            f"(SELECT {_watched('o', -1)} FROM old_rows o WHERE {_not_retired('o')}) AS x"
        ),
        "member_tallies_retire": lock.format(rows="new_rows")
        + "\n"
        + _pg_append(retired.format(cols=_watched("m", -1), rows="new_rows")),
        "member_tallies_unretire": lock.format(rows="old_rows")
        + "\n"
        + _pg_append(retired.format(cols=_watched("m", 1), rows="old_rows")),
        "member_tallies_rebuild": rebuild,
    }
    statements = [_pg_function(name, body) for name, body in functions.items()]
    for table, event, name, refs in (
        ("members", "INSERT", "member_tallies_insert", "NEW TABLE AS new_rows"),
        (
            "members",
            "UPDATE",
            "member_tallies_update",
            "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        ),
        ("members", "DELETE", "member_tallies_delete", "OLD TABLE AS old_rows"),
        ("retired_members", "INSERT", "member_tallies_retire", "NEW TABLE AS new_rows"),
        ("retired_members", "DELETE", "member_tallies_unretire", "OLD TABLE AS old_rows"),
    ):
        statements.append(
            f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {refs}"
            f" FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
        )
    for table in ("members", "retired_members"):
        statements.append(
            f"CREATE TRIGGER member_tallies_truncate_{table} AFTER TRUNCATE ON {table}"
            " FOR EACH STATEMENT EXECUTE FUNCTION member_tallies_rebuild()"
        )
    return statements


def upgrade() -> None:
    """The tally table, its triggers, and the tallies of the members there are."""
    dialect = op.get_bind().dialect.name
    op.create_table(
        "member_tallies",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("village_code", sa.String(20), nullable=False, server_default=""),
        sa.Column("label", sa.String(60), nullable=False, server_default=""),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("income", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("jht", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False, server_default="0"),
    )
    # SQLite's triggers upsert into it; on PostgreSQL (delta rows) it stays empty.
    op.create_index(
        "uq_member_tallies_key",
        "member_tallies",
        list(_KEY),
        unique=True,
        postgresql_where=sa.text("false"),
    )
    if dialect == "sqlite":
        triggers = _sqlite_triggers()
        source = f"(SELECT {_watched('m', 1)} FROM members m WHERE {_not_retired('m')})"
    else:
        triggers = _pg_triggers()
        source = f"(SELECT {_watched('m', 1)} FROM members m WHERE {_not_retired('m')}) AS x"
    op.execute(f"INSERT INTO member_tallies ({_COLUMNS}) {_tally_select(source, dialect)}")
    for statement in triggers:
        op.execute(statement)


def downgrade() -> None:
    """Drop the triggers, their functions and the table."""
    dialect = op.get_bind().dialect.name
    names = (
        "member_tallies_insert",
        "member_tallies_update",
        "member_tallies_delete",
        "member_tallies_retire",
        "member_tallies_unretire",
    )
    if dialect == "sqlite":
        for name in names:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        for name in (*names, "member_tallies_rebuild"):
            op.execute(f"DROP FUNCTION IF EXISTS {name}() CASCADE")
    op.drop_table("member_tallies")
