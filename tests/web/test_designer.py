"""The designers' area: only designers get in, each sees their own authority's versions,
a valid model saved from the editor is a new version and an invalid one a draft with its
problems, versions are compared, instances migrated; and the whole flow in a real browser:
add a user task without a form, see the problem on the element, fix it, save, compare."""
from __future__ import annotations

import re

import pytest

from engine import specs
from tests.helpers import dump

from .conftest import DATA, add_people
from .test_browser import chromium, login, shot  # noqa: F401  (fixtures)

MODEL = "innovation_partnership"
MAIN = f"{MODEL}.bpmn"


@pytest.fixture
def designers(web_engine):
    from .conftest import password_hash

    for name, authority in (("dina", "Region Hovedstaden"), ("dirk", "Region Sjælland")):
        web_engine.add_user(name, authority, ["designer"], password_hash=password_hash())
    return web_engine


def newest(engine, user="dina") -> str:
    return engine.designer_models(user)[0]["versions"][0]["version"]


@pytest.mark.parametrize("user, status", [(None, 302), ("anna", 403), ("audrey", 403),
                                          ("olaf", 403)])
def test_only_designers_reach_the_area(client, auth, designers, user, status):
    if user:
        auth.login(user)
    before = dump(designers)
    for path in ("/designer", f"/designer/{MODEL}/{newest(designers)}",
                 f"/designer/{MODEL}/edit?from={newest(designers)}"):
        assert client.get(path).status_code == status, path
    response = client.post(f"/designer/{MODEL}/save",
                           json={"files": specs.read_files(DATA / MODEL)})
    assert response.status_code == status
    assert dump(designers) == before


def test_the_designer_sees_versions_diagrams_forms_and_tables(client, auth, designers):
    auth.login("dina")
    page = client.get("/designer").get_data(as_text=True)
    version = newest(designers)
    assert MODEL in page and version[:12] in page
    page = client.get(f"/designer/{MODEL}/{version}").get_data(as_text=True)
    assert "data-diagram" in page and "Formularer" in page
    xml = client.get(f"/designer/{MODEL}/{version}/file?name={MAIN}")
    assert xml.status_code == 200 and xml.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get(f"/designer/{MODEL}/{version}/file?name=../x").status_code == 404
    preview = client.post("/designer/form-preview", data='{"type": "object", "properties": '
                          '{"pris": {"type": "number", "title": "Pris i kr."}}}')
    assert "Pris i kr." in preview.get_data(as_text=True)
    bad = client.post("/designer/form-preview", data="{not json").get_data(as_text=True)
    assert "tjek JSON-skemaet" in bad


def test_saving_valid_and_invalid_models_and_comparing(client, auth, designers):
    auth.login("dina")
    old = newest(designers)
    files = specs.read_files(DATA / MODEL)
    broken = dict(files)
    broken[MAIN] = re.sub(r'(<bpmn:userTask id="describe_need"[^>]*name=")[^"]*"',
                          r'\1Beskriv behovet grundigt"', files[MAIN], count=1)
    assert broken[MAIN] != files[MAIN]
    fixed = dict(broken)
    broken[MAIN] = broken[MAIN].replace('value="need.schema.json"', 'value="nope.schema.json"')
    before = dump(designers)["model_versions"]
    response = client.post(f"/designer/{MODEL}/save", json={"files": broken}).get_json()
    assert response["deployed"] is False
    assert any(p["element"] == "describe_need" and "nope.schema.json" in p["message"]
               for p in response["problems"])
    assert dump(designers)["model_versions"] == before
    assert "nope.schema.json" in client.get(response["url"]).get_data(as_text=True)
    response = client.post(f"/designer/{MODEL}/save", json={"files": fixed}).get_json()
    assert response["deployed"] is True and newest(designers) == response["version"]
    page = client.get(f"/designer/{MODEL}/compare?old={old}&new={response['version']}")
    text = page.get_data(as_text=True)
    assert "describe_need" in text and "Beskriv behovet grundigt" in text
    # another authority's designer sees neither the new version nor its compare
    auth.logout()
    auth.login("dirk")
    assert client.get(f"/designer/{MODEL}/{response['version']}").status_code == 404
    assert response["version"][:12] not in client.get("/designer").get_data(as_text=True)


def test_migrating_an_instance_from_the_page(client, auth, designers):
    iid = designers.start(MODEL, "anna")
    old = designers.show(iid)["version"]
    files = specs.read_files(DATA / MODEL)
    files[MAIN] = files[MAIN].replace('name="Beskriv behovet"', 'name="Beskriv det nye behov"', 1)
    new = designers.save_model(MODEL, files, "dina")["version"]
    auth.login("dina")
    preview = client.post(f"/designer/instances/{iid}/migrate",
                          data={"to": new, "reason": "", "action": "preview"})
    assert "Flytningen er mulig." in preview.get_data(as_text=True)
    assert designers.show(iid)["version"] == old
    done = client.post(f"/designer/instances/{iid}/migrate",
                       data={"to": new, "reason": "Nyt navn", "action": "migrate"})
    assert done.status_code == 302 and designers.show(iid)["version"] == new
    assert designers.history(iid)[-1]["kind"] == "migrated"


@pytest.fixture
def designer_site(tmp_path):
    """serve(models): the app on a fresh SQLite file with ``models`` deployed, people in
    every role and the designer dina, served on a free port; -> (base URL, engine)."""
    import threading
    from datetime import datetime

    from werkzeug.serving import make_server

    from engine.clock import FixedClock
    from engine.runtime import Engine
    from webui import create_app

    from .conftest import password_hash

    running = []

    def serve(models):
        engine = Engine(f"sqlite:///{tmp_path / 'designer.db'}", workflows_dir=DATA,
                        clock_fn=FixedClock(datetime(2026, 3, 2, 9, 0)))
        engine.init_db()
        engine.deploy(models)
        add_people(engine)
        engine.add_user("dina", "Region Hovedstaden", ["designer"],
                        password_hash=password_hash())
        app = create_app({"OPIFLOW_ENGINE": engine, "SECRET_KEY": "designer-test",
                          "OPIFLOW_SCHEDULER": "off", "UPLOAD_FOLDER": str(tmp_path / "up")})
        srv = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        running.append((srv, engine))
        return f"http://127.0.0.1:{srv.server_port}", engine

    yield serve
    for srv, engine in running:
        srv.shutdown()
        engine.sql.dispose()


@pytest.mark.browser
def test_a_designer_edits_the_model_in_the_browser(chromium, designer_site):  # noqa: F811
    base, engine = designer_site(DATA)
    running = engine.start(MODEL, "anna")
    first = newest(engine)
    page = chromium.new_page(viewport={"width": 1400, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    login(page, base, "dina")
    page.goto(f"{base}/designer")
    page.get_by_role("link", name="Redigér").first.click()
    page.wait_for_selector("#modeler[data-ready='true']")
    # a new user task in the procurement lane, with no form
    page.evaluate("""() => {
      const m = document.getElementById('modeler').modeler;
      const registry = m.get('elementRegistry'), modeling = m.get('modeling');
      const start = registry.filter(e => e.type === 'bpmn:StartEvent')[0];
      const flow = start.outgoing[0], next = flow.target;
      const shape = m.get('elementFactory').createShape({type: 'bpmn:UserTask'});
      const created = modeling.createShape(shape,
        {x: start.x + 90, y: start.y + 18}, start.parent);
      modeling.updateProperties(created, {id: 'new_task', name: 'Ny opgave'});
      modeling.reconnectEnd(flow, created, {x: created.x, y: created.y + 40});
      modeling.connect(created, next);
    }""")
    page.get_by_role("button", name="Gem og deploy").click()
    page.wait_for_selector("g.djs-element.has-problem[data-element-id='new_task']")
    assert "the user task names no form" in page.inner_text("#problems")
    shot(page, "designer-problem")
    # fix it in the properties panel and save again
    page.evaluate("""() => {
      const m = document.getElementById('modeler').modeler;
      m.get('selection').select(m.get('elementRegistry').get('new_task'));
    }""")
    page.get_by_label("Formular", exact=True).first.fill("need.schema.json")
    page.get_by_role("button", name="Gem og deploy").click()
    page.wait_for_url(re.compile(rf"{base}/designer/{MODEL}/[0-9a-f]{{64}}$"))
    second = newest(engine)
    assert second != first
    page.goto(f"{base}/designer")
    assert second[:12] in page.inner_text("main")
    page.get_by_role("link", name="Sammenlign med forrige").first.click()
    assert "new_task" in page.inner_text("main")
    page.wait_for_selector("[data-marks='new'][data-ready='true']")
    assert page.locator("[data-marks='new'] g.diff-added[data-element-id='new_task']").count()
    shot(page, "designer-compare")
    assert engine.show(running)["version"] == first  # running instances stay
    assert errors == []


@pytest.mark.browser
def test_a_decision_table_is_edited_with_dmn_js(chromium, designer_site):  # noqa: F811
    from tests.conftest import DATA as ENGINE_DATA

    base, engine = designer_site(ENGINE_DATA / "purchase_request")
    first = newest(engine)
    page = chromium.new_page(viewport={"width": 1400, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    login(page, base, "dina")
    page.goto(f"{base}/designer/purchase_request/edit?from={first}")
    page.wait_for_selector("[data-dmn][data-ready='true']")
    assert page.locator("[data-dmn] .tjs-table").count() == 1  # the decision table
    shot(page, "designer-dmn")
    page.get_by_role("button", name="Gem og deploy").click()
    # dmn-js writes the table back in its own layout: a valid new version is deployed
    page.wait_for_url(re.compile(rf"{base}/designer/purchase_request/[0-9a-f]{{64}}$"))
    second = newest(engine)
    assert second != first
    saved = engine.model_files("purchase_request", second, "dina")["files"]
    assert "category_decision" in next(t for n, t in saved.items() if n.endswith(".dmn"))
    assert errors == []
