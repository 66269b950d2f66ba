"""Model intake: a model's size, its forms' depth, its XML and its DMN input entries are
checked at validate and deploy; each problem names the file and element, the command
prints one line per problem and exits non-zero, never a traceback."""
from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from engine import specs
from engine.cli import main
from engine.errors import ModelError
from tests.conftest import DATA


def _copy(tmp_path, model):
    folder = tmp_path / model
    shutil.copytree(DATA / model, folder)
    return folder


def _validate(folder):
    """`opiflow validate FOLDER`: (exit code, stderr + stdout lines)."""
    result = CliRunner().invoke(main, ["validate", str(folder)], catch_exceptions=False)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert "Traceback" not in result.output
    return result.exit_code, lines


def _problems(folder):
    try:
        return specs.check(folder.name, specs.read_files(folder))
    except ModelError as err:
        return err.problems


def _one(problems, file, element=None):
    found = [p for p in problems if p.file == file and p.element == element]
    assert found, [str(p) for p in problems]
    assert all(p.fix for p in problems)
    return found[0]


def test_a_deeply_nested_form_is_a_problem_not_a_crash(tmp_path):
    folder = _copy(tmp_path, "timer")
    (folder / "forms" / "sign.schema.json").write_text("[" * 100_000 + "]" * 100_000)
    problem = _one(_problems(folder), "forms/sign.schema.json")
    assert "too deeply nested" in problem.message and "100000 levels" in problem.message
    code, lines = _validate(folder)
    assert code == 1 and len(lines) == 1
    assert lines[0].startswith("timer/forms/sign.schema.json: the form is too deeply nested")


def test_a_form_nested_deeper_than_the_limit_inside_properties(tmp_path):
    folder = _copy(tmp_path, "timer")
    schema = {"type": "object"}
    inner = schema
    for _ in range(40):
        inner["properties"] = {"x": {"type": "object"}}
        inner = inner["properties"]["x"]
    (folder / "forms" / "sign.schema.json").write_text(json.dumps(schema))
    assert "more than 32" in _one(_problems(folder), "forms/sign.schema.json").message


def test_a_form_that_is_not_an_object_schema(tmp_path):
    folder = _copy(tmp_path, "timer")
    (folder / "forms" / "sign.schema.json").write_text("true")
    assert "type" in _one(_problems(folder), "forms/sign.schema.json").message


@pytest.mark.parametrize("entry, words", [
    ("&gt;= __import__('os')", "__import__"),
    ("&gt;= 100000 +", "invalid syntax"),
    ("? &gt; ().__class__", "__class__"),
    ("-" * 100_000 + "1", "nested too deeply"),
    ("&gt; " + "(" * 1000 + "1" + ")" * 1000, "too many nested parentheses"),
])
def test_dmn_input_entries_are_checked(tmp_path, entry, words):
    folder = _copy(tmp_path, "purchase_request")
    dmn = folder / "category.dmn"
    dmn.write_text(dmn.read_text().replace("<text>&lt; 100000</text>", f"<text>{entry}</text>"))
    problem = _one(_problems(folder), "category.dmn", "UnaryTests_small")
    assert "DMN input entry" in problem.message and words in problem.message
    code, lines = _validate(folder)
    assert code == 1 and len(lines) == 1
    assert lines[0].startswith("purchase_request/category.dmn [UnaryTests_small]: DMN input")


@pytest.mark.parametrize("script", ["x = " + "-" * 100_000 + "1", "x = " + "not " * 50_000 + "y"])
def test_a_script_nested_too_deeply_to_compile_is_a_problem(tmp_path, script):
    folder = _copy(tmp_path, "failing")
    bpmn = folder / "failing.bpmn"
    bpmn.write_text(bpmn.read_text().replace("ratio = 100 / count", script))
    problem = _one(_problems(folder), "failing.bpmn", "divide")
    assert "nested too deeply to compile" in problem.message
    code, lines = _validate(folder)
    assert code == 1 and len(lines) == 1


def test_ordinary_dmn_input_entries_pass():
    folder = DATA / "purchase_request"
    assert _problems(folder) == []


@pytest.mark.parametrize("setting, value, file, words", [
    ("OPIFLOW_MODEL_MAX_FILES", "3", "timer", "files, more than 3"),
    ("OPIFLOW_MODEL_MAX_FILE_KB", "4", "timer.bpmn", "more than 4 KB"),
    ("OPIFLOW_MODEL_MAX_KB", "4", "timer", "together, more than 4 KB"),
])
def test_model_size_is_bounded(tmp_path, monkeypatch, setting, value, file, words):
    folder = _copy(tmp_path, "timer")
    (folder / "forms" / "extra.schema.json").write_text('{"type": "object"}')
    monkeypatch.setenv(setting, value)
    problem = _one(_problems(folder), file)
    assert words in problem.message and setting in problem.fix
    with pytest.raises(ModelError) as caught:  # nothing is parsed, nothing deployed
        specs.read_files(folder)
    assert caught.value.problems
    code, lines = _validate(folder)
    assert code == 1 and len(lines) == 1 and words in lines[0]


def test_a_big_model_is_refused_before_it_is_read(tmp_path):
    folder = _copy(tmp_path, "timer")
    big = folder / "timer.bpmn"
    text = big.read_text()
    filler = "<!-- " + "x" * (1024 * 1024) + " -->\n"
    big.write_text(text.replace("<bpmn:process", filler * 54 + "<bpmn:process", 1))
    code, lines = _validate(folder)
    assert code == 1
    assert any("timer.bpmn: the file is" in line and "OPIFLOW_MODEL_MAX_FILE_KB" in line
               for line in lines), lines


def test_a_file_with_too_many_elements_is_refused_before_the_bpmn_parser(tmp_path,
                                                                         monkeypatch):
    folder = _copy(tmp_path, "timer")
    bpmn = folder / "timer.bpmn"
    notes = "".join(f'<bpmn:textAnnotation id="n{i}"/>' for i in range(300))
    bpmn.write_text(bpmn.read_text().replace("</bpmn:process>", notes + "</bpmn:process>"))
    assert _problems(folder) == []
    monkeypatch.setenv("OPIFLOW_MODEL_MAX_ELEMENTS", "250")
    problem = _one(_problems(folder), "timer.bpmn")
    assert "more than 250" in problem.message and "OPIFLOW_MODEL_MAX_ELEMENTS" in problem.fix
    code, lines = _validate(folder)
    assert code == 1 and len(lines) == 1


def test_sizes_are_checked_on_the_texts_too(monkeypatch):
    monkeypatch.setenv("OPIFLOW_MODEL_MAX_FILE_KB", "1")
    files = {"failing.bpmn": "x" * 2048}
    problem = _one(specs.check("failing", files), "failing.bpmn")
    assert "more than 1 KB" in problem.message


@pytest.mark.parametrize("doctype", [
    '<!DOCTYPE bpmn:definitions [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>',
    '<!DOCTYPE bpmn:definitions SYSTEM "http://example.invalid/x.dtd">',
    '<!DOCTYPE bpmn:definitions [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
])
def test_xml_with_a_doctype_is_refused(tmp_path, doctype):
    folder = _copy(tmp_path, "timer")
    bpmn = folder / "timer.bpmn"
    text = bpmn.read_text()
    bpmn.write_text(text.replace("<bpmn:definitions", doctype + "\n<bpmn:definitions", 1)
                    .replace('name="Standstill"', 'name="&b;"' if "&a;" in doctype else
                             'name="Standstill"', 1))
    problem = _one(_problems(folder), "timer.bpmn")
    assert "DOCTYPE" in problem.message or "not well-formed" in problem.message
    code, lines = _validate(folder)
    assert code == 1 and len(lines) == 1


def test_a_file_that_is_not_utf8_is_a_problem(tmp_path):
    folder = _copy(tmp_path, "timer")
    (folder / "forms" / "sign.schema.json").write_bytes(b'{"title": "\xe6"}')
    problem = _one(_problems(folder), "forms/sign.schema.json")
    assert "UTF-8" in problem.message
    code, lines = _validate(folder)
    assert code == 1 and len(lines) == 1


def test_deploy_refuses_what_validate_refuses(engine, tmp_path, monkeypatch):
    folder = _copy(tmp_path, "timer")
    monkeypatch.setenv("OPIFLOW_MODEL_MAX_FILES", "2")
    with pytest.raises(ModelError) as caught:
        engine.deploy(folder)
    assert "OPIFLOW_MODEL_MAX_FILES" in caught.value.problems[0].fix
    assert engine.models() == []


@pytest.mark.parametrize("setting", ["OPIFLOW_MODEL_MAX_FILES", "OPIFLOW_SCRIPT_SECONDS"])
def test_a_setting_that_is_not_a_number_is_one_clear_line(database_url, monkeypatch,
                                                          setting):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv(setting, "lots")
    for command in ("deploy", "validate") if "MODEL" in setting else ("deploy",):
        result = CliRunner().invoke(main, [command, str(DATA)], catch_exceptions=False)
        assert result.exit_code == 1
        assert result.stderr.startswith(f"error: the setting {setting}='lots' is not a")
        assert len(result.stderr.strip().splitlines()) == 1
