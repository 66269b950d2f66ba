from .conftest import open_task, run_to


def test_login_and_task_list(client, auth, web_engine):
    web_engine.start("innovation_partnership", "anna", {})
    assert auth.login("anna").status_code == 302
    page = client.get("/tasks")
    assert page.status_code == 200
    assert "Beskriv behovet" in page.get_data(as_text=True)


def test_pages(client, auth, web_engine, clock):
    iid = run_to(web_engine, clock, "sign_contract")
    auth.login("anna")
    for url in (f"/instances/{iid}", f"/instances/{iid}/diagram",
                f"/instances/{iid}/evaluation", f"/instances/{iid}/history", "/instances",
                f"/instances/{iid}/diagram.bpmn"):
        r = client.get(url)
        assert r.status_code == 200, (url, r.get_data(as_text=True)[:2000])
    task = open_task(web_engine, "sign_contract", iid)
    auth.logout()
    auth.login("jens")
    r = client.get(f"/tasks/{task.id}")
    assert r.status_code == 200, r.get_data(as_text=True)
