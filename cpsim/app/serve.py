"""The classroom page's server process: Solara's app behind :class:`~cpsim.app.same_origin.SameOrigin`.

``cpsim app`` becomes ``python -m cpsim.app.serve --host H --port P [--allow-host NAME ...]
[--allow-origin URL ...]``. It serves what ``solara run cpsim.app.page --production`` serves
(Solara's Starlette app, its logging, production mode), with two differences: every request
passes the same-origin guard first, and no version check goes to the network at start (the
page works offline).
"""

from __future__ import annotations

import argparse
import os
import sys

from cpsim.app.same_origin import SameOrigin, page_hosts

PAGE = "cpsim.app.page"


def main(argv: list[str] | None = None) -> None:
    """Serve the page until Ctrl-C."""
    parser = argparse.ArgumentParser(prog="python -m cpsim.app.serve")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--allow-host", action="append", default=[])
    parser.add_argument("--allow-origin", action="append", default=[])
    args = parser.parse_args(argv)
    # what `solara run` sets before it imports the app (CGI variables, the app to load)
    os.environ["SOLARA_APP"] = PAGE
    os.environ["SERVER_NAME"] = args.host
    os.environ["SERVER_PORT"] = str(args.port)
    import uvicorn
    from solara.__main__ import LOGGING_CONFIG
    from solara.server import settings

    settings.main.mode = "production"
    from solara.server.starlette import app

    guarded = SameOrigin(app, page_hosts(args.host, args.allow_host), args.allow_origin)
    config = uvicorn.Config(guarded, host=args.host, port=args.port, log_config=LOGGING_CONFIG, log_level="error")
    uvicorn.Server(config).run()


if __name__ == "__main__":
    sys.exit(main())
