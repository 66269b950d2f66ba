"""Task forms: fields rendered from a task's JSON Schema, and submissions parsed back.

No Flask here: :func:`build` turns a schema plus values into a tree of :class:`Field`
objects the template renders; :func:`parse` turns a submitted form (a MultiDict of
strings and uploaded files) back into JSON typed by the schema. The engine validates the
result against the same schema; its error keys (``a.b.0.c``) are the fields' names.

Arrays of objects are row groups that work without JavaScript: the form carries the row
count in ``NAME.__rows``; an "add row" button (``_add=NAME``) or a "remove" button
(``_remove=NAME.INDEX``) re-renders the form with one row more or less.

Everything a request says is bounded before it is used: :func:`too_many_rows` checks the
row counts before a form is built or parsed (at most ``MAX_ROWS``), numbers have at most
``MAX_DIGITS`` digits, dates lie in years ``MIN_YEAR``-``MAX_YEAR``, and a file reference
kept from an earlier attempt is short, flat JSON.
"""
from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from engine.forms import OPTIONS, options

from .i18n import N_

ROWS = "__rows"
STORED = "__stored"
FILE_KEYS = frozenset({"filename", "sha256", "size"})
MAX_ROWS = 500  # rows in one table of a form
MAX_TOTAL_ROWS = 2000  # rows in all the tables of a form together
MAX_DIGITS = 30  # digits in one number (22.000.000.000.000 kr. has 14)
MIN_YEAR, MAX_YEAR = 1900, 2999
MAX_STORED_CHARS = 1000  # a file reference as the form keeps it ({"filename", ...})


@dataclass
class Field:
    """One thing the form shows: an input, a fieldset of fields or a group of rows."""

    name: str
    kind: str  # text textarea number integer money date checkbox select multi file
    #            readonly fieldset rows lines
    label: str
    help: str = ""
    required: bool = False
    value: Any = ""
    error: str | None = None
    options: list[tuple[str, str]] = field(default_factory=list)
    children: list[Field] = field(default_factory=list)
    rows: list[list[Field]] = field(default_factory=list)
    stored: dict | None = None  # a file already attached
    # shown only when a sibling field has one of these values ("x-when" in the schema):
    # (the sibling's input id, the values as the input sends them)
    when: tuple[str, list[str]] | None = None

    @property
    def id(self) -> str:
        return "f-" + re.sub(r"[^A-Za-z0-9_-]", "-", self.name)


def _kind(schema: dict) -> str:
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    if schema.get("x-file") or schema.get("format") == "data-url":
        return "file"
    if schema.get("readOnly"):
        return "readonly"
    if "enum" in schema:
        return "select"
    if kind == "object":
        return "fieldset"
    if kind == "array":
        items = schema.get("items") or {}
        if items.get("type") == "object" or "properties" in items:
            return "rows"
        return "multi" if "enum" in items else "lines"
    if kind == "boolean":
        return "yesno" if schema.get("x-explicit") else "checkbox"
    if kind == "integer":
        return "integer"
    if kind == "number":
        return "money" if schema.get("x-money") else "number"
    if schema.get("format") == "date":
        return "date"
    if schema.get("x-multiline"):
        return "textarea"
    return "text"


# --------------------------------------------------------------------------- build
def build(schema: dict, values: Mapping | None = None, errors: Mapping | None = None,
          raw=None, change: tuple[str, str] | None = None) -> list[Field]:
    """The fields of ``schema``. Values come from ``raw`` (the submitted form, so the
    user's input is kept as typed) when given, else from ``values`` (JSON data).
    ``change`` is ("add", NAME) or ("remove", NAME.INDEX) for row groups."""
    return _fields(schema, "", values or {}, errors or {}, raw, change)


def _fields(schema: dict, prefix: str, values: Mapping, errors: Mapping, raw,
            change) -> list[Field]:
    required = set(schema.get("required") or ())
    result = []
    for key, sub in (schema.get("properties") or {}).items():
        name = f"{prefix}{key}"
        value = values.get(key) if isinstance(values, Mapping) else None
        result.append(_field(sub, name, key in required, value, errors, raw, change))
    return result


def _field(schema: dict, name: str, required: bool, value, errors, raw, change) -> Field:
    kind = _kind(schema)
    f = Field(name, kind, str(schema.get("title") or name.rsplit(".", 1)[-1]),
              help=str(schema.get("description") or ""), required=required,
              error=errors.get(name))
    if value is None and "default" in schema and raw is None:
        value = schema["default"]
    condition = _when(schema)
    if condition:
        sibling, values = condition
        sibling_name = name.rsplit(".", 1)[0] + "." + sibling if "." in name else sibling
        f.when = (Field(sibling_name, "", "").id, [_enum_value(v) for v in values])
    if kind == "fieldset":
        f.children = _fields(schema, name + ".", value if isinstance(value, Mapping) else {},
                             errors, raw, change)
    elif kind == "rows":
        f.rows = _rows(schema, name, value if isinstance(value, list) else [], errors, raw,
                       change)
    elif kind == "select":
        f.options = [(_enum_value(o), _enum_label(schema, i, o))
                     for i, o in enumerate(schema["enum"])]
        f.value = raw.get(name, "") if raw is not None else _enum_value(value)
    elif kind == "multi":
        items = schema["items"]
        f.options = [(_enum_value(o), _enum_label(items, i, o))
                     for i, o in enumerate(items["enum"])]
        f.value = raw.getlist(name) if raw is not None else [
            _enum_value(v) for v in (value or [])]
    elif kind == "checkbox":
        f.value = (raw.get(name) == "on") if raw is not None else bool(value)
    elif kind == "yesno":  # an explicit choice: nothing is chosen until someone does
        f.value = raw.get(name, "") if raw is not None else (
            "" if value is None else "true" if value else "false")
    elif kind == "file":
        stored = _stored_from_raw(raw, name) if raw is not None else value
        f.stored = stored if _is_file(stored) else None
    elif kind == "readonly":
        f.value = display_value(value)
    else:
        f.value = raw.get(name, "") if raw is not None else input_value(kind, value)
    return f


def _rows(schema: dict, name: str, value: list, errors, raw, change) -> list[list[Field]]:
    items = schema.get("items") or {}
    if raw is not None:
        count = _int(raw.get(f"{name}.{ROWS}"), 0)
        indexes = list(range(min(max(count, 0), MAX_ROWS)))
    else:
        indexes = list(range(len(value)))
        if not value:
            indexes = [0]  # one blank row to start with
    if change and change[0] == "add" and change[1] == name and len(indexes) < MAX_ROWS:
        indexes.append(max(indexes, default=-1) + 1)
    if change and change[0] == "remove" and change[1].rsplit(".", 1)[0] == name:
        drop = _int(change[1].rsplit(".", 1)[1], -1)
        indexes = [i for i in indexes if i != drop]
    rows = []
    for new, old in enumerate(indexes):
        row_value = value[old] if raw is None and old < len(value) else {}
        row_raw = _Renamed(raw, f"{name}.{old}.", f"{name}.{new}.") if raw is not None else None
        rows.append(_fields(items, f"{name}.{new}.",
                            row_value if isinstance(row_value, Mapping) else {},
                            errors, row_raw, change))
    return rows


class _Renamed:
    """The submitted form seen with row ``old`` renamed to row ``new`` (after a removal)."""

    def __init__(self, raw, old: str, new: str):
        self.raw, self.old, self.new = raw, old, new

    def _key(self, key: str) -> str:
        return self.old + key[len(self.new):] if key.startswith(self.new) else key

    def get(self, key, default=None):
        return self.raw.get(self._key(key), default)

    def getlist(self, key):
        return self.raw.getlist(self._key(key))


def with_options(schema: dict, data: Mapping) -> dict:
    """``schema`` with each "x-options-from" field turned into a list to pick from: its
    choices (from the task's ``data``) become the field's enum, and a list of names
    becomes a set of boxes to tick. A field whose list the data does not hold yet stays
    as it is."""
    if not isinstance(schema, dict):
        return schema
    result = dict(schema)
    choices = options(schema, data)
    if choices is not None:
        result["enum"] = [value for value, _label in choices]
        result["x-enumNames"] = [label for _value, label in choices]
        if schema.get("default") not in result["enum"]:
            result.pop("default", None)
    if isinstance(schema.get("properties"), dict):
        result["properties"] = {k: with_options(v, data)
                                for k, v in schema["properties"].items()}
    if isinstance(schema.get("items"), dict):
        result["items"] = with_options(schema["items"], data)
    return result


def _enum_value(value) -> str:
    if value is None:
        return ""
    return json.dumps(value) if not isinstance(value, str) else value


def _enum_label(schema: dict, index: int, value) -> str:
    names = schema.get("x-enumNames") or schema.get("enumNames")
    if isinstance(names, list) and index < len(names):
        return str(names[index])
    return str(value)


def prefilled(schema: dict, data: Mapping, context: Mapping) -> dict:
    """``data`` with the fields the schema prefills ("x-prefill": a path into the task
    data such as "evaluation.0.bidder", or "$user.authority") filled in where empty, so
    a form starts from what the procedure already knows."""
    result = dict(data)
    for key, sub in (schema.get("properties") or {}).items():
        if not isinstance(sub, dict):
            continue
        if sub.get("x-prefill") and result.get(key) in (None, "", []):
            found = _path(sub["x-prefill"], data, context)
            mapping = sub.get("x-prefill-map")
            if isinstance(found, list) and isinstance(mapping, dict):  # one row per item
                found = [{field: _mapped(item, source) for field, source in mapping.items()}
                         for item in found if isinstance(item, Mapping | str)]
            if found is not None:
                result[key] = found
        elif sub.get("type") == "object" and "properties" in sub:
            inner = result.get(key) if isinstance(result.get(key), Mapping) else {}
            filled = prefilled(sub, inner, {**context, "$data": data})
            if filled:
                result[key] = filled
    return result


def _mapped(item, source: str):
    """One prefilled row's field: the item itself ("$item", for a list of names) or
    one of its fields."""
    if source == "$item":
        return item
    return item.get(source) if isinstance(item, Mapping) else None


def _path(path: str, data: Mapping, context: Mapping):
    parts = str(path).split(".")
    value: Any = context.get(parts[0]) if parts[0].startswith("$") else \
        context.get("$data", data).get(parts[0]) if isinstance(
            context.get("$data", data), Mapping) else None
    for part in parts[1:]:
        if isinstance(value, Mapping):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def input_value(kind: str, value) -> str:
    """A JSON value as an input shows it (numbers with Danish decimal comma)."""
    if value is None:
        return ""
    if kind in ("number", "money", "integer") and isinstance(value, int | float | Decimal) \
            and not isinstance(value, bool):
        return danish_number(value)
    if kind == "lines" and isinstance(value, list):
        return "\n".join(str(v) for v in value)
    return str(value)


def danish_number(value) -> str:
    """165000.5 -> '165.000,5' (no rounding beyond what the number holds)."""
    number = Decimal(str(value))
    sign = "-" if number < 0 else ""
    text = format(abs(number), "f")
    whole, _, frac = text.partition(".")
    frac = frac.rstrip("0")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return sign + ".".join(groups) + ("," + frac if frac else "")


def display_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _is_file(value) -> bool:
    return isinstance(value, Mapping) and FILE_KEYS <= set(value)


def _stored_from_raw(raw, name: str):
    text = raw.get(f"{name}.{STORED}") or "null"
    if len(text) > MAX_STORED_CHARS:
        return None
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return value if _is_file(value) else None


def _int(text, default: int) -> int:
    if isinstance(text, str) and len(text) > 20:
        return default
    try:
        return int(text)
    except (TypeError, ValueError):
        return default


def too_many_rows(form) -> str | None:
    """The name of a row group whose submitted row count is not a number from 0 to
    MAX_ROWS, or passes MAX_TOTAL_ROWS counted over all groups (or a "remove" that names
    an impossible row); None if all are in bounds.
    Checked before a form is built or parsed, so no count makes the server loop."""
    total = 0
    for key, value in form.items(multi=True):
        if key.endswith("." + ROWS):
            text = str(value).strip()
            if not (text.isdigit() and len(text) <= 6 and int(text) <= MAX_ROWS):
                return key[: -len(ROWS) - 1]
            total += int(text)
            if total > MAX_TOTAL_ROWS:  # tables inside tables multiply
                return key[: -len(ROWS) - 1]
    remove = form.get("_remove")
    if remove:
        index = remove.rsplit(".", 1)[-1]
        if not (index.isdigit() and len(index) <= 6 and int(index) < MAX_ROWS):
            return remove
    return None


# a value to pick from the procedure's own lists that is not on the list (a tampered form)
NOT_HELD = N_("Værdien findes ikke blandt dem, proceduren kender. Vælg en af "
              "mulighederne på listen.")

_MESSAGES = (  # jsonschema's English -> what a Danish user reads (the UI translates back)
    (re.compile(r"is a required property$"), N_("Skal udfyldes."), ()),
    (re.compile(r"should be non-empty$|is too short$"), N_("Skal udfyldes."), ()),
    (re.compile(r"is less than the minimum of (\S+)$"), N_("Skal være mindst {0}."), (1,)),
    (re.compile(r"is less than or equal to the minimum of (\S+)$"),
     N_("Skal være større end {0}."), (1,)),
    (re.compile(r"is greater than the maximum of (\S+)$"), N_("Må højst være {0}."), (1,)),
    (re.compile(r"is greater than or equal to the maximum of (\S+)$"),
     N_("Skal være mindre end {0}."), (1,)),
    (re.compile(r"is not a '?date'?$"), N_("Skriv en gyldig dato."), ()),
    (re.compile(r"is not one of"), N_("Vælg en af mulighederne."), ()),
)


def friendly(message: str, translate: Callable[[str], str] = str) -> str:
    """A JSON Schema error message in plain words (Danish, or through ``translate``);
    other messages are translated if the catalogue knows them."""
    for pattern, text, groups in _MESSAGES:
        match = pattern.search(message)
        if match:
            values = [_number_text(match.group(g)) for g in groups]
            return translate(text).format(*values)
    return translate(message)


def _number_text(text: str) -> str:
    number = parse_number(text) if re.fullmatch(r"-?\d+(\.\d+)?", text) else None
    return danish_number(number) if number is not None else text


def all_fields(fields: list[Field]):
    """Every field of the tree, depth first."""
    for f in fields:
        yield f
        yield from all_fields(f.children)
        for row in f.rows:
            yield from all_fields(row)


def place_errors(fields: list[Field], errors: Mapping[str, str],
                 translate: Callable[[str], str] = str) -> dict[str, str]:
    """Attach each error to its field; returns the errors no field took (form-level).
    A key that names no field exactly goes to the field whose name ends with it."""
    by_name = {f.name: f for f in all_fields(fields)}
    left = {}
    for key, message in errors.items():
        target = by_name.get(key) or next(
            (f for n, f in by_name.items() if key and n.endswith("." + key)), None)
        if target is None:
            left[key] = friendly(message, translate)
        elif not target.error:
            target.error = friendly(message, translate)
    return left


# --------------------------------------------------------------------------- parse
StoreFile = Callable[[Any], dict]


@dataclass
class Parsed:
    data: dict
    errors: dict[str, str]
    # row prefix as submitted (blank rows dropped) -> row prefix in the form
    renames: dict[str, str] = field(default_factory=dict)

    def form_key(self, key: str) -> str:
        """An engine error key (submitted indexes) as the form field's name."""
        for prefix in sorted(self.renames, key=len):
            if key.startswith(prefix):
                key = self.renames[prefix] + key[len(prefix):]
        return key


def parse(schema: dict, form, files=None, store: StoreFile | None = None,
          prefill: Mapping | None = None) -> Parsed:
    """The submitted ``form`` as JSON typed by ``schema``. Blank optional fields are left
    out; blank rows are dropped; read-only fields take their value from ``prefill`` (the
    task's data), never from the browser. Values that cannot be read (a word in a number
    field) become errors named by the field."""
    result = Parsed({}, {})
    result.data = _parse_object(schema, "", form, files or {}, store, prefill or {}, result)
    return result


def _parse_object(schema: dict, prefix: str, form, files, store, prefill, out: Parsed) -> dict:
    data = {}
    required = set(schema.get("required") or ())
    properties = schema.get("properties") or {}
    for key, sub in properties.items():
        name = f"{prefix}{key}"
        old = prefill.get(key) if isinstance(prefill, Mapping) else None
        value = _parse_value(sub, name, form, files, store, old, out, key in required)
        if value is not _BLANK:
            data[key] = value
    for key, sub in properties.items():  # fields of another choice are not sent at all
        condition = _when(sub)
        if condition and data.get(condition[0]) not in condition[1]:
            data.pop(key, None)
            for error in [e for e in out.errors if e == f"{prefix}{key}"
                          or e.startswith(f"{prefix}{key}.")]:
                del out.errors[error]
    return data


def _when(schema: dict) -> tuple[str, list] | None:
    """("kind", ["fixed_anchor"]) for a field that applies only to some choices."""
    when = schema.get("x-when") if isinstance(schema, dict) else None
    if not isinstance(when, dict) or len(when) != 1:
        return None
    (sibling, values), = when.items()
    return (sibling, list(values)) if isinstance(values, list) else None


class _Blank:
    def __repr__(self) -> str:
        return "<blank>"


_BLANK = _Blank()


def _parse_value(schema: dict, name: str, form, files, store, old, out: Parsed,
                 required: bool):
    kind = _kind(schema)
    if kind == "readonly":
        return _BLANK if old is None else old
    if kind == "fieldset":
        value = _parse_object(schema, name + ".", form, files, store,
                              old if isinstance(old, Mapping) else {}, out)
        return value if value or required else _BLANK
    if kind == "rows":
        return _parse_rows(schema, name, form, files, store, old, out)
    if kind == "checkbox":
        return form.get(name) == "on"
    if kind == "yesno":
        return {"true": True, "false": False}.get(form.get(name) or "", _BLANK)
    if kind == "multi":
        chosen = form.getlist(name)
        allowed = {_enum_value(o): o for o in schema["items"]["enum"]}
        if OPTIONS in schema["items"] and any(c not in allowed for c in chosen):
            out.errors[name] = NOT_HELD
        return [allowed[c] for c in chosen if c in allowed]
    if kind == "file":
        return _parse_file(name, form, files, store, old, out)
    text = (form.get(name) or "").strip()
    if text == "":  # an optional comment left empty is its default, e.g. ""
        default = schema.get("default")
        return default if isinstance(default, str) and kind in ("text", "textarea") else _BLANK
    if kind == "select":
        for option in schema["enum"]:
            if _enum_value(option) == text:
                return option
        out.errors[name] = NOT_HELD if OPTIONS in schema else N_("Vælg en af mulighederne.")
        return text
    if kind == "lines":
        return [line.strip() for line in text.splitlines() if line.strip()]
    if kind in ("number", "money", "integer"):
        if sum(c.isdigit() for c in text) > MAX_DIGITS:
            out.errors[name] = N_("Tallet har for mange cifre (højst 30).")
            return text
        number = parse_number(text)
        if number is None:
            out.errors[name] = N_("Skriv et tal, fx 165.000 eller 7,5.")
            return text
        if kind == "integer":
            if number != number.to_integral_value():
                out.errors[name] = N_("Skriv et helt tal.")
                return text
            return int(number)
        return _plain(number)
    if kind == "date":
        day = parse_date(text)
        if day is None:
            out.errors[name] = N_("Skriv en dato som 07-04-2026.")
            return text
        if not MIN_YEAR <= day.year <= MAX_YEAR:
            out.errors[name] = N_("Datoen skal ligge mellem år 1900 og 2999.")
            return text
        return day.isoformat()
    return text


def _plain(number: Decimal):
    if number == number.to_integral_value():
        return int(number)
    value = float(number)
    return value if math.isfinite(value) else None


def _parse_rows(schema: dict, name: str, form, files, store, old, out: Parsed):
    items = schema.get("items") or {}
    count = min(max(_int(form.get(f"{name}.{ROWS}"), 0), 0), MAX_ROWS)
    old_rows = old if isinstance(old, list) else []
    rows = []
    for i in range(count):
        prefix = f"{name}.{i}."
        if not _row_filled(items, prefix, form, files):
            continue
        prefill = old_rows[i] if i < len(old_rows) and isinstance(old_rows[i], Mapping) else {}
        if len(rows) != i:  # blank rows were dropped before this one
            out.renames[f"{name}.{len(rows)}."] = prefix
        rows.append(_parse_object(items, prefix, form, files, store, prefill, out))
    return rows


def _row_filled(items: dict, prefix: str, form, files) -> bool:
    """A row counts if any of its inputs has something in it (a checked box counts)."""
    for key, value in form.items(multi=True) if hasattr(form, "items") else ():
        if key.startswith(prefix) and not key.endswith(ROWS) and str(value).strip():
            return True
    return any(k.startswith(prefix) and getattr(f, "filename", "") for k, f in files.items())


def _parse_file(name: str, form, files, store, old, out: Parsed):
    upload = files.get(name)
    if upload is not None and getattr(upload, "filename", ""):
        if store is None:
            out.errors[name] = N_("Filer kan ikke modtages her.")
            return _BLANK
        return store(upload)
    stored = _stored_from_raw(form, name)
    if stored is not None:
        return stored
    if form.get(f"{name}.{STORED}"):  # sent, but not a file reference we could read
        out.errors[name] = N_("Filen kunne ikke læses. Vedhæft den igen.")
        return _BLANK
    return old if _is_file(old) else _BLANK


_DANISH_THOUSANDS = re.compile(r"^-?\d{1,3}(\.\d{3})+$")


def parse_number(text: str) -> Decimal | None:
    """A number as people type it: '165.000,50', '165000.5', '165 000', '7,5',
    '165.000 kr.'. A dot followed by groups of three digits is a thousands separator
    (Danish); with both dot and comma, the comma is the decimal mark."""
    if len(text) > 4 * MAX_DIGITS:
        return None
    t = text.strip().replace("\u00a0", "").replace(" ", "")
    t = re.sub(r"(?i)(kr\.?|dkk)$", "", t).strip()
    if "," in t and "." in t:
        t = t.replace(".", "").replace(",", ".")
    elif "," in t:
        t = t.replace(",", ".")
    elif _DANISH_THOUSANDS.match(t):
        t = t.replace(".", "")
    if not re.fullmatch(r"-?\d+(\.\d+)?", t):
        return None
    try:
        return Decimal(t)
    except InvalidOperation:
        return None


def parse_date(text: str) -> date | None:
    """'2026-04-07', '07-04-2026', '7.4.2026' or '7/4/2026' as a date."""
    t = text.strip()
    for pattern in ("%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(t, pattern).date()
        except ValueError:
            continue
    return None


def uses_files(schema: dict) -> bool:
    """True if the form has a file field anywhere (it must be sent multipart)."""
    kind = _kind(schema)
    if kind == "file":
        return True
    subs = list((schema.get("properties") or {}).values())
    if kind == "rows":
        subs.append(schema.get("items") or {})
    return any(uses_files(s) for s in subs)
