"""Input decks: TOML files read into typed, validated dataclasses.

A program's configuration is a dataclass whose fields are declared with :func:`param`
(default, help text, units, bounds, choices). Values come from, in increasing precedence, the
field defaults, a TOML deck (flat ``key = value`` pairs) and ``--key value`` command-line
flags. Every rejected value raises :class:`ConfigError` naming the field, the value given and
what was expected.
"""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import json
import math
import tomllib
import types
import typing
from pathlib import Path
from typing import Any

__all__ = ["ConfigError", "param", "load_config", "add_config_arguments", "to_toml",
           "config_dict"]


class ConfigError(ValueError):
    """Bad input; the message names the field, the value given and what was expected."""


def param(default: Any, help: str, *, units: str = "", minimum: float | None = None,
          maximum: float | None = None, above: float | None = None,
          choices: tuple[str, ...] | None = None) -> Any:
    """Declare a config field.

    Parameters
    ----------
    default : the value when neither deck nor command line sets it.
    help : one line shown by ``--help``.
    units : physical units, e.g. ``"m"`` or ``"m^2/s"`` (``""`` for dimensionless).
    minimum, maximum : inclusive bounds; ``above`` is an exclusive lower bound.
    choices : allowed strings.
    """
    meta = {"help": help, "units": units, "minimum": minimum, "maximum": maximum,
            "above": above, "choices": choices}
    return dataclasses.field(default=default, metadata=meta)


def _field_types(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _describe(tp: Any) -> str:
    if tp is int:
        return "an integer"
    if tp is float:
        return "a number"
    if tp is bool:
        return "true or false"
    if tp is str:
        return "a string"
    origin = typing.get_origin(tp)
    if origin is tuple:
        item = _describe(typing.get_args(tp)[0]).removeprefix("a ").removeprefix("an ")
        return f"a list of {item}s"
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(tp) if a is not type(None)]
        return f"{_describe(inner[0])} or none"
    return str(tp)


def _coerce(value: Any, tp: Any) -> Any:
    """Convert ``value`` (TOML value or command-line string) to ``tp``; ValueError if impossible."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(tp) if a is not type(None)][0]
        if value is None or (isinstance(value, str) and value.strip().lower() in ("", "none")):
            return None
        return _coerce(value, inner)
    if origin is tuple:
        item = typing.get_args(tp)[0]
        if isinstance(value, str):
            value = [v for v in value.replace(" ", "").split(",") if v]
        if not isinstance(value, list | tuple):
            raise ValueError
        return tuple(_coerce(v, item) for v in value)
    if tp is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false", "yes", "no", "1", "0"):
            return value.lower() in ("true", "yes", "1")
        raise ValueError
    if tp is int:
        if isinstance(value, bool):
            raise ValueError
        if isinstance(value, int):
            return value
        number = float(value) if isinstance(value, str | float) else math.nan
        if isinstance(value, str):
            try:
                return int(value)
            except ValueError:
                pass
        if math.isfinite(number) and number == int(number):  # "1e11" and 1e11 are integers
            return int(number)
        raise ValueError
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise ValueError
        number = float(value)
        if not math.isfinite(number):
            raise ValueError
        return number
    if tp is str:
        if not isinstance(value, str):
            raise ValueError
        return value
    raise TypeError(f"unsupported config field type {tp!r}")


def _check_bounds(name: str, value: Any, meta: dict, source: str) -> None:
    items = value if isinstance(value, tuple) else (value,)
    for item in items:
        if item is None:
            continue
        if meta["choices"] is not None and item not in meta["choices"]:
            raise ConfigError(f"{source}: field '{name}' = {item!r}: expected one of "
                              f"{', '.join(meta['choices'])}")
        if meta["above"] is not None and not item > meta["above"]:
            raise ConfigError(f"{source}: field '{name}' = {item!r}: expected a value "
                              f"> {meta['above']:g}")
        if meta["minimum"] is not None and item < meta["minimum"]:
            raise ConfigError(f"{source}: field '{name}' = {item!r}: expected a value "
                              f">= {meta['minimum']:g}")
        if meta["maximum"] is not None and item > meta["maximum"]:
            raise ConfigError(f"{source}: field '{name}' = {item!r}: expected a value "
                              f"<= {meta['maximum']:g}")


def _set(cls: type, values: dict[str, Any], raw: dict[str, Any], source: str) -> None:
    """Coerce and bound-check ``raw`` into ``values``; unknown keys are errors."""
    fields = {f.name: f for f in dataclasses.fields(cls)}
    types_ = _field_types(cls)
    for key, value in raw.items():
        name = key.replace("-", "_")
        if name not in fields:
            close = difflib.get_close_matches(name, fields, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise ConfigError(f"{source}: unknown field '{key}'{hint}; expected one of "
                              f"{', '.join(fields)}")
        try:
            coerced = _coerce(value, types_[name])
        except (ValueError, OverflowError):
            raise ConfigError(f"{source}: field '{name}' = {value!r}: expected "
                              f"{_describe(types_[name])}") from None
        _check_bounds(name, coerced, dict(fields[name].metadata), source)
        values[name] = coerced


def load_config(cls: type, deck: str | Path | None = None,
                overrides: dict[str, Any] | None = None) -> Any:
    """Build a ``cls`` instance from defaults, an optional TOML deck and overrides.

    ``overrides`` holds command-line values by field name (strings are parsed). Raises
    :class:`ConfigError` for a missing or malformed deck, unknown keys, wrong types and
    out-of-range values.
    """
    values: dict[str, Any] = {}
    if deck is not None:
        path = Path(deck)
        try:
            raw = tomllib.loads(path.read_text())
        except FileNotFoundError:
            raise ConfigError(f"input deck '{path}' does not exist") from None
        except (OSError, UnicodeDecodeError) as err:
            raise ConfigError(f"input deck '{path}' cannot be read: {err}") from None
        except tomllib.TOMLDecodeError as err:
            raise ConfigError(f"input deck '{path}' is not valid TOML: {err}") from None
        _set(cls, values, raw, str(path))
    if overrides:
        _set(cls, values, overrides, "command line")
    return cls(**values)


def add_config_arguments(parser: argparse.ArgumentParser, cls: type) -> None:
    """Add one ``--field-name`` flag per field of ``cls``; unset flags are left out of the
    parsed namespace so that deck values are kept."""
    types_ = _field_types(cls)
    group = parser.add_argument_group("input deck fields (override the deck)")
    for f in dataclasses.fields(cls):
        flag = "--" + f.name.replace("_", "-")
        units = f" [{f.metadata['units']}]" if f.metadata.get("units") else ""
        help_ = f"{f.metadata.get('help', '')}{units} (default: {_format_default(f.default)})"
        if types_[f.name] is bool:
            group.add_argument(flag, dest=f.name, action=argparse.BooleanOptionalAction,
                               default=argparse.SUPPRESS, help=help_)
        else:
            choices = f.metadata.get("choices")
            metavar = "{" + ",".join(choices) + "}" if choices else f.name.upper()
            group.add_argument(flag, dest=f.name, default=argparse.SUPPRESS, metavar=metavar,
                               help=help_)


def _format_default(value: Any) -> str:
    if isinstance(value, tuple):
        return ",".join(str(v) for v in value)
    return str(value)


def config_dict(cfg: Any) -> dict[str, Any]:
    """The config as a plain dict (tuples become lists), for JSON records."""
    return {k: list(v) if isinstance(v, tuple) else v for k, v in dataclasses.asdict(cfg).items()}


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # JSON string escapes are valid TOML basic strings
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {value!r} as TOML")


def to_toml(cfg: Any) -> str:
    """The config as a TOML deck that :func:`load_config` reads back to an equal object."""
    lines = []
    for f in dataclasses.fields(cfg):
        value = getattr(cfg, f.name)
        if value is None:
            lines.append(f"# {f.name} is unset")
        else:
            lines.append(f"{f.name} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"
