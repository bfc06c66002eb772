"""Customer search: by folded name, handle, email and phone, within the given brands only."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hubbub.core.networks import Network
from hubbub.core.text import fold
from hubbub.crm.queries.search import Cursor, phone_digits, search_customers
from hubbub.crm.tests.factories import CustomerFactory, IdentityFactory


def _names(brand, query, **kwargs):
    return [customer.display_name for customer in search_customers([brand.id], query, **kwargs).customers]


@pytest.fixture
def people(brand_a, brand_b):
    jose = CustomerFactory(brand=brand_a, display_name="José García", email="Jose.Garcia@example.com")
    IdentityFactory(customer=jose, handle="jgarcia_es", external_id="111")
    dana = CustomerFactory(brand=brand_a, display_name="Dana Scully", phone="+4930123456")
    IdentityFactory(customer=dana, handle="dana", external_id="222")
    IdentityFactory(customer=dana, network=Network.EMAIL, handle="", external_id="dana@fbi.example")
    IdentityFactory(customer=dana, network=Network.PHONE, handle="", external_id="+15550100")
    CustomerFactory(brand=brand_a, display_name="Zoë Ångström")
    CustomerFactory(brand=brand_b, display_name="José Other", email="jose@globex.example")
    return {"jose": jose, "dana": dana}


def test_blank_query_lists_the_brands_customers_by_name(people, brand_a):
    assert _names(brand_a, "") == ["Dana Scully", "José García", "Zoë Ångström"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("José García", ["José García"]),
        ("jose", ["José García"]),
        ("GARCIA", ["José García"]),
        ("garc", ["José García"]),
        ("zoe angstrom", ["Zoë Ångström"]),
        ("ully", ["Dana Scully"]),
        ("nobody", []),
    ],
)
def test_finds_names_by_folded_prefix_and_substring(people, brand_a, query, expected):
    assert _names(brand_a, query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("@jgarcia_es", ["José García"]),
        ("@JGAR", ["José García"]),
        ("jgarcia", ["José García"]),
        ("@arcia", []),
    ],
)
def test_finds_handles_exactly_and_by_prefix(people, brand_a, query, expected):
    assert _names(brand_a, query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("jose.garcia@example.com", ["José García"]),
        ("JOSE.GARCIA@", ["José García"]),
        ("dana@fbi.example", ["Dana Scully"]),
        ("dana@fbi", ["Dana Scully"]),
        ("jose@globex.example", []),
    ],
)
def test_finds_email_addresses_of_profiles_and_identities(people, brand_a, query, expected):
    assert _names(brand_a, query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("+4930123456", ["Dana Scully"]),
        ("+49 (30) 123-456", ["Dana Scully"]),
        ("0049 30 123456", ["Dana Scully"]),
        ("030 123456", ["Dana Scully"]),
        ("123456", ["Dana Scully"]),
        ("+1 555 0100", ["Dana Scully"]),
        ("999999", []),
    ],
)
def test_finds_phone_numbers_whatever_their_formatting(people, brand_a, query, expected):
    assert _names(brand_a, query) == expected


def test_never_finds_customers_of_other_brands(people, brand_b):
    assert _names(brand_b, "garcia") == []
    assert _names(brand_b, "jose") == ["José Other"]
    assert _names(brand_b, "@dana") == []
    assert _names(brand_b, "+4930123456") == []


def test_a_merged_customers_identity_finds_the_survivor(people, brand_a):
    twin = CustomerFactory(brand=brand_a, display_name="D. Scully", merged_into=people["dana"])
    IdentityFactory(customer=twin, handle="scully_x", external_id="333")

    page = search_customers([brand_a.id], "@scully_x")

    assert [customer.display_name for customer in page.customers] == ["Dana Scully"]
    assert [identity.handle for identity in page.identities[people["dana"].id]] == [
        "",
        "",
        "dana",
        "scully_x",
    ]
    assert _names(brand_a, "") == ["Dana Scully", "José García", "Zoë Ångström"]


def test_pages_follow_each_other_without_gaps_or_repeats(brand_a):
    for number in range(7):
        CustomerFactory(brand=brand_a, display_name=f"Same Name {number % 2}")

    first = search_customers([brand_a.id], "same", limit=3)
    second = search_customers([brand_a.id], "same", after=first.next_cursor, limit=3)
    third = search_customers([brand_a.id], "same", after=second.next_cursor, limit=3)

    rows = [
        (customer.display_name, customer.id) for page in (first, second, third) for customer in page.customers
    ]
    assert rows == sorted(set(rows))
    assert len(rows) == 7
    assert third.next_cursor is None


def test_cursors_survive_encoding_and_reject_garbage():
    cursor = Cursor("Zoë <script>", 42)

    assert Cursor.decode(cursor.encode()) == cursor
    for token in ["", "garbage", "W10=", "WyJhIiwgdHJ1ZV0=", "é", "WyJhIiwiYiJd"]:
        assert Cursor.decode(token) is None


def test_hostile_queries_are_just_text(people, brand_a):
    hostile = [
        "%",
        "_",
        "'; DROP TABLE crm_customer; --",
        "\\",
        "@%",
        "%@%",
        "+%",
        "<script>alert(1)</script>",
    ]

    assert [_names(brand_a, query) for query in hostile] == [[]] * len(hostile)
    assert _names(brand_a, "") == ["Dana Scully", "José García", "Zoë Ångström"]


def test_control_characters_in_a_query_are_ignored(people, brand_a):
    assert _names(brand_a, "\x00dana\x00") == ["Dana Scully"]


def test_costs_the_same_queries_for_one_and_fifty_customers(brand_a):
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            search_customers([brand_a.id], "")
        return len(queries)

    IdentityFactory(customer=CustomerFactory(brand=brand_a))
    one = count_queries()
    for _ in range(49):
        IdentityFactory(customer=CustomerFactory(brand=brand_a))

    assert count_queries() == one == 3


def test_folds_accents_case_and_spacing():
    assert fold("  José   GARCÍA ") == "jose garcia"
    assert fold("Straße") == "strasse"


def test_reads_phone_digits_as_e164_without_the_plus():
    assert [phone_digits(text) for text in ["+49 30 1", "0049 30 1", "030 1", "(555) 0100"]] == [
        "49301",
        "49301",
        "301",
        "5550100",
    ]
