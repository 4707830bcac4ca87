"""Password hashing: a fresh salt each time, the parameters kept with the hash, a wrong password never matches."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.engine.users.passwords import STANDARD_COST, ScryptCost, hash_password, matches, password_problems
from tests.support.users_kit import FAST_COST


def test_the_same_password_hashes_differently_each_time_and_both_match() -> None:
    first, second = hash_password("ann", "correct horse", FAST_COST), hash_password("ann", "correct horse", FAST_COST)
    assert first.salt != second.salt
    assert first.digest != second.digest
    assert matches("correct horse", first)
    assert matches("correct horse", second)


def test_the_parameters_are_stored_with_the_hash_and_used_to_check_it() -> None:
    cost = ScryptCost(2**5, r=4, p=2)
    stored = hash_password("ann", "correct horse", cost)
    assert (stored.scheme, stored.n, stored.r, stored.p) == ("scrypt", 2**5, 4, 2)
    assert len(stored.salt) == 16
    assert matches("correct horse", stored)
    assert not matches("correct horse", stored._replace(n=2**6))  # other parameters, other hash


def test_production_hashes_meet_owasps_minimum_for_scrypt() -> None:
    assert (STANDARD_COST.n, STANDARD_COST.r, STANDARD_COST.p) == (2**17, 8, 1)


@given(st.text(min_size=1, max_size=30))
def test_no_other_password_matches(guess: str) -> None:
    stored = hash_password("ann", "correct horse", FAST_COST)
    assert matches(guess, stored) is (guess == "correct horse")


def test_a_hash_of_an_unknown_scheme_never_matches() -> None:
    stored = hash_password("ann", "correct horse", FAST_COST)
    assert not matches("correct horse", stored._replace(scheme="md5"))


def test_the_rules_are_said_in_words() -> None:
    assert password_problems("ann", "a long enough secret") == []
    assert password_problems("ann", "short") == ["A password needs at least 10 characters (this one has 5)."]
    assert password_problems("ann", "aaaaaaaaaaaa") == ["A password cannot be one character repeated."]
    assert password_problems("ann", "my name is ANN really") == ["A password cannot contain the user id."]
    assert password_problems("ann", " padded password ") == ["A password cannot start or end with a space."]
    assert password_problems("ann", "xy" * 129) == ["A password may have at most 256 characters."]
