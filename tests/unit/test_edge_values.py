"""Edge values of the NIK rules, the record rules and the card token, in one table each.

Every row states the behaviour the code and its docs intend (enrolment/nik.py,
enrolment/records.py, enrolment/problems.py, enrolment/card_token.py): which
problems `records.validate` reports, exactly, and what `parse_nik` makes of the NIK.
A fixed "today" keeps the date edges (born today, 120 years old) deterministic.
"""

from __future__ import annotations

import base64
from dataclasses import replace
from datetime import date, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, SQLModel, create_engine

from enrolment import card_token
from enrolment.areas import regency_codes
from enrolment.card_check import Verdict, check_card
from enrolment.nik import parse_nik
from enrolment.protocol import (
    Outcome,
    RecordResult,
    decode_push_reply,
    encode_push_reply,
    record_to_wire,
)
from enrolment.records import Consent, Enrolment, cleaned, validate

TODAY = date(2026, 11, 25)
REG = regency_codes()


def nik(d: date, *, female: bool = False, regency: str = "5203", serial: int = 1) -> str:
    """A NIK for someone born on `d` (day + 40 for women), issued in kecamatan 07."""
    dd = d.day + 40 if female else d.day
    return f"{regency}07{dd:02d}{d.month:02d}{d.year % 100:02d}{serial:04d}"


def record(**changes: object) -> Enrolment:
    """A valid record of a man born 17-08-1985 in Lombok Timur, with `changes` applied."""
    base = Enrolment(
        client_id="c1",
        version=1,
        nik=nik(date(1985, 8, 17)),
        full_name="Lalu Ahmad",
        birth_date="1985-08-17",
        sex="M",
        village_code="52.03.07.1001",
        phone="081234567890",
        segment="tobacco_farmer",
        consent=Consent(given=True, by="Lalu Ahmad", method="ticked", at="2026-11-25T03:00:00Z"),
        created_at="2026-11-25T03:00:00Z",
    )
    return replace(base, **changes)


def born(d: date, *, female: bool = False, **changes: object) -> dict[str, object]:
    """Changes for a person born on `d`: NIK, birth date and sex agree."""
    return {
        "nik": nik(d, female=female),
        "birth_date": d.isoformat(),
        "sex": "F" if female else "M",
        **changes,
    }


def consent(**changes: object) -> Consent:
    return replace(
        Consent(given=True, by="Lalu Ahmad", method="ticked", at="2026-11-25T03:00:00Z"),
        **changes,
    )


def years_before(d: date, years: int) -> date:
    return d.replace(year=d.year - years)


# (record changes, problems validate() must report exactly as {(field, code)},
#  what parse_nik must say: (sex, day, month, year2) of a well-formed NIK, or the
#  set of its problem codes, or None when the row is not about the NIK).
EDGES = [
    # -- NIK: the birth day, plus 40 for women -----------------------------------
    pytest.param(
        born(date(1990, 1, 1), female=True), set(), ("F", 1, 1, 90), id="woman-born-1st-day-41"
    ),
    pytest.param(
        {**born(date(1990, 1, 1), female=True), "sex": "M"},
        {("sex", "nik_sex_mismatch")},
        ("F", 1, 1, 90),
        id="day-41-but-entered-as-man",
    ),
    pytest.param(born(date(1990, 1, 1)), set(), ("M", 1, 1, 90), id="man-born-1st-day-01"),
    pytest.param(
        born(date(1990, 1, 31), female=True), set(), ("F", 31, 1, 90), id="woman-31st-day-71"
    ),
    pytest.param(
        {"nik": "5203070001900001", "birth_date": "1990-01-01"},
        {("nik", "nik_date")},
        {"nik_date"},
        id="day-00",
    ),
    pytest.param(
        {"nik": "5203074001900001", "birth_date": "1990-01-01"},
        {("nik", "nik_date")},
        {"nik_date"},
        id="day-40-is-nobodys-day",
    ),
    pytest.param(
        {"nik": "5203077201900001", "birth_date": "1990-01-31", "sex": "F"},
        {("nik", "nik_date")},
        {"nik_date"},
        id="day-72-is-no-womans-day",
    ),
    pytest.param(
        born(date(1988, 2, 29), female=True), set(), ("F", 29, 2, 88), id="woman-feb-29-day-69"
    ),
    # -- NIK: month and year -------------------------------------------------------
    pytest.param({"nik": "5203071700850001"}, {("nik", "nik_date")}, {"nik_date"}, id="month-00"),
    pytest.param(
        {"nik": "5203071712850001", "birth_date": "1985-12-17"},
        set(),
        ("M", 17, 12, 85),
        id="month-12",
    ),
    pytest.param(
        {"birth_date": "1986-08-17"},
        {("birth_date", "nik_birth_mismatch")},
        ("M", 17, 8, 85),
        id="year-differs-from-nik",
    ),
    pytest.param(
        {"nik": nik(date(1985, 8, 5)), "birth_date": "1985-05-08"},
        {("birth_date", "nik_birth_mismatch")},
        ("M", 5, 8, 85),
        id="day-and-month-swapped",
    ),
    # The 2-digit year can be a century off: only the last two digits are compared.
    pytest.param(
        {"nik": nik(date(1910, 8, 17)), "birth_date": "1910-08-17"},
        set(),
        ("M", 17, 8, 10),
        id="year-10-born-1910",
    ),
    pytest.param(
        {"nik": nik(date(1910, 8, 17)), "birth_date": "2010-08-17"},
        set(),
        ("M", 17, 8, 10),
        id="year-10-born-2010",
    ),
    # -- NIK: regency prefix ------------------------------------------------------
    # A NIK's regency is where it was issued, not where the person lives: any real
    # regency of Indonesia is accepted (5201 Lombok Barat, 5271 Kota Mataram), the
    # village must still be in Lombok Timur.
    pytest.param(
        {"nik": nik(date(1985, 8, 17), regency="5201")},
        set(),
        ("M", 17, 8, 85),
        id="regency-5201-lombok-barat",
    ),
    pytest.param(
        {"nik": nik(date(1985, 8, 17), regency="5271")},
        set(),
        ("M", 17, 8, 85),
        id="regency-5271-kota-mataram",
    ),
    pytest.param(
        {"nik": nik(date(1985, 8, 17), regency="5299")},
        {("nik", "nik_regency")},
        {"nik_regency"},
        id="regency-5299-does-not-exist",
    ),
    pytest.param(
        {"nik": nik(date(1985, 8, 17), regency="5201"), "village_code": "52.01.01.2001"},
        {("village_code", "village_unknown")},
        ("M", 17, 8, 85),
        id="regency-5201-village-outside-lombok-timur",
    ),
    # -- NIK: separators are cleaned, other characters refused ----------------------
    pytest.param({"nik": "5203-07-170885-0001"}, set(), ("M", 17, 8, 85), id="nik-with-dashes"),
    pytest.param({"nik": " 5203 0717 0885 0001 "}, set(), ("M", 17, 8, 85), id="nik-with-spaces"),
    pytest.param(
        {"nik": "5203-07-170885-001"},
        {("nik", "nik_length")},
        {"nik_length"},
        id="nik-with-dashes-15-digits",
    ),
    pytest.param(
        {"nik": "5203/07/170885/0001"},
        {("nik", "nik_digits")},
        {"nik_digits"},
        id="nik-with-slashes",
    ),
    pytest.param(
        {"nik": "５２０３０７１７０８８５０００１"},
        {("nik", "nik_digits")},
        {"nik_digits"},
        id="nik-in-fullwidth-digits",
    ),
    pytest.param(
        {"nik": "-- --"}, {("nik", "required")}, {"required"}, id="nik-of-separators-only"
    ),
    # -- birth date edges (today = 2026-11-25) ---------------------------------------
    pytest.param(born(TODAY), set(), ("M", 25, 11, 26), id="born-today"),
    pytest.param(
        born(TODAY + timedelta(days=1)),
        {("birth_date", "birth_date_future")},
        ("M", 26, 11, 26),
        id="born-tomorrow",
    ),
    pytest.param(born(years_before(TODAY, 120)), set(), ("M", 25, 11, 6), id="120-years-old"),
    pytest.param(
        born(years_before(TODAY, 121)),
        {("birth_date", "birth_date_too_old")},
        ("M", 25, 11, 5),
        id="121-years-old",
    ),
    # -- names ---------------------------------------------------------------------
    pytest.param({"full_name": "A"}, {("full_name", "name_invalid")}, None, id="one-letter-name"),
    pytest.param(
        {"full_name": "  A  "},
        {("full_name", "name_invalid")},
        None,
        id="one-letter-name-padded",
    ),
    pytest.param({"full_name": "Ia"}, set(), None, id="two-letter-name"),
    pytest.param({"full_name": "   "}, {("full_name", "required")}, None, id="blank-name"),
    pytest.param({"full_name": "A" * 100}, set(), None, id="100-letter-name"),
    pytest.param(
        {"full_name": "A" * 101}, {("full_name", "name_invalid")}, None, id="101-letter-name"
    ),
    # -- phones: 9-15 digits, optionally +62 or 0 first; empty is allowed ------------
    pytest.param({"phone": "0812345"}, {("phone", "phone_invalid")}, None, id="phone-7-digits"),
    pytest.param({"phone": "081234567"}, set(), None, id="phone-9-digits"),
    pytest.param({"phone": "081234567890123"}, set(), None, id="phone-15-digits"),
    pytest.param(
        {"phone": "0812345678901234"}, {("phone", "phone_invalid")}, None, id="phone-16-digits"
    ),
    pytest.param({"phone": "+6281234567890"}, set(), None, id="phone-plus-62"),
    pytest.param({"phone": "0812-3456-7890"}, set(), None, id="phone-with-dashes"),
    pytest.param(
        {"phone": "0812.3456.7890"}, {("phone", "phone_invalid")}, None, id="phone-with-dots"
    ),
    pytest.param({"phone": ""}, set(), None, id="phone-empty"),
    # -- consent (UU PDP): given, how, and when ---------------------------------------
    pytest.param(
        {"consent": consent(at="")}, {("consent", "consent_missing")}, None, id="consent-no-time"
    ),
    pytest.param(
        {"consent": consent(method="")},
        {("consent", "consent_missing")},
        None,
        id="consent-no-method",
    ),
    pytest.param(
        {"consent": consent(method="", at="")},
        {("consent", "consent_missing")},
        None,
        id="consent-no-time-no-method",
    ),
    pytest.param(
        {"consent": consent(method="verbal")},
        {("consent", "consent_missing")},
        None,
        id="consent-unknown-method",
    ),
    pytest.param(
        {"consent": consent(given=False)},
        {("consent", "consent_missing")},
        None,
        id="consent-not-given",
    ),
    pytest.param({"consent": consent(method="read_aloud")}, set(), None, id="consent-read-aloud"),
]


@pytest.mark.parametrize("changes,problems,nik_says", EDGES)
def test_edge_value(changes, problems, nik_says):
    rec = record(**changes)
    found = validate(rec, today=TODAY)
    assert {(p.field, p.code) for p in found} == problems, [p.to_wire() for p in found]
    # Every problem the server may send carries a text in both languages.
    assert all(p.text("id") != p.code and p.text("en") != p.code for p in found)
    if nik_says is None:
        return
    facts, nik_problems = parse_nik(rec.nik, REG)
    if isinstance(nik_says, set):
        assert facts is None
        assert {p.code for p in nik_problems} == nik_says
    else:
        assert nik_problems == []
        assert (facts.sex, facts.day, facts.month, facts.year2) == nik_says
        # What is stored is the 16 digits, separators gone.
        assert facts.nik == cleaned(rec).nik and len(facts.nik) == 16 and facts.nik.isdigit()


def test_nik_length_problem_counts_the_cleaned_digits():
    _, problems = parse_nik("5203-07-170885-001", REG)
    assert [(p.code, dict(p.params)) for p in problems] == [("nik_length", {"n": "15"})]


def test_cleaned_stores_digits_only_for_nik_and_phone():
    rec = cleaned(record(nik="5203-07-170885-0001", phone="0812 3456-7890"))
    assert (rec.nik, rec.phone) == ("5203071708850001", "081234567890")


# -- cards -------------------------------------------------------------------------

KEY = Ed25519PrivateKey.generate()
RAW_PUB = KEY.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
PUB = {"k1": RAW_PUB}
ISSUED, EXPIRES = date(2026, 11, 25), date(2031, 11, 25)


def claims(**changes: object) -> card_token.CardClaims:
    base = card_token.CardClaims(
        serial=1,
        member_no="LT0000001",
        name="Siti Aminah",
        segment="umkm_owner",
        village_code="52.03.07.1001",
        issued=ISSUED,
        expires=EXPIRES,
    )
    return replace(base, **changes)


def sign(c: card_token.CardClaims, kid: str = "k1") -> str:
    payload = card_token.encode_claims(c)
    return card_token.assemble(kid, payload, KEY.sign(card_token.signing_input(kid, payload)))


def never_revoked(serial: int) -> bool:
    return False


@pytest.mark.parametrize(
    "today,verdict",
    [
        (EXPIRES - timedelta(days=1), Verdict.VALID),
        (EXPIRES, Verdict.VALID),  # the last day of validity still counts
        (EXPIRES + timedelta(days=1), Verdict.EXPIRED),
    ],
    ids=["day-before-last", "last-day", "day-after"],
)
def test_card_validity_ends_after_its_last_day_offline(today, verdict):
    token = sign(claims())
    assert claims().is_expired(today) is (verdict == Verdict.EXPIRED)
    check = check_card(token, PUB, never_revoked, today)
    assert check.verdict == verdict
    assert check.claims == claims()


@pytest.fixture
def server_db():
    """The server's tables in an in-memory SQLite, holding one member with card serial 1."""
    from sync_server.models import Card, Member, SigningKey

    engine = create_engine(
        "sqlite://", connect_args={"check_same_thread": False}, poolclass=StaticPool
    )
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        session.add(SigningKey(kid="k1", public_key=RAW_PUB, private_pem_encrypted=b"-"))
        member = Member(
            nik="5203074508900001",
            full_name="Siti Aminah",
            birth_date=date(1990, 8, 5),
            sex="F",
            village_code="52.03.07.1001",
            phone="",
            segment="umkm_owner",
        )
        session.add(member)
        session.flush()
        session.add(Card(member_id=member.id, kid="k1", issued_on=ISSUED, expires_on=EXPIRES))
        session.commit()
        assert member.id == 1
    yield engine
    engine.dispose()


@pytest.mark.parametrize(
    "today,status",
    [(EXPIRES, "valid"), (EXPIRES + timedelta(days=1), "expired")],
    ids=["last-day", "day-after"],
)
def test_card_validity_ends_after_its_last_day_on_the_server(server_db, today, status):
    from sync_server.services.verification import verify_card_token

    with Session(server_db) as session:
        v = verify_card_token(session=session, token=sign(claims()), today=today)
    assert (v.status, v.reason) == (status, "active" if status == "valid" else "expired")
    assert v.claims == claims() and v.nik_masked == "5203********0001"


def _variants_decoding_alike(text: str) -> list[str]:
    """Other spellings of `text` (base64url, unpadded) that a lenient decoder reads as the
    same bytes: the last character with its unused low bits set."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    out = []
    for ch in alphabet:
        alt = text[:-1] + ch
        if alt != text and base64.urlsafe_b64decode(alt + "=" * (-len(alt) % 4)) == raw:
            out.append(alt)
    return out


def _non_canonical(token: str, part: int) -> list[str]:
    """Tokens whose payload (part 2) or signature (part 3) is spelled non-canonically but
    decodes, leniently, to the very same bytes; so each still carries a good signature."""
    parts = token.split(".")
    text = parts[part]
    raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    spellings = [*_variants_decoding_alike(text)]
    if len(text) % 4:
        spellings.append(text + "=" * (-len(text) % 4))  # padded
    std = base64.b64encode(raw).rstrip(b"=").decode("ascii")
    if std != text:
        spellings.append(std)  # standard alphabet (+ and /) instead of base64url
    assert spellings, "test data: no non-canonical spelling found"
    out = []
    for s in spellings:
        assert base64.urlsafe_b64decode(s + "=" * (-len(s) % 4)) == raw
        out.append(".".join([*parts[:part], s, *parts[part + 1 :]]))
    return out


def _token_with_spare_bits(part: int) -> str:
    """A valid token whose payload (2) or signature (3) has unused bits in its last
    base64 character, and (the signature) a '-' or '_' that standard base64 spells
    '+' or '/'."""
    for serial in range(1, 500):
        token = sign(claims(serial=serial))
        text = token.split(".")[part]
        if len(text) % 4 and (part == 2 or "-" in text or "_" in text):
            return token
    raise AssertionError("test data: no token with the wanted spelling")


@pytest.mark.parametrize("part", [2, 3], ids=["payload", "signature"])
def test_a_non_canonical_base64_spelling_is_refused(server_db, part):
    from sync_server.services.verification import verify_card_token

    token = _token_with_spare_bits(part)
    assert card_token.verify(token, PUB)  # the canonical token itself is good
    bad_tokens = _non_canonical(token, part)
    assert len(bad_tokens) >= 2  # trailing bits set, padding (and + / for the signature)
    for bad in bad_tokens:
        with pytest.raises(card_token.CardTokenError) as err:
            card_token.verify(bad, PUB)
        assert err.value.reason == "malformed", bad
        assert check_card(bad, PUB, never_revoked, ISSUED).verdict == Verdict.NOT_GENUINE
        with Session(server_db) as session:
            v = verify_card_token(session=session, token=bad, today=ISSUED)
        assert (v.status, v.reason, v.claims) == ("not_genuine", "malformed", None)


def test_trailing_bits_variant_exists_for_the_signature():
    # 64 signature bytes leave 4 unused bits in the last base64 character: the
    # non-canonical spellings above really include "trailing bits set".
    sig = sign(claims()).split(".")[3]
    assert len(sig) == 86 and len(_variants_decoding_alike(sig)) == 15


@pytest.mark.parametrize("version", ["2", "0", "", "01", "v1"])
def test_an_unknown_token_version_is_refused(version):
    token = sign(claims())
    assert token.startswith("1.")
    # Same key id, payload and signature: only the version differs. The signature
    # covers the version, so a verifier that ignored it would still see a good signature.
    other = version + token[1:]
    with pytest.raises(card_token.CardTokenError) as err:
        card_token.verify(other, PUB)
    assert err.value.reason == "malformed"
    assert check_card(other, PUB, never_revoked, ISSUED).verdict == Verdict.NOT_GENUINE


@pytest.mark.parametrize("extra", [".", ".x", "..", "x."])
def test_a_token_with_more_or_fewer_parts_is_refused(extra):
    token = sign(claims())
    for bad in (token + extra, token.rsplit(".", 1)[0]):
        with pytest.raises(card_token.CardTokenError) as err:
            card_token.verify(bad, PUB)
        assert err.value.reason == "malformed"


def test_a_name_with_a_pipe_stays_one_field():
    """The payload is `|`-separated: the name loses its `|` (a space instead), and every
    other claim keeps its place (card_token.encode_claims)."""
    c = claims(name="Siti|Aminah|u|52030710")
    token = sign(c)
    got = card_token.verify(token, PUB)
    assert got == replace(c, name="Siti Aminah u 52030710")
    assert card_token.split_token(token).claims == got


def test_a_name_with_a_pipe_round_trips_through_the_push_reply():
    """The server signs the name without `|`; the compact reply must carry the name the
    card really holds, so the tablet rebuilds a token that verifies."""
    rec = record(full_name="Siti|Aminah", sex="F", nik=nik(date(1985, 8, 17), female=True))
    signed = claims(name="Siti Aminah", segment=rec.segment, village_code=rec.village_code)
    token = sign(signed)
    result = RecordResult(rec.client_id, rec.version, Outcome.CREATED, "LT0000001", token)
    reply = encode_push_reply([record_to_wire(rec)], [result])
    decoded = decode_push_reply(reply, [rec])
    assert decoded == [result]
    assert card_token.verify(decoded[0].card, PUB).name == "Siti Aminah"
