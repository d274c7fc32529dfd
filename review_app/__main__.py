"""Command line: `python -m review_app serve | create-user | set-password | seed`."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import List, Optional, TextIO

from bot.records.database import SchemaOutdatedError
from bot.server.local_ports import is_port_number
from bot.settings import SettingsError
from review_app.accounts.access import ROLES


def port_number(text: str) -> int:
    """An argparse type: a TCP port, 1-65535 (a clear usage error otherwise, before anything starts)."""
    port = _whole_number(text)
    if not is_port_number(str(port)):
        raise argparse.ArgumentTypeError(f"a port is a number from 1 to 65535, got {text}")
    return port


def positive_count(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    count = _whole_number(text)
    if count < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text}")
    return count


def _whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None


def main(argv: Optional[List[str]] = None, stdin: TextIO = sys.stdin) -> int:
    """Dispatch to the sub-command; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m review_app", description="Brightway review web app")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="start the web app")
    serve.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=port_number, default=8080, help="port (default 8080)")
    for name, text in (("create-user", "add a lead or agent"), ("set-password", "change a user's password")):
        command = commands.add_parser(name, help=text)
        command.add_argument("username")
        command.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
        if name == "create-user":
            command.add_argument("--role", choices=ROLES, required=True)
    seed = commands.add_parser("seed", help="drive real conversations through a running assistant")
    seed.add_argument("--rasa-url", default="http://127.0.0.1:5005", help="the running Rasa server")
    seed.add_argument("--conversations", type=positive_count, default=40, help="how many conversations (default 40)")
    seed.add_argument("--random-seed", type=int, default=7, help="makes the mix of conversations repeatable")
    args = parser.parse_args(argv)

    try:
        if args.command == "serve":
            from review_app.commands import serve as run_serve

            return run_serve(args.host, args.port)
        if args.command == "seed":
            from review_app.commands import seed as run_seed

            return run_seed(args.rasa_url, args.conversations, args.random_seed)
        password = _read_password(args.password_stdin, stdin)
        from review_app.commands import create_user, set_password

        if args.command == "create-user":
            return create_user(args.username, args.role, password)
        return set_password(args.username, password)
    except SettingsError as error:
        print(f"Configuration problem: {error}", file=sys.stderr)
        return 2
    except SchemaOutdatedError as error:
        print(f"Database problem: {error}", file=sys.stderr)
        return 2


def _read_password(from_stdin: bool, stdin: TextIO) -> str:
    """The password from standard input (first line) or typed twice at a prompt."""
    if from_stdin:
        return stdin.readline().rstrip("\r\n")
    try:
        first = getpass.getpass("Password: ")
        repeated = getpass.getpass("Repeat password: ")
    except EOFError:
        raise SystemExit(
            "No password was typed (the input ended); nothing was changed. "
            "Type it at the prompt, or pipe it in with --password-stdin."
        ) from None
    if repeated != first:
        raise SystemExit("The passwords differ; nothing was changed.")
    return first


if __name__ == "__main__":
    sys.exit(main())
