"""A faster ``__init__`` for the frozen, slotted dataclasses made for every report (events, reports, records), and
``new_tuple`` for the named tuples made as often.

A frozen dataclass's own ``__init__`` sets each field through ``object.__setattr__``, which goes round a
generic call per field: about 110 ns a field here, so 2.4 µs for an ``ExecutionApplied`` of 22 fields, more
than half the work of deciding what a report does to its order. ``fast_frozen_init`` gives such a class an
``__init__`` that stores each argument through its slot's own descriptor instead: the same parameters in
the same order, the same defaults, the same ``TypeError`` for a wrong call, in about half the time. The
class stays a frozen dataclass in every other way (equality, hashing, ``repr``, ``dataclasses.replace``,
pickling, assignment refused).
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

T = TypeVar("T")


def fast_frozen_init(cls: type[T]) -> type[T]:
    """Replace the ``__init__`` of ``cls`` (a frozen, slotted dataclass with plain fields) by a faster one."""
    params = getattr(cls, "__dataclass_params__", None)
    if params is None or not params.frozen or "__slots__" not in cls.__dict__:
        raise TypeError(f"fast_frozen_init needs a frozen dataclass with slots, not {cls.__name__}")
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"fast_frozen_init does not run __post_init__ ({cls.__name__})")
    scope: dict[str, Any] = {}
    parameters, stores = ["self"], []
    for n, f in enumerate(dataclasses.fields(cls)):  # type: ignore[arg-type]  # checked above: a dataclass
        if not f.init or f.kw_only or f.default_factory is not dataclasses.MISSING:
            raise TypeError(f"fast_frozen_init takes plain positional fields only ({cls.__name__}.{f.name})")
        scope[f"_set{n}"] = cls.__dict__[f.name].__set__  # the slot's descriptor: bypasses the frozen __setattr__
        if f.default is dataclasses.MISSING:
            parameters.append(f.name)
        else:
            scope[f"_default{n}"] = f.default
            parameters.append(f"{f.name}=_default{n}")
        stores.append(f" _set{n}(self, {f.name})")
    source = f"def __init__({', '.join(parameters)}):\n" + ("\n".join(stores) or " pass") + "\n"
    exec(compile(source, f"<fast __init__ of {cls.__qualname__}>", "exec"), scope)  # only field names in it
    init = scope["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__doc__ = cls.__init__.__doc__
    cls.__init__ = init  # type: ignore[method-assign]  # the point of this function
    return cls


new_tuple = tuple.__new__
"""``new_tuple(Kind, values)``: a named tuple of ``Kind`` from a ready tuple of its values, without the Python
``__new__`` a named tuple's constructor goes through (about half its cost; for the tuples made once per report)."""
