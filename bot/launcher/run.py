"""`python -m bot run`: train if needed, start everything, say where it is, stop on Ctrl-C (or
when one of the processes ends on its own, saying which and why)."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

from bot.launcher.port_check import ports_in_use_message
from bot.launcher.processes import AssistantProcesses, StartupError, TrainingFailed, describe_exit, train
from bot.server.local_ports import PortSettingError, chat_command, local_ports
from bot.settings import REPO_ROOT

VAR_DIR = Path(os.environ.get("BRIGHTWAY_VAR_DIR") or REPO_ROOT / "var")
MODELS_DIR = REPO_ROOT / "models"


def run_assistant() -> int:
    """Bring the assistant up on local defaults and keep it running until interrupted."""
    # Ctrl-C stops everything in order even when started from a shell that ignores it in the background.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        ports = local_ports()
    except PortSettingError as error:
        print(error)
        return 1
    taken = ports_in_use_message(ports)
    if taken is not None:
        print(taken)
        return 1
    train_log = VAR_DIR / "train.log"
    print(f"Training the model if data or config changed (unchanged: a few seconds; log: {_shown(train_log)})...",
          flush=True)
    try:
        model = train(MODELS_DIR, log=train_log)
    except TrainingFailed as error:
        print(_tail(error.output), error, sep="\n")
        return 1
    except StartupError as error:
        print(error)
        return 1
    processes = AssistantProcesses(
        model=model,
        var_dir=VAR_DIR,
        rasa_port=ports.rasa,
        actions_port=ports.actions,
        desk_port=ports.desk,
        review_port=ports.review,
    )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        processes.start(report=lambda line: print(line, flush=True))
    except StartupError as error:
        print(error)
        return 1
    except KeyboardInterrupt:
        _stop_in_order(processes)
        return 130
    _print_welcome(processes, model)
    ended = None
    try:
        while ended is None and not stop.wait(1.0):
            ended = processes.first_ended()
    except KeyboardInterrupt:
        pass
    if ended is not None:
        _report_ended(processes, *ended)
    _stop_in_order(processes)
    return 0 if ended is None else 1


def _report_ended(processes: AssistantProcesses, name: str, code: int) -> None:
    """Say which process ended on its own and show the end of its log, before the rest stops:
    a crashed Rasa must not leave the desk and the review app running as if all were well."""
    log = processes.log_path(name)
    print(f"\nThe {name} stopped on its own ({describe_exit(code)}); the end of its log ({_shown(log)}):",
          _last_lines(log), sep="\n", flush=True)


def _stop_in_order(processes: AssistantProcesses) -> None:
    """Stop the processes one by one (see `AssistantProcesses.stop`); a second Ctrl-C must not
    cut that short, or the processes stopped last would keep running on their own."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    print("\nStopping (the desk and review app first, then Rasa)...", flush=True)
    processes.stop(report=lambda line: print(line, flush=True))
    print("Stopped.", flush=True)


def _last_lines(log: Path, count: int = 25) -> str:
    """The end of a log file, where a process says why it stopped."""
    try:
        return _tail(log.read_text(encoding="utf-8", errors="replace"), count)
    except OSError:
        return ""


def _tail(text: str, count: int = 25) -> str:
    """The last `count` lines of `text` (a failed training's output, where Rasa names the file and line)."""
    return "\n".join(text.splitlines()[-count:])


def _print_welcome(processes: AssistantProcesses, model: Path) -> None:
    """A few plain lines: where everything is and how to talk to the bot."""
    lines = [
        "",
        "Brightway assistant is running.",
        f"  Talk to it:        {chat_command(processes.rasa_port)}   (in another terminal; --debug shows intents and scores)",
        f"  Review app:        {processes.review_url}  (transcripts, metrics, agent console; add a user with",
        f"                     .venv/bin/python -m review_app create-user NAME --role lead)",
        f"  REST channel:      POST {processes.rasa_url}/webhooks/rest/webhook",
        f"  Rasa HTTP API:     {processes.rasa_url}  (token in {_shown(VAR_DIR)}/api_token)",
        f"  Custom actions:    in the Rasa server (package actions/; a separate action server: docs/deploy.md)",
        f"  Desk:              {processes.desk_url}/health (queue, escalations, Slack desk)",
        f"  Model:             {_shown(model)}",
        f"  Data and logs:     {_shown(VAR_DIR)}/ (SQLite databases, handoffs in desk_notifications.jsonl)",
    ]
    for channel in processes.channels.enabled:
        if channel.startswith("channels."):
            lines.append(f"  Channel on:        {channel.split('.')[-1]}")
    for channel, missing in processes.channels.disabled.items():
        if channel.startswith("channels."):
            lines.append(f"  Channel off:       {channel.split('.')[-1]} (set {', '.join(missing)}; see docs/channels.md)")
    lines.append("Press Ctrl-C to stop.")
    print("\n".join(lines), flush=True)


def _shown(path: Path) -> Path:
    """`path` relative to the repository when it is inside it, else as it is."""
    return path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path
