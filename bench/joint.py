"""Benchmark: the joint process page with many participants and child procurements.

    .venv/bin/python bench/joint.py [--participants 50] [--repeat 30] [--database-url URL]

Builds a joint scaling process in which every invited authority joins, confirms, signs
and starts its own innovation partnership (so N participants and N children), and one
with 5 for comparison. Then times, side by side: the engine's joint_process() (the
page's data) and the whole page over HTTP (Flask test client, rendered template), each
warm (the workflow held in the read cache) and cold (the workflow deserialized every
time). Prints median and p95 in milliseconds; asserts nothing. Default database: a
SQLite file in a temporary folder.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine import demo_joint as dj  # noqa: E402
from engine.clock import FixedClock  # noqa: E402
from engine.passwords import hash_password  # noqa: E402
from engine.runtime import Engine  # noqa: E402

PASSWORD = "bench-password"


def build(engine: Engine, clock: FixedClock, n: int, tag: str) -> str:
    """A joint process with n participants, each with its own innovation partnership."""
    names = {f"{tag} Kommune {i:02d}": f"{tag.lower()}{i:02d}" for i in range(n)}
    secret = hash_password(PASSWORD)
    engine.add_user(f"copi_{tag.lower()}", f"CO-PI {tag}", ["Facilitator"],
                    password_hash=secret)
    for authority, user in names.items():
        engine.add_user(user, authority, ["Deltager", "Indkøb"], password_hash=secret)
    d = dj.JointDriver(engine, clock)
    d.at(dj.STARTED)
    d.start(f"copi_{tag.lower()}", f"Bench {tag} ({n})")
    facilitator = f"copi_{tag.lower()}"
    d.do("Registrer innovationsbehovet", facilitator,
         dict(dj.need(), need_owners=[next(iter(names))]))
    d.do("Inviter myndigheder", facilitator, {"invited_authorities": list(names),
                                              "invited_on": dj.STARTED})
    for user in names.values():
        d.do("Svar på invitationen", user, {"answer": {"join": True, "units_per_year": 10,
                                                        "budget_per_year": 100_000}})
    d.do("Fælles behovsafdækning", facilitator, {"workshops": [
        {"held_on": "2023-06-01", "title": "Workshop", "outcomes": "Udfordringer."}]})
    d.do("Fælles markedsdialog", facilitator, dj.market_dialogue())
    d.do("Fælles behovsbeskrivelse", facilitator, {
        "version": 1, "need_description": "Behovet.",
        "requirements": [{"id": "K1", "text": "Krav"}]})
    for user in names.values():
        d.do("Bekræft behovsbeskrivelsen", user, {"confirmation": {"confirmed": True}})
    for user in names.values():
        d.do("Underskriv hensigtserklæringen", user, {"signature": {"signed": True}})
    d.do("Offentliggør hensigtserklæringen", facilitator, {
        "published_on": "2024-04-15", "published_where": "co-pi.dk"})
    for authority, user in names.items():
        d.do("Oplys fakta om egen anskaffelse", user, dj.facts())
        d.do("Start eget innovationspartnerskab", user, {
            "partnership_title": f"Partnerskab {authority}", "start_on": "2024-09-02"})
    return d.iid


def timed(fn, repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench_joint.db"
    clock = FixedClock(datetime(2023, 3, 15, 9))
    engine = Engine(url, workflows_dir=ROOT / "workflows", clock_fn=clock)
    engine.init_db()
    engine.deploy()
    sizes = {"small": 5, "large": args.participants}
    built = {}
    for tag, n in sizes.items():
        start = time.perf_counter()
        built[tag] = build(engine, clock, n, tag.title())
        print(f"built {n} participants + {n} children in "
              f"{time.perf_counter() - start:.1f} s")

    from webui import create_app

    app = create_app({"TESTING": True, "OPIFLOW_ENGINE": engine, "SECRET_KEY": "bench",
                      "WTF_CSRF_ENABLED": False, "OPIFLOW_SCHEDULER": "off"})
    print(f"\njoint page, {args.repeat} requests each: median / p95 ms")
    print(f"{'':28}{'5 participants':>20}{f'{args.participants} participants':>22}")
    rows = {}
    for tag in sizes:
        user = f"copi_{tag}"
        client = app.test_client()
        client.post("/login", data={"username": user, "password": PASSWORD})
        iid = built[tag]
        assert client.get(f"/joint/{iid}").status_code == 200

        def cold(fn):
            def run():
                engine.store._cache.clear()
                fn()
            return run

        rows.setdefault("engine.joint_process warm", {})[tag] = timed(
            lambda iid=iid, user=user: engine.joint_process(iid, user), args.repeat)
        rows.setdefault("engine.joint_process cold", {})[tag] = timed(
            cold(lambda iid=iid, user=user: engine.joint_process(iid, user)), args.repeat)
        rows.setdefault("GET /joint/<id> warm", {})[tag] = timed(
            lambda iid=iid, client=client: client.get(f"/joint/{iid}"), args.repeat)
        rows.setdefault("GET /joint/<id> cold", {})[tag] = timed(
            cold(lambda iid=iid, client=client: client.get(f"/joint/{iid}")), args.repeat)
    for name, by_tag in rows.items():
        cells = [f"{by_tag[t][0]:.1f} / {by_tag[t][1]:.1f}" for t in sizes]
        print(f"{name:28}{cells[0]:>20}{cells[1]:>22}")
    print("target: at most 200 ms for the page with 50 participants and 50 children")
    engine.sql.dispose()


if __name__ == "__main__":
    main()
