"""The top-level fields of an enrolment record: one `FieldSpec` each, in wire order.

One place says, for every field, its key on the wire, its attribute on
`records.Enrolment`, the server's member column holding it (None if the member has
none), whether an edit may change it, whether the card prints it, what kind of value
it is and which keyboard the tablet's form opens for it. `enrolment.protocol`
encodes and parses records with it; the server's ingest takes `EDITABLE_COLUMNS`
and `CARD_COLUMNS` from here (tests/unit/test_record_fields.py keeps them equal to
what ingest decides with today).

Segment-specific fields are not here: they live in `details`, described per segment
by `enrolment.segments`.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Keyboards the form may ask for (the tablet maps them to Flet's KeyboardType).
KEYBOARDS = ("text", "number", "datetime", "phone")


@dataclass(frozen=True)
class FieldSpec:
    """One top-level field of a record.

    `kind` says how the value is read and checked: `id` and `text`-like kinds
    (`nik`, `text`, `date`, `sex`, `village`, `phone`, `segment`, `timestamp`,
    `funding`) are strings on the wire; `version`, `consent`, `details`, `money`,
    `flag`, `household` have their own shapes (`enrolment.protocol`).
    `optional` fields (app version 2) are left out of the wire form when unset, so an
    older tablet's record keeps its exact form and content hash.
    """

    wire: str  # key in the pushed JSON record
    attr: str  # attribute of enrolment.records.Enrolment (and problem field name)
    kind: str
    max_len: int = 0  # longest accepted string on the wire (string kinds only)
    member_column: str | None = None  # column of the server's members table
    # An identity field a later version of the record may change on the member (the
    # programme fields, optional here, are taken whole from the owner's records).
    editable: bool = False
    on_card: bool = False  # printed on the card: a change means a new card
    keyboard: str | None = None  # the form's keyboard; None: not typed (picked, or not shown)
    optional: bool = False
    # The form shows a plain input for it (label: the catalogue's entry named `attr`);
    # fields with a screen of their own (NIK, name, family…) leave this False.
    plain_input: bool = False
    # The desk shows it in review and writes it in the member export (as its column).
    reported: bool = False


#: Kinds that travel as plain strings (read with a length limit, "" when absent).
STRING_KINDS = frozenset(
    {"id", "nik", "text", "date", "sex", "village", "phone", "segment", "timestamp", "funding"}
)

_IDENTITY = {"editable": True}  # an edit may change it on the member
_PRINTED = {"editable": True, "on_card": True}  # and the card shows it

RECORD_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("cid", "client_id", "id", max_len=64),
    FieldSpec("ver", "version", "version"),
    FieldSpec("nik", "nik", "nik", 40, member_column="nik", keyboard="number"),
    FieldSpec("name", "full_name", "text", 200, "full_name", keyboard="text", **_PRINTED),
    FieldSpec(
        "birth_date", "birth_date", "date", 20, "birth_date", keyboard="datetime", **_IDENTITY
    ),
    FieldSpec("sex", "sex", "sex", 2, "sex", **_IDENTITY),
    FieldSpec("village", "village_code", "village", 20, "village_code", **_PRINTED),
    FieldSpec("phone", "phone", "phone", 30, "phone", keyboard="phone", **_IDENTITY),
    FieldSpec("segment", "segment", "segment", 40, "segment", **_PRINTED),
    FieldSpec("consent", "consent", "consent"),
    FieldSpec("created_at", "created_at", "timestamp", 40),
    # Since app version 2 (docs/protocol.md, push: optional fields). The member takes
    # these whole from its own device's records (ingest_decision.PROGRAMME).
    FieldSpec("details", "details", "details", member_column="details", optional=True),
    FieldSpec(
        "income",
        "income",
        "money",
        member_column="income",
        keyboard="number",
        optional=True,
        reported=True,
    ),
    FieldSpec("funding", "funding", "funding", 20, "funding", optional=True, reported=True),
    FieldSpec("jht", "jht", "flag", member_column="jht", optional=True, reported=True),
    # Three member columns (HOUSEHOLD_COLUMNS), so none named here.
    FieldSpec("household", "household", "household", optional=True, reported=True),
)

#: The member columns of the household block (kk, relation, head).
HOUSEHOLD_COLUMNS = ("household_kk", "household_relation", "household_head")

#: Each field by its wire key.
BY_WIRE: dict[str, FieldSpec] = {f.wire: f for f in RECORD_FIELDS}

#: Member columns an edit of the record may change (the server's ingest applies these).
EDITABLE_COLUMNS: tuple[str, ...] = tuple(
    f.member_column for f in RECORD_FIELDS if f.editable and f.member_column
)
#: Member columns printed on the card: when one changes, the old card is revoked.
CARD_COLUMNS: tuple[str, ...] = tuple(
    f.member_column for f in RECORD_FIELDS if f.on_card and f.member_column
)
#: The same, as attributes of `Enrolment`.
EDITABLE_ATTRS: tuple[str, ...] = tuple(f.attr for f in RECORD_FIELDS if f.editable)
CARD_ATTRS: tuple[str, ...] = tuple(f.attr for f in RECORD_FIELDS if f.on_card)
#: Fields the form shows as plain inputs, and their typed-value kinds it understands.
PLAIN_INPUTS: tuple[FieldSpec, ...] = tuple(f for f in RECORD_FIELDS if f.plain_input)
PLAIN_KINDS = frozenset({"text", "phone", "money"})
#: Fields the desk shows in review and writes in the member export.
REPORTED: tuple[FieldSpec, ...] = tuple(f for f in RECORD_FIELDS if f.reported)
