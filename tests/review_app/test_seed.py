"""The seed generator against a real trained assistant: real conversations, handoffs worked through
the desk service, and the review app showing them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from starlette.testclient import TestClient

from bot.clock import system_clock
from bot.settings import REPO_ROOT
from review_app.config import ReviewConfig
from review_app.conversations.archive import ConversationArchive, open_tracker_engine
from tests.e2e.conftest import trained_model  # noqa: F401  (the session's trained model fixture)
from tests.e2e.running_assistant import running_assistant
from tests.review_app.conftest import build_app
from tests.review_app.web_client import log_in

pytestmark = [pytest.mark.slow, pytest.mark.wall_clock]


def test_seed_command_drives_the_assistant_and_the_app_shows_the_result(
        trained_model: Path, tmp_path: Path, hasher: PasswordHasher) -> None:  # noqa: F811
    var_dir = tmp_path / "assistant"
    with running_assistant(trained_model, var_dir) as assistant:
        env = {k: v for k, v in os.environ.items() if not k.startswith("BRIGHTWAY_")}
        env.update({"BRIGHTWAY_DB_URL": assistant.db_url, "RASA_API_TOKEN": assistant.processes.token,
                    "BRIGHTWAY_REVIEW_SECRET": "q" * 40})
        result = subprocess.run(
            [sys.executable, "-m", "review_app", "seed", "--rasa-url", assistant.url, "--conversations", "10",
             "--random-seed", "3"],
            cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=600,
        )
    assert result.returncode == 0, result.stderr
    summary = re.search(r"Seeded 10 conversations \((\d+) calm, (\d+) frustrated, (\d+) misunderstood\); "
                        r"handoffs: (\d+) left open, (\d+) claimed, (\d+) resolved", result.stdout)
    assert summary, result.stdout
    calm, frustrated, misunderstood, left_open, claimed, resolved = map(int, summary.groups())
    assert frustrated >= 2 and left_open + claimed + resolved == frustrated

    engine = sa.create_engine(assistant.db_url)
    with engine.connect() as connection:
        statuses = dict(connection.execute(sa.text("SELECT status, count(*) FROM handoffs GROUP BY status")).all())
        timings = connection.execute(sa.text(
            "SELECT count(*) FROM handoffs WHERE status = 'resolved' AND first_human_reply_at IS NOT NULL "
            "AND resolved_at IS NOT NULL AND claimed_by IS NOT NULL")).scalar()
    engine.dispose()
    assert statuses == {status: count for status, count in
                        (("open", left_open), ("claimed", claimed), ("resolved", resolved)) if count}
    assert timings == resolved

    tracker_url = f"sqlite:///{var_dir / 'tracker.db'}"
    archive = ConversationArchive(open_tracker_engine(tracker_url))
    seeded = archive.changed_since(0)[0]
    assert len(seeded) == 10
    agent_lines = [event for sender in seeded for event in archive.events(sender)
                   if event.get("event") == "bot" and (event.get("metadata") or {}).get("agent")]
    assert len(agent_lines) == 2 * (claimed + resolved)

    config = ReviewConfig(database_url=assistant.db_url, tracker_database_url=tracker_url,
                          secret_key="q" * 48, rasa_url=assistant.url, rasa_token="unused")
    app = build_app(config, system_clock, hasher)
    with TestClient(app, base_url="https://testserver") as client:
        log_in(client, "lea")
        assert f"showing <strong>{frustrated}</strong>" in client.get("/handoffs").text
        assert "10 in total" in client.get("/conversations").text
        if resolved:
            page = client.get("/handoffs?status=resolved").text
            handoff_id = re.search(r'href="/handoffs/(H-[A-Z0-9]+)"', page).group(1)
            transcript = client.get(f"/handoffs/{handoff_id}").text
            assert 'data-role="agent"' in transcript and "tipped the handoff" in transcript
        if misunderstood:
            assert "- intent:" in client.get("/exports/nlu-candidates.yml").text
