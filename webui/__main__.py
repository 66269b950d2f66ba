"""``python -m webui [--host H] [--port P]``: the web UI on the development server."""
from __future__ import annotations

import argparse
import os

from . import create_app


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m webui", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--debug", action="store_true", help="reload on code changes")
    args = parser.parse_args()
    if args.debug:
        os.environ["FLASK_DEBUG"] = "1"  # the timer scheduler then runs in the child only
    create_app().run(host=args.host, port=args.port, debug=args.debug)


if __name__ == "__main__":
    main()
