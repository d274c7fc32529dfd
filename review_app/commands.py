"""What the command line does: serve the app, manage users, seed demo conversations."""

from __future__ import annotations

import asyncio
import sys

import httpx

from bot.clock import system_clock
from bot.records.database import create_database_engine
from bot.records.schema_migrations import create_schema
from review_app.accounts.user_store import UserError, UserStore
from review_app.config import load_review_config


def serve(host: str, port: int) -> int:
    """Run the app under uvicorn until interrupted."""
    import uvicorn

    from review_app.server import create_app

    app = create_app(load_review_config())
    print(f"Review app on http://{host}:{port}/ (create users with: python -m review_app create-user NAME --role lead)",
          flush=True)
    # ws="none": no page uses websockets, and Rasa pins a websockets release uvicorn's auto-detection cannot use.
    uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=False, ws="none")
    return 0


def create_user(username: str, role: str, password: str) -> int:
    """Add a user; prints what went wrong otherwise."""
    store = _user_store()
    try:
        user = store.create(username, role, password)
    except UserError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"Created {user.role} {user.username}.")
    return 0


def set_password(username: str, password: str) -> int:
    """Change a user's password; prints what went wrong otherwise."""
    try:
        _user_store().set_password(username, password)
    except UserError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"Password of {username} changed.")
    return 0


def seed(rasa_url: str, conversations: int, random_seed: int) -> int:
    """Drive demo conversations through the assistant at `rasa_url` and report what happened."""
    from review_app.seed import ConversationSeeder, SeedError

    config = load_review_config()
    engine = create_database_engine(config.database_url)
    create_schema(engine)
    seeder = ConversationSeeder(rasa_url, config.rasa_token, engine, random_seed=random_seed)
    try:
        report = asyncio.run(seeder.run(conversations))
    except httpx.TransportError as error:
        print(
            f"Could not talk to the assistant at {rasa_url} ({type(error).__name__}: {error or 'no answer'}). "
            "Start it with `make run`, or pass its address with --rasa-url.",
            file=sys.stderr,
        )
        return 1
    except SeedError as error:
        print(error, file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(report.describe())
    return 0


def _user_store() -> UserStore:
    """The user store of the configured database."""
    engine = create_database_engine(load_review_config().database_url)
    create_schema(engine)
    return UserStore(engine, clock=system_clock)
