"""Values are written by us, never by str() on whatever came in, and read back strictly."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from enum import StrEnum

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.engine.errors import OemsError
from app.engine.fix.errors import FixCodecError, FixTypeError, FixValueError
from app.engine.fix.values import (
    format_bool,
    format_decimal,
    format_int,
    format_local_mkt_date,
    format_text,
    format_utc_timestamp,
    format_value,
    parse_bool,
    parse_decimal,
    parse_decimals,
    parse_int,
    parse_local_mkt_date,
    parse_utc_timestamp,
)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("1E+2"), "100"),
        (Decimal("1.5E-7"), "0.00000015"),
        (Decimal("187.25"), "187.25"),
        (Decimal("100.00"), "100.00"),
        (Decimal("-0"), "0"),
        (Decimal("-0.50"), "-0.50"),
        (Decimal(0), "0"),
    ],
)
def test_decimals_are_written_in_plain_notation(value: Decimal, text: str) -> None:
    assert format_decimal(value) == text
    assert format_value(value) == text


def test_a_float_is_refused_as_a_type_error() -> None:
    with pytest.raises(TypeError, match="Decimal"):
        format_decimal(0.1 + 0.2)  # type: ignore[arg-type]  # the point of the test
    with pytest.raises(TypeError, match="float"):
        format_value(0.1 + 0.2)  # type: ignore[arg-type]  # the point of the test


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity"), Decimal("sNaN")])
def test_a_decimal_that_is_not_a_number_is_refused(value: Decimal) -> None:
    with pytest.raises(FixValueError, match="cannot be written"):
        format_decimal(value)


def test_none_raises_instead_of_dropping_the_field() -> None:
    with pytest.raises(TypeError, match="leave the field out"):
        format_value(None)  # type: ignore[arg-type]  # the point of the test


def test_bools_are_y_and_n_and_not_ints() -> None:
    assert (format_value(True), format_value(False)) == ("Y", "N")
    assert format_bool(True) == "Y"
    with pytest.raises(TypeError):
        format_int(True)
    with pytest.raises(TypeError):
        format_bool(1)  # type: ignore[arg-type]  # the point of the test


def test_ints_and_str_enums() -> None:
    class Side(StrEnum):
        BUY = "1"

    assert format_value(42) == format_int(42) == "42"
    assert format_value(-7) == "-7"
    assert format_value(Side.BUY) == "1"
    assert type(format_value(Side.BUY)) is str


def test_text_must_not_be_empty_or_hold_the_separator() -> None:
    assert format_text("héllo") == "héllo"
    with pytest.raises(FixValueError, match="empty"):
        format_value("")
    with pytest.raises(FixValueError, match="separator"):
        format_value("a\x01b")


def test_timestamps_are_utc_with_truncated_milliseconds() -> None:
    moment = datetime(2026, 1, 5, 14, 30, 1, 999_999, tzinfo=UTC)
    assert format_utc_timestamp(moment) == "20260105-14:30:01.999"
    paris = timezone(timedelta(hours=1))
    assert format_value(datetime(2026, 1, 5, 0, 30, tzinfo=paris)) == "20260104-23:30:00.000"


def test_a_naive_datetime_is_refused() -> None:
    with pytest.raises(FixValueError, match="timezone-aware"):
        format_utc_timestamp(datetime(2026, 1, 5, 14, 30))  # noqa: DTZ001  # the point of the test


def test_dates_are_local_mkt_dates_and_a_datetime_is_not_one() -> None:
    assert format_value(date(2026, 3, 9)) == format_local_mkt_date(date(2026, 3, 9)) == "20260309"
    with pytest.raises(TypeError, match="not a datetime"):
        format_local_mkt_date(datetime(2026, 3, 9, tzinfo=UTC))


def test_other_types_are_refused() -> None:
    with pytest.raises(FixTypeError, match="bytes"):
        format_value(b"x")  # type: ignore[arg-type]  # the point of the test


def test_errors_share_the_codec_root() -> None:
    assert issubclass(FixValueError, FixCodecError)
    assert issubclass(FixTypeError, FixCodecError)
    assert issubclass(FixCodecError, OemsError)


def test_parsers_read_what_the_formatters_write() -> None:
    assert parse_decimal("187.25") == Decimal("187.25")
    assert parse_decimal("-.5") == Decimal("-0.5")
    assert parse_decimal("100.") == Decimal(100)
    assert parse_int("-12") == -12
    assert parse_bool("Y") is True
    assert parse_bool("N") is False
    assert parse_local_mkt_date("20260309") == date(2026, 3, 9)


def test_timestamps_parse_with_and_without_millis() -> None:
    assert parse_utc_timestamp("20260105-14:30:01") == datetime(2026, 1, 5, 14, 30, 1, tzinfo=UTC)
    assert parse_utc_timestamp("20260105-14:30:01.250") == datetime(2026, 1, 5, 14, 30, 1, 250_000, tzinfo=UTC)
    assert parse_utc_timestamp("20260105-14:30:01.250123456").microsecond == 250_123
    assert parse_utc_timestamp("20261231-23:59:60").second == 59  # a leap second, held as :59.999999


@pytest.mark.parametrize("text", ["", " 1", "1_000", "+1", "1.0", "١٢", "0x10", "1e3", "--1"])
def test_parse_int_refuses_garbage(text: str) -> None:
    with pytest.raises(FixValueError, match="whole number"):
        parse_int(text)


@pytest.mark.parametrize(
    "text", ["", ".", "-", "1E+2", "NaN", "Infinity", " 1", "1,5", "1.2.3", "+1", "\u0661\u0662", "\u00b2"]
)
def test_parse_decimal_refuses_garbage(text: str) -> None:
    with pytest.raises(FixValueError, match="decimal"):
        parse_decimal(text)


@pytest.mark.parametrize("text", ["", "y", "1", "true", "YES"])
def test_parse_bool_refuses_garbage(text: str) -> None:
    with pytest.raises(FixValueError, match="Y or N"):
        parse_bool(text)


@pytest.mark.parametrize(
    "text", ["", "20260105", "20260105 14:30:01", "20260105-14:30:01.", "20260105-14:30:1", "20261305-14:30:01"]
)
def test_parse_utc_timestamp_refuses_garbage(text: str) -> None:
    with pytest.raises(FixValueError, match=r"timestamp|real time"):
        parse_utc_timestamp(text)


@pytest.mark.parametrize("text", ["", "2026039", "20260230", "2026-03-09"])
def test_parse_local_mkt_date_refuses_garbage(text: str) -> None:
    with pytest.raises(FixValueError, match="date"):
        parse_local_mkt_date(text)


@given(st.decimals(allow_nan=False, allow_infinity=False))
def test_any_finite_decimal_round_trips(value: Decimal) -> None:
    text = format_decimal(value)
    assert "E" not in text
    assert parse_decimal(text) == value


@given(st.lists(st.one_of(st.from_regex(r"-?[0-9]{1,4}(\.[0-9]{0,3})?", fullmatch=True), st.text(max_size=4))))
def test_parse_decimals_reads_each_text_as_parse_decimal_does(texts: list[str]) -> None:
    def each(text: str) -> Decimal | None:
        try:
            return parse_decimal(text)
        except FixValueError:
            return None

    expected = [each(text) for text in texts]
    if None in expected:
        with pytest.raises(FixValueError, match="not a decimal number"):
            parse_decimals(tuple(texts))
    else:
        assert parse_decimals(tuple(texts)) == expected


@given(st.datetimes(timezones=st.just(UTC)))
def test_timestamps_round_trip_to_the_millisecond(value: datetime) -> None:
    assert parse_utc_timestamp(format_utc_timestamp(value)) == value.replace(
        microsecond=value.microsecond // 1000 * 1000
    )


@given(st.integers(-(10**18) + 1, 10**18 - 1))
def test_ints_round_trip(value: int) -> None:
    assert parse_int(format_int(value)) == value
    assert format_value(value) == format_int(value)


@pytest.mark.parametrize(("sign", "exponent"), [(1, 18), (-1, 18), (1, 5000)])
def test_ints_beyond_18_digits_are_refused_both_ways(sign: int, exponent: int) -> None:
    with pytest.raises(FixValueError, match="18 digits"):
        format_value(sign * 10**exponent)
    with pytest.raises(FixValueError, match="18 digits"):
        parse_int("9" * 19)
    with pytest.raises(FixValueError, match="18 digits"):
        parse_int("9" * 5000)  # int() alone would raise a bare ValueError past 4300 digits


def test_remembered_readings_stay_exact_past_the_memory_bound() -> None:
    start = datetime(2026, 1, 5, 14, 30, tzinfo=UTC)
    for n in range(10_000):  # more than the caches hold, so each starts again on the way
        moment = start + timedelta(milliseconds=n)
        assert parse_utc_timestamp(format_utc_timestamp(moment)) == moment
        assert parse_decimal(f"{n}.25") == Decimal(n) + Decimal("0.25")
        assert parse_decimal(f"{n % 7}") == Decimal(n % 7)
    with pytest.raises(FixValueError):
        parse_decimal("1E+2")
    with pytest.raises(FixValueError):
        parse_utc_timestamp("20261305-14:30:01")
