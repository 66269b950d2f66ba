"""The gettext catalogues: where the words come from and how they are kept up to date.

Two domains, each a ``.po`` file a translator can edit under
``webui/translations/<lang>/LC_MESSAGES/``:

- ``messages``: the UI's own words, written in Danish in the code and templates
  (``_("Opgaver")``); ``en/messages.po`` holds their English.
- ``engine``: the engine's refusals (``RuleViolation("The fee for phase {phase} ...")``),
  written in English; ``da/engine.po`` holds their Danish.

``python -m webui.messages update`` (``make translations``) finds every string (Babel's
extraction: ``babel.cfg`` for the UI, the error classes' messages and hints for the
engine), adds new ones to the ``.po`` files, takes English still written in the old
``webui/catalogue.py`` dictionary, and lists what is left to translate.
``python -m webui.messages check`` fails while any string lacks a translation.
The ``.mo`` files are build outputs: :func:`compile_all` writes them into the instance
folder when missing or older than their ``.po`` (the app does so when it starts).
"""
from __future__ import annotations

import ast
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = Path(__file__).resolve().parent / "translations"
BABEL_CFG = ROOT / "babel.cfg"
LEGACY = Path(__file__).resolve().parent / "catalogue.py"  # the old dictionary, if merged back

# domain -> (the language its source strings are written in, the language translated to)
DOMAINS = {"messages": ("da", "en"), "engine": ("en", "da")}

# the engine's exception classes whose first argument and ``hint`` are message ids
ERROR_CLASSES = {"OpiflowError", "NotFound", "Forbidden", "Conflict", "InvalidData",
                 "RuleViolation", "ModelError", "ScriptError", "StorageError"}
MARKERS = {"N_", "Message"}  # a message id written away from its raise: N_("...")


def po_path(lang: str, domain: str) -> Path:
    return TRANSLATIONS / lang / "LC_MESSAGES" / f"{domain}.po"


# extraction ---------------------------------------------------------------------------

def _strings(node: ast.AST | None) -> Iterator[str]:
    """The literal strings a message argument can be (both sides of ``a if c else b``)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value:
        yield node.value
    elif isinstance(node, ast.IfExp):
        yield from _strings(node.body)
        yield from _strings(node.orelse)
    elif isinstance(node, ast.BoolOp):
        for value in node.values:
            yield from _strings(value)


def _called(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def error_calls(tree: ast.AST) -> Iterator[tuple[ast.Call, ast.AST | None, ast.AST | None]]:
    """Every ``RuleViolation(message, hint=...)`` (and the other error classes) and
    ``N_(text)`` in a module: (call, message node, hint node)."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _called(node)
        if name in ERROR_CLASSES or name in MARKERS:
            message = node.args[0] if node.args else None
            hint = next((k.value for k in node.keywords if k.arg == "hint"), None)
            yield node, message, hint


def extract_engine(fileobj, keywords, comment_tags, options):
    """A Babel extraction method for the engine's messages and hints."""
    tree = ast.parse(fileobj.read().decode("utf-8"))
    for call, message, hint in error_calls(tree):
        for node in (message, hint):
            for text in _strings(node):
                yield call.lineno, "", text, []


def _extract(domain: str) -> Catalog:
    catalog = Catalog(domain=domain, project="opiflow", charset="utf-8",
                      locale=DOMAINS[domain][0])
    if domain == "messages":
        with BABEL_CFG.open() as cfg:
            method_map, options_map = parse_mapping_cfg(cfg)
        found = extract_from_dir(str(ROOT), method_map, options_map,
                                 keywords=DEFAULT_KEYWORDS)
    else:
        found = extract_from_dir(str(ROOT), [("engine/**.py", extract_engine),
                                             ("webui/**.py", "ignore")], {})
    for filename, lineno, message, comments, context in found:
        if isinstance(message, tuple):
            message = message[0]
        if message:
            catalog.add(message, None, [(filename, lineno)], auto_comments=comments,
                        context=context)
    return catalog


def extracted(domain: str) -> set[str]:
    """Every message id the code has in ``domain``."""
    return {m.id for m in _extract(domain) if m.id}


# the .po files ------------------------------------------------------------------------

def read(lang: str, domain: str) -> Catalog:
    path = po_path(lang, domain)
    if not path.exists():
        return Catalog(domain=domain, locale=lang, project="opiflow", charset="utf-8")
    with path.open("rb") as f:
        return read_po(f, locale=lang, domain=domain)


def write(catalog: Catalog, lang: str, domain: str) -> None:
    path = po_path(lang, domain)
    path.parent.mkdir(parents=True, exist_ok=True)
    catalog.fuzzy = False
    catalog.project, catalog.version = "opiflow", ""
    catalog.copyright_holder = "opiflow"
    catalog.msgid_bugs_address = ""
    catalog.last_translator = "opiflow"
    catalog.language_team = {"da": "Dansk", "en": "English"}.get(lang, lang)
    with path.open("wb") as f:  # no line numbers: a moved line changes nothing here
        write_po(f, catalog, width=88, sort_output=True, omit_header=False,
                 include_previous=False, include_lineno=False)


def missing(domain: str) -> list[str]:
    """The ids in the code that ``domain``'s target catalogue does not translate."""
    lang = DOMAINS[domain][1]
    catalog = read(lang, domain)
    done = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    return sorted(extracted(domain) - done)


def legacy_entries(path: Path = LEGACY) -> dict[str, str]:
    """English still written as a Python dictionary (``ENGLISH = {...}`` and
    ``ENGLISH.update({...})``), e.g. from a branch made before the catalogues."""
    if not path.exists():
        return {}
    entries: dict[str, str] = {}
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Dict):
            try:
                value = ast.literal_eval(node)
            except ValueError:
                continue
            entries.update({k: v for k, v in value.items()
                            if isinstance(k, str) and isinstance(v, str)})
    return entries


def update(write_files: bool = True) -> dict[str, list[str]]:
    """Bring every extracted string into the catalogues (keeping translations, marking
    none obsolete-and-lost: strings no longer in the code are dropped). Returns what is
    left to translate per domain."""
    legacy = legacy_entries()
    left = {}
    for domain, (_source, target) in DOMAINS.items():
        template = _extract(domain)
        catalog = read(target, domain)
        created = catalog.creation_date
        catalog.update(template, no_fuzzy_matching=True)
        catalog.creation_date = created  # unchanged strings: an unchanged file
        for message in catalog:
            if message.id and not message.string and message.id in legacy \
                    and domain == "messages":
                message.string = legacy[message.id]
        catalog.obsolete.clear()
        if write_files:
            write(catalog, target, domain)
        left[domain] = sorted(m.id for m in catalog if m.id and not m.string)
    return left


# compiling ----------------------------------------------------------------------------

def compile_all(target: Path) -> Path:
    """Write each ``.po`` as ``.mo`` under ``target`` (same layout) when the ``.mo`` is
    missing or older; returns ``target``. Safe with several processes at once."""
    for po in TRANSLATIONS.glob("*/LC_MESSAGES/*.po"):
        mo = target / po.relative_to(TRANSLATIONS).with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        mo.parent.mkdir(parents=True, exist_ok=True)
        lang = po.parent.parent.name
        with po.open("rb") as f:
            catalog = read_po(f, locale=lang, domain=po.stem)
        fd, tmp = tempfile.mkstemp(dir=mo.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as out:
            write_mo(out, catalog)
        os.replace(tmp, mo)
    return target


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "update"
    if command == "compile":
        print(compile_all(Path(argv[1]) if len(argv) > 1 else ROOT / "instance" / "translations"))
        return 0
    if command not in ("update", "check"):
        print("usage: python -m webui.messages [update|check|compile [dir]]")
        return 2
    left = update(write_files=command == "update")
    for domain, ids in left.items():
        lang = DOMAINS[domain][1]
        for text in ids:
            print(f"untranslated in {po_path(lang, domain).relative_to(ROOT)}: {text!r}")
    if command == "update" and LEGACY.exists():
        print(f"{LEGACY.relative_to(ROOT)}'s English is now in the catalogue: remove the file.")
    return 1 if any(left.values()) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
