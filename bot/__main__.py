"""Command line: `python -m bot run | chat [--debug] | train`."""

from __future__ import annotations

import argparse
import sys
from typing import List, Optional


def main(argv: Optional[List[str]] = None) -> int:
    """Dispatch to the sub-command."""
    parser = argparse.ArgumentParser(prog="python -m bot", description="Brightway assistant")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="train if needed and start the assistant")
    commands.add_parser("train", help="train the model if data or config changed")
    desk = commands.add_parser("desk", help="run the human desk (relay, escalations, Slack desk)")
    desk.add_argument("--host", default="127.0.0.1")
    desk.add_argument("--port", type=int, default=5057)
    chat = commands.add_parser("chat", help="talk to the running assistant in this terminal")
    chat.add_argument("--url", default=None, help="Rasa server URL (default: http://127.0.0.1:$BRIGHTWAY_RASA_PORT, as `run` uses)")
    chat.add_argument("--sender", default=None, help="conversation id (default: a new one)")
    chat.add_argument("--debug", action="store_true", help="show intent, entities and frustration")
    args = parser.parse_args(argv)

    if args.command == "run":
        from bot.launcher import run_assistant

        return run_assistant()
    if args.command == "desk":
        import uvicorn

        from bot.database import SchemaOutdatedError
        from bot.desk_server import desk_app_from_env

        try:
            app = desk_app_from_env()
        except SchemaOutdatedError as error:
            print(f"Database problem: {error}", file=sys.stderr)
            return 2
        uvicorn.run(app, host=args.host, port=args.port, log_level="warning", ws="none")
        return 0
    if args.command == "train":
        from bot.assistant_processes import StartupError, train
        from bot.launcher import MODELS_DIR

        try:
            print(train(MODELS_DIR))
        except StartupError as error:
            print(error)
            return 1
        return 0
    from bot.chat import run_chat
    from bot.local_ports import PortSettingError, rasa_url

    try:
        url = args.url or rasa_url()
    except PortSettingError as error:
        print(error, file=sys.stderr)
        return 2
    return run_chat(url, args.sender, args.debug)


if __name__ == "__main__":
    sys.exit(main())
