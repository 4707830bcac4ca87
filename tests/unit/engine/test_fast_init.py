"""fast_frozen_init: the same instances, defaults, errors and frozenness as the dataclass's own __init__."""

from __future__ import annotations

import dataclasses
import pickle
from decimal import Decimal

import pytest

from app.engine.fast_init import fast_frozen_init


@dataclasses.dataclass(frozen=True, slots=True)
class Plain:
    name: str
    qty: Decimal
    note: str = ""
    tag: int | None = None


@fast_frozen_init
@dataclasses.dataclass(frozen=True, slots=True)
class Fast:
    name: str
    qty: Decimal
    note: str = ""
    tag: int | None = None


def as_tuple(obj: Plain | Fast) -> tuple[object, ...]:
    return (obj.name, obj.qty, obj.note, obj.tag)


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        (("A", Decimal(1)), {}),
        (("A", Decimal(1), "n"), {}),
        (("A", Decimal(1), "n", 7), {}),
        ((), {"name": "A", "qty": Decimal(2), "tag": 3}),
        (("A",), {"qty": Decimal(2), "note": "x"}),
    ],
)
def test_builds_what_the_dataclass_builds(args: tuple[object, ...], kwargs: dict[str, object]) -> None:
    assert as_tuple(Fast(*args, **kwargs)) == as_tuple(Plain(*args, **kwargs))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [(("A",), {}), (("A", 1, "n", 7, "extra"), {}), (("A", 1), {"colour": "red"}), (("A", 1), {"name": "B"})],
)
def test_refuses_what_the_dataclass_refuses(args: tuple[object, ...], kwargs: dict[str, object]) -> None:
    with pytest.raises(TypeError):
        Plain(*args, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Fast(*args, **kwargs)  # type: ignore[arg-type]


def test_stays_a_frozen_dataclass() -> None:
    fast = Fast("A", Decimal(1), tag=2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.name = "B"  # type: ignore[misc]
    assert fast == Fast("A", Decimal(1), "", 2)
    assert hash(fast) == hash(Fast("A", Decimal(1), "", 2))
    assert repr(fast) == "Fast(name='A', qty=Decimal('1'), note='', tag=2)"
    assert dataclasses.replace(fast, note="n") == Fast("A", Decimal(1), "n", 2)
    assert pickle.loads(pickle.dumps(fast)) == fast


def test_refuses_classes_it_cannot_speed_up_faithfully() -> None:
    @dataclasses.dataclass(frozen=True)
    class NoSlots:
        name: str

    @dataclasses.dataclass(slots=True)
    class NotFrozen:
        name: str

    @dataclasses.dataclass(frozen=True, slots=True)
    class Factory:
        names: list[str] = dataclasses.field(default_factory=list)

    @dataclasses.dataclass(frozen=True, slots=True)
    class PostInit:
        name: str

        def __post_init__(self) -> None:
            pass

    for cls in (NoSlots, NotFrozen, Factory, PostInit):
        with pytest.raises(TypeError):
            fast_frozen_init(cls)
