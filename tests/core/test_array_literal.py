"""One array per column for the cast's inserts (core.bulk.unnest_of), written as PostgreSQL's
array literal text: what PostgreSQL reads back is exactly the values given, whatever the text
(quotes, backslashes, braces, commas, spaces, Chinese), the NULLs, the booleans and the times."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection, models
from hypothesis import given, settings
from hypothesis import strategies as st

from ownervote.core import prepared
from ownervote.core.bulk import array_literal

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="array literals: PostgreSQL")
TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12)


class Answer(models.TextChoices):
    YES = "yes", "赞成"


def _read(literal, sql_type: str):
    with prepared.cursor() as c:
        c.execute(f"SELECT %s::{sql_type}[]", [literal])
        return c.fetchone()[0]


def test_plain_values_are_written_in_postgresql_s_text_form():
    when = dt.datetime(2028, 2, 29, 23, 59, 59, 999999, tzinfo=dt.UTC)
    assert array_literal([1, None, True, False]) == "{1,NULL,t,f}"
    assert array_literal(['a"b\\c', "", "NULL"]) == '{"a\\"b\\\\c","","NULL"}'
    assert (
        array_literal([Decimal("12.50"), when, when.date()])
        == '{12.50,"2028-02-29T23:59:59.999999+00:00",2028-02-29}'
    )
    assert array_literal([Answer.YES, "no"]) == '{"yes","no"}'  # a choices member: its value
    assert array_literal([]) == "{}"


def test_a_value_of_another_type_leaves_the_list_to_psycopg():
    assert array_literal([b"\x01", b"\x02"]) == [b"\x01", b"\x02"]
    assert array_literal([1.5]) == [1.5]


@postgres_only
@pytest.mark.django_db
@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), TEXT), max_size=8))
def test_postgresql_reads_back_any_text(values):
    assert _read(array_literal(values), "text") == values


@postgres_only
@pytest.mark.django_db
@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1)), max_size=8),
    st.lists(st.one_of(st.none(), st.booleans()), max_size=8),
    st.lists(st.datetimes(timezones=st.just(dt.UTC)), max_size=4),
)
def test_postgresql_reads_back_numbers_booleans_and_times(ints, bools, times):
    assert _read(array_literal(ints), "bigint") == ints
    assert _read(array_literal(bools), "boolean") == bools
    assert _read(array_literal(times), "timestamptz") == times
