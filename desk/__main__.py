"""`python -m desk [--host H] [--port P]`: run the human desk (relay, hold monitor, Slack desk)."""

from __future__ import annotations

import argparse
import sys
from typing import List, Optional


def main(argv: Optional[List[str]] = None) -> int:
    """Serve the desk app until stopped; a database made by older code is refused with advice."""
    parser = argparse.ArgumentParser(prog="python -m desk", description="Brightway human desk")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5057)
    args = parser.parse_args(argv)

    import uvicorn

    from bot.records.database import SchemaOutdatedError
    from desk.server import desk_app_from_env

    try:
        app = desk_app_from_env()
    except SchemaOutdatedError as error:
        print(f"Database problem: {error}", file=sys.stderr)
        return 2
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", ws="none")
    return 0


if __name__ == "__main__":
    sys.exit(main())
