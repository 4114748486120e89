"""A small key checker for the JSON files: unknown keys, missing keys, wrong types.

Each check reports through the validation context and returns whether the object may be
examined further, so one malformed entry yields one clear problem instead of a traceback.
"""

from __future__ import annotations

from typing import Any

from .files import ValidationContext

# Field spec: name -> (accepted types, required). `None` in the types allows null.
FieldSpec = dict[str, tuple[tuple[type | None, ...], bool]]

TYPE_NAMES = {str: "a string", int: "a whole number", bool: "true or false", list: "a list",
              dict: "an object", type(None): "null"}


def check_object(ctx: ValidationContext, file: str, key: str, obj: Any, spec: FieldSpec) -> bool:
    if not isinstance(obj, dict):
        ctx.problem(file, key, "must be an object")
        return False
    ok = True
    for name in obj:
        if name not in spec:
            ctx.problem(file, f"{key}.{name}", f"unknown key (expected one of: {', '.join(spec)})")
            ok = False
    for name, (types, required) in spec.items():
        if name not in obj:
            if required:
                ctx.problem(file, f"{key}.{name}", "missing")
                ok = False
            continue
        value = obj[name]
        accepted = tuple(type(None) if kind is None else kind for kind in types)
        # bool is an int in Python; a term of `true` days is a mistake, not a number.
        wrong_bool = isinstance(value, bool) and bool not in accepted
        if wrong_bool or not isinstance(value, accepted):
            expected = " or ".join(TYPE_NAMES.get(kind, kind.__name__) for kind in accepted)
            ctx.problem(file, f"{key}.{name}", f"must be {expected}")
            ok = False
    return ok


def check_list(ctx: ValidationContext, file: str, data: Any) -> bool:
    if not isinstance(data, list):
        ctx.problem(file, "(top level)", "must be a list")
        return False
    return True


def check_unique(ctx: ValidationContext, file: str, key: str, seen: set[str], value: str,
                 what: str = "code") -> None:
    if value in seen:
        ctx.problem(file, key, f"duplicate {what} {value!r}")
    seen.add(value)


def check_string_list(ctx: ValidationContext, file: str, key: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        ctx.problem(file, key, "must be a list of strings")
        return []
    return value
