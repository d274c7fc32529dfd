"""Channel latency and throughput: our adapters against Rasa's REST channel and Rasa's built-in connectors.

N concurrent conversations each send the same M messages, one after the other. Latency is the
time from sending the webhook to the turn's last reply arriving at the fake platform API
(REST: request to response). Server A runs REST and our Telegram/Slack/SMS channels; server B
runs REST and Rasa's built-in telegram/slack/twilio connectors (pointed at the same fakes by a
small launcher in this file). Ratios compare each channel with REST on the same server.

    .venv/bin/python bench/channels_bench.py --conversations 4 --messages 6 --rounds 3

Pacing is lifted for the run (TELEGRAM/SLACK_PACE_PER_SECOND=1000): it is a platform rule that
REST does not have, and a person does not type several messages a second.
"""

from __future__ import annotations

import argparse
import functools
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from bench.speed.script import SCRIPT  # noqa: E402  (the same everyday conversation as the speed bench)

QUIET_S = 1.0
TURN_TIMEOUT_S = 60.0


@dataclass
class Measurement:
    """Latencies of every turn of one channel, the wall time of its blocks, the server's CPU time
    spent in them, and the channel's p50 in each round (for ratios paired by round)."""

    channel: str
    server: str
    latencies: List[float]
    wall_s: float
    server_cpu_s: float = 0.0
    rig_cpu_s: float = 0.0
    round_p50s: List[float] = field(default_factory=list)

    def percentile(self, fraction: float) -> float:
        """Nearest-rank percentile in milliseconds."""
        ordered = sorted(self.latencies)
        index = min(len(ordered) - 1, max(0, int(round(fraction * len(ordered) + 0.5)) - 1))
        return ordered[index] * 1000

    @property
    def throughput(self) -> float:
        """Turns per second."""
        return len(self.latencies) / self.wall_s

    @property
    def cpu_ms_per_turn(self) -> float:
        """Server CPU time per turn in milliseconds (0 when the server's CPU was not read)."""
        return self.server_cpu_s * 1000 / len(self.latencies)

    @property
    def rig_cpu_ms_per_turn(self) -> float:
        """CPU time per turn of this bench process: the load client and the fake platform APIs."""
        return self.rig_cpu_s * 1000 / len(self.latencies)


class ProcessCpu:
    """CPU time (user + system) a running process has used, read from /proc (Linux)."""

    def __init__(self, pid: Optional[int]) -> None:
        """Read process `pid`; None reads as zero, for servers whose id is not known."""
        self.pid = pid
        self._ticks = os.sysconf("SC_CLK_TCK")

    def seconds(self) -> float:
        """CPU seconds used so far."""
        if self.pid is None:
            return 0.0
        with open(f"/proc/{self.pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / self._ticks


class Channel:
    """One way into the bot; `turn` sends one message and waits for the whole answer."""

    name = ""

    def turn(self, conversation: int, text: str, expected: int) -> float:
        """Send `text` for `conversation`; wait for `expected` new replies; return the latency."""
        raise NotImplementedError

    def count_replies(self, conversation: int, text: str) -> int:
        """Send `text` and count the replies until the platform is quiet (calibration)."""
        raise NotImplementedError


class RestChannel(Channel):
    """Rasa's REST channel: the replies come back in the HTTP response."""

    name = "rest"

    def __init__(self, hooks: "Webhooks", prefix: str) -> None:
        """Talk to the REST webhook of the server behind `hooks`."""
        self.hooks = hooks
        self.prefix = prefix

    def turn(self, conversation: int, text: str, expected: int) -> float:
        """One request/response."""
        started = time.monotonic()
        self._post(conversation, text)
        return time.monotonic() - started

    def count_replies(self, conversation: int, text: str) -> int:
        """The number of replies in the response."""
        return len(self._post(conversation, text))

    def _post(self, conversation: int, text: str) -> list:
        body = {"sender": f"{self.prefix}-rest-{conversation}", "message": text}
        response = self.hooks.client.post(f"{self.hooks.base_url}/webhooks/rest/webhook", json=body)
        response.raise_for_status()
        return response.json()


class PlatformChannel(Channel):
    """A platform webhook in; replies timed as the fake platform API records them."""

    def __init__(
        self, name: str, fake, deliver: Callable[[int, str], None], conversation_of: Callable
    ) -> None:
        """`deliver(conversation, text)` posts the webhook; `conversation_of(request)` names a reply's
        conversation (None for other requests)."""
        self.name = name
        self.deliver = deliver
        self.conversation_of = conversation_of
        self._replies: Dict[int, List[float]] = {}
        self._arrived = threading.Condition()
        fake.add_listener(self._record)

    def turn(self, conversation: int, text: str, expected: int) -> float:
        """Post the webhook and wait for the turn's last reply at the fake API."""
        target = self._count(conversation) + expected
        started = time.monotonic()
        self.deliver(conversation, text)
        return self._wait(conversation, target, TURN_TIMEOUT_S) - started

    def count_replies(self, conversation: int, text: str) -> int:
        """Post, then count replies until none arrived for QUIET_S."""
        before = self._count(conversation)
        self.deliver(conversation, text)
        self._wait(conversation, before + 1, TURN_TIMEOUT_S)
        count = -1
        while count != self._count(conversation):
            count = self._count(conversation)
            time.sleep(QUIET_S)
        return count - before

    def _record(self, request) -> None:
        conversation = self.conversation_of(request)
        if conversation is not None:
            with self._arrived:
                self._replies.setdefault(conversation, []).append(request.received_at)
                self._arrived.notify_all()

    def _count(self, conversation: int) -> int:
        with self._arrived:
            return len(self._replies.get(conversation, []))

    def _wait(self, conversation: int, count: int, timeout_s: float) -> float:
        """Block until `count` replies for `conversation` arrived; the time of the last one."""
        with self._arrived:
            if not self._arrived.wait_for(lambda: len(self._replies.get(conversation, [])) >= count, timeout_s):
                raise TimeoutError(f"{self.name}: no reply for conversation {conversation} in {timeout_s} s")
            return self._replies[conversation][count - 1]


def numbered(value: Optional[str], prefix: str) -> Optional[int]:
    """The conversation number in a chat id, channel or phone number made as `prefix` + digits."""
    if not value or not value.startswith(prefix):
        return None
    digits = value[len(prefix):]
    return int(digits) if digits.isdigit() else None


def reply_to(path_suffix: str, field: str, prefix: str) -> Callable:
    """A `conversation_of` for replies to `path_suffix` whose `field` is `prefix` + number."""

    def conversation_of(request) -> Optional[int]:
        if not request.path.endswith(path_suffix):
            return None
        return numbered(str(request.params().get(field) or ""), prefix)

    return conversation_of


def measure_interleaved(
    channels: Sequence[Channel],
    server: str,
    conversations: int,
    script: Sequence[str],
    rounds: int,
    cpu: ProcessCpu,
) -> List[Measurement]:
    """Calibrate each channel on one conversation (also the warm-up), then run the channels in
    turn, `rounds` times, starting each round one channel later, so that drift in machine load
    touches every channel alike. `cpu` reads the server's CPU time around each block; the bench's
    own (client and fake APIs, which share the machine's cores with the server) is read too."""
    rig = ProcessCpu(os.getpid())
    expected = {channel.name: [channel.count_replies(0, text) for text in script] for channel in channels}
    results = {channel.name: Measurement(channel.name, server, [], 0.0) for channel in channels}
    for round_index in range(rounds):
        first = 1 + round_index * conversations
        shift = round_index % len(channels)
        for channel in [*channels[shift:], *channels[:shift]]:

            def converse(conversation: int, channel: Channel = channel) -> List[float]:
                counts = expected[channel.name]
                return [channel.turn(conversation, text, count) for text, count in zip(script, counts)]

            block = Measurement(channel.name, server, [], 0.0)
            cpu_before, rig_before, started = cpu.seconds(), rig.seconds(), time.monotonic()
            with ThreadPoolExecutor(max_workers=conversations) as pool:
                for latencies in pool.map(converse, range(first, first + conversations)):
                    block.latencies.extend(latencies)
            total = results[channel.name]
            total.wall_s += time.monotonic() - started
            total.server_cpu_s += cpu.seconds() - cpu_before
            total.rig_cpu_s += rig.seconds() - rig_before
            total.latencies.extend(block.latencies)
            total.round_p50s.append(block.percentile(0.5))
        print(f"round {round_index + 1}/{rounds} on {server} done", file=sys.stderr)
    return [results[channel.name] for channel in channels]


class Webhooks:
    """Posts webhooks to one server through one pooled HTTP client shared by the conversation threads."""

    def __init__(self, base_url: str) -> None:
        """Post to `base_url`."""
        import httpx

        self.base_url = base_url
        self.client = httpx.Client(timeout=TURN_TIMEOUT_S)
        self.ids = itertools.count(1)

    def post(self, path: str, body: bytes, headers: Dict[str, str]) -> None:
        """One POST; the reply is awaited at the fake API, not here."""
        self.client.post(self.base_url + path, content=body, headers=headers)

    def telegram(self, path: str, chat_base: int, headers: Dict[str, str]) -> Callable[[int, str], None]:
        """Deliver a text update for chat `chat_base + conversation`."""
        from tests.fakes import payloads

        def deliver(conversation: int, text: str) -> None:
            update = payloads.telegram_text_update(next(self.ids), chat_base + conversation, text)
            self.post(path, json.dumps(update).encode(), {"Content-Type": "application/json", **headers})

        return deliver

    def slack(self, path: str, prefix: str, signing_secret: str) -> Callable[[int, str], None]:
        """Deliver a signed DM event in channel D<prefix><n> from user U<prefix><n>."""
        from tests.fakes import payloads

        def deliver(conversation: int, text: str) -> None:
            event = payloads.slack_message_event(
                f"Ev{prefix}{next(self.ids)}", text=text,
                channel=f"D{prefix}{conversation:06d}", user=f"U{prefix}{conversation:06d}",
            )
            body = payloads.slack_json_body(event)
            self.post(path, body, payloads.slack_signature_headers(signing_secret, body))

        return deliver

    def sms(self, path: str, phone_prefix: str, secrets, signed_for: Optional[str]) -> Callable[[int, str], None]:
        """Deliver an SMS from <phone_prefix><n>, signed for `signed_for` when given."""
        from urllib.parse import urlencode

        from tests.fakes import payloads

        def deliver(conversation: int, text: str) -> None:
            params = payloads.twilio_sms_params(
                f"SM{phone_prefix[-3:]}{next(self.ids):029d}", text,
                from_number=f"{phone_prefix}{conversation:04d}", account_sid=secrets.account_sid,
            )
            if signed_for:
                body, headers = payloads.twilio_signed_request(secrets.auth_token, signed_for, params)
            else:
                body = urlencode(params).encode()
                headers = {"Content-Type": "application/x-www-form-urlencoded"}
            self.post(path, body, headers)

        return deliver


def our_channels(hooks: Webhooks, fakes, secrets) -> List[Channel]:
    """Our Telegram, Slack and SMS channels on server A."""
    secret_header = {"X-Telegram-Bot-Api-Secret-Token": secrets.telegram_secret}
    return [
        PlatformChannel(
            "telegram (ours)", fakes.telegram,
            hooks.telegram("/webhooks/telegram/webhook", 7_000_000, secret_header),
            reply_to("/sendMessage", "chat_id", "7"),
        ),
        PlatformChannel(
            "slack (ours)", fakes.slack, hooks.slack("/webhooks/slack/events", "A", secrets.slack_secret),
            reply_to("/chat.postMessage", "channel", "DA"),
        ),
        PlatformChannel(
            "sms (ours)", fakes.twilio,
            hooks.sms("/webhooks/sms/webhook", "+1555100", secrets, secrets.sms_public_url),
            reply_to("/Messages.json", "To", "+1555100"),
        ),
    ]


def builtin_channels(hooks: Webhooks, fakes, secrets) -> List[Channel]:
    """Rasa's built-in telegram, slack and twilio connectors on server B."""
    in_dm = reply_to("/chat.postMessage", "channel", "DB")
    to_user = reply_to("/chat.postMessage", "channel", "UB")

    def slack_reply(request) -> Optional[int]:
        conversation = in_dm(request)
        return to_user(request) if conversation is None else conversation

    return [
        PlatformChannel(
            "telegram (Rasa built-in)", fakes.telegram,
            hooks.telegram("/webhooks/telegram/webhook", 8_000_000, {}),
            reply_to("/sendMessage", "chat_id", "8"),
        ),
        PlatformChannel(
            "slack (Rasa built-in)", fakes.slack,
            hooks.slack("/webhooks/slack/webhook", "B", secrets.slack_secret), slack_reply,
        ),
        PlatformChannel(
            "twilio (Rasa built-in)", fakes.twilio,
            hooks.sms("/webhooks/twilio/webhook", "+1555200", secrets, None),
            reply_to("/Messages.json", "To", "+1555200"),
        ),
    ]


def builtin_credentials(secrets) -> Dict[str, Dict[str, str]]:
    """credentials.yml for server B."""
    return {
        "rest": {},
        "telegram": {
            "access_token": secrets.telegram_token,
            "verify": "brightway_bot",
            "webhook_url": "https://bench.example/webhooks/telegram/webhook",
        },
        "slack": {"slack_token": secrets.slack_token, "slack_signing_secret": secrets.slack_secret},
        "twilio": {
            "account_sid": secrets.account_sid,
            "auth_token": secrets.auth_token,
            "twilio_number": secrets.sms_number,
        },
    }


@dataclass
class BuiltinServer:
    """Server B: `rasa run` with the built-in connectors, launched through `serve_builtins`."""

    url: str
    process: subprocess.Popen


def start_builtin_server(model: Path, var_dir: Path, action_url: str, fakes, secrets) -> BuiltinServer:
    """Start server B sending custom actions to `action_url` (server A's action gateway, which runs
    them), with its own tracker store."""
    import yaml

    from bot.launcher.processes import write_endpoints
    from tests.e2e.running_assistant import free_port

    var_dir.mkdir(parents=True, exist_ok=True)
    endpoints = write_endpoints(REPO_ROOT / "endpoints.yml", var_dir / "endpoints.yml", 0, var_dir, action_url)
    credentials = var_dir / "credentials.yml"
    credentials.write_text(yaml.safe_dump(builtin_credentials(secrets)), encoding="utf-8")
    port = free_port()
    command = [
        sys.executable, __file__, "--serve-builtins",
        "--telegram-api", fakes.telegram.url, "--slack-api", fakes.slack.api_url, "--twilio-api", fakes.twilio.url,
        "--", "run", "--model", str(model), "--port", str(port), "--interface", "127.0.0.1",
        "--endpoints", str(endpoints), "--credentials", str(credentials),
    ]
    log = (var_dir / "rasa_builtins.log").open("ab")
    process = subprocess.Popen(command, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    server = BuiltinServer(f"http://127.0.0.1:{port}", process)
    wait_for_rest(server.url, process, var_dir / "rasa_builtins.log")
    return server


def wait_for_rest(url: str, process: subprocess.Popen, log: Path, timeout_s: float = 240) -> None:
    """Wait until the REST channel answers a message (the model is loaded)."""
    import httpx

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server B exited; see {log}")
        try:
            response = httpx.post(f"{url}/webhooks/rest/webhook", json={"sender": "warmup", "message": "hi"}, timeout=30)
            if response.status_code == 200 and response.json():
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"server B did not answer within {timeout_s:.0f} s; see {log}")


def serve_builtins(telegram_api: str, slack_api: str, twilio_api: str, rasa_args: Sequence[str]) -> None:
    """Run `rasa` with its built-in telegram, slack and twilio connectors sending to the fakes.

    Rasa 3.6.21's telegram connector registers its webhook with `asyncio.run` at start-up, which
    leaves aiogram's HTTP session on a closed loop: every update then fails with "Event loop is
    closed" (HTTP 500). The launcher closes that session after registering, so the built-in can
    be measured at all.
    """
    import aiogram.bot.api as aiogram_api
    import rasa.core.channels.slack as rasa_slack
    from rasa.core.channels.telegram import TelegramOutput
    from slack_sdk.web.async_client import AsyncWebClient
    from twilio.http.http_client import TwilioHttpClient

    fake_telegram = aiogram_api.TelegramAPIServer.from_base(telegram_api)
    object.__setattr__(aiogram_api.TELEGRAM_PRODUCTION, "base", fake_telegram.base)
    object.__setattr__(aiogram_api.TELEGRAM_PRODUCTION, "file", fake_telegram.file)
    rasa_slack.AsyncWebClient = functools.partial(AsyncWebClient, base_url=slack_api)
    twilio_origin = urlsplit(twilio_api)
    original_request = TwilioHttpClient.request

    def rebased_request(self, method, url, *args, **kwargs):
        url = urlsplit(url)._replace(scheme=twilio_origin.scheme, netloc=twilio_origin.netloc).geturl()
        return original_request(self, method, url, *args, **kwargs)

    TwilioHttpClient.request = rebased_request
    set_webhook = TelegramOutput.set_webhook

    async def set_webhook_and_release_session(self, *args, **kwargs):
        try:
            return await set_webhook(self, *args, **kwargs)
        finally:
            await self.close()

    TelegramOutput.set_webhook = set_webhook_and_release_session
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *rasa_args]
    rasa_main()


def table(measurements: Sequence[Measurement]) -> str:
    """A Markdown table with ratios against REST on the same server.

    "paired p50 / REST" is the median over rounds of (the channel's p50 in that round / REST's p50
    in the same round), with the lowest and highest round: slow drift in machine load cancels out
    of it, unlike the ratio of whole-run p50s. "CPU / REST" compares the server process's CPU time
    per turn, the adapter's own cost, which other work on the machine changes less than latency.
    "bench CPU" is this process's (load client and fake platform APIs) per turn: on a real
    deployment the platform's side of each reply runs on the platform's machines, not ours.
    """
    rest = {m.server: m for m in measurements if m.channel == "rest"}
    lines = [
        "| channel | server | turns | p50 ms | p95 ms | p99 ms | turns/s | p50 / REST | paired p50 / REST (range) "
        "| throughput / REST | server CPU ms/turn | CPU / REST | bench CPU ms/turn |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for m in measurements:
        base = rest[m.server]
        paired = sorted(own / ref for own, ref in zip(m.round_p50s, base.round_p50s))
        cpu_ratio = f"{m.cpu_ms_per_turn / base.cpu_ms_per_turn:.2f}" if base.cpu_ms_per_turn else "n/a"
        lines.append(
            f"| {m.channel} | {m.server} | {len(m.latencies)} | {m.percentile(0.5):.0f} | {m.percentile(0.95):.0f} "
            f"| {m.percentile(0.99):.0f} | {m.throughput:.2f} | {m.percentile(0.5) / base.percentile(0.5):.2f} "
            f"| {statistics.median(paired):.2f} ({paired[0]:.2f}–{paired[-1]:.2f}) "
            f"| {m.throughput / base.throughput:.2f} | {m.cpu_ms_per_turn:.1f} | {cpu_ratio} "
            f"| {m.rig_cpu_ms_per_turn:.1f} |"
        )
    return "\n".join(lines)


def run_bench(conversations: int, messages: int, rounds: int, with_builtins: bool) -> List[Measurement]:
    """Start everything, measure every channel, stop everything."""
    from bot.launcher.processes import train
    from tests.fakes.channel_assistant import PlatformSecrets, assistant_with_channels, platform_fakes

    script = list(itertools.islice(itertools.cycle(SCRIPT), messages))
    secrets = PlatformSecrets()
    model = train(REPO_ROOT / "models")
    lifted = {"TELEGRAM_PACE_PER_SECOND": "1000", "SLACK_PACE_PER_SECOND": "1000"}
    results: List[Measurement] = []
    with tempfile.TemporaryDirectory(prefix="channels-bench-") as folder, platform_fakes(secrets) as fakes:
        with assistant_with_channels(model, Path(folder) / "a", secrets, fakes, lifted) as assistant:
            hooks = Webhooks(assistant.url)
            ours = [RestChannel(hooks, "a"), *our_channels(hooks, fakes, secrets)]
            rasa_cpu = ProcessCpu(assistant.processes.process_id("Rasa server"))
            results.extend(measure_interleaved(ours, "A", conversations, script, rounds, rasa_cpu))
            hooks.client.close()
            if with_builtins:
                server = start_builtin_server(
                    model, Path(folder) / "b", f"{assistant.url}/webhooks/action_gateway/webhook", fakes, secrets
                )
                try:
                    hooks = Webhooks(server.url)
                    builtins = [RestChannel(hooks, "b"), *builtin_channels(hooks, fakes, secrets)]
                    builtin_cpu = ProcessCpu(server.process.pid)
                    results.extend(measure_interleaved(builtins, "B", conversations, script, rounds, builtin_cpu))
                    hooks.client.close()
                finally:
                    server.process.terminate()
                    server.process.wait(30)
    return results


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conversations", type=int, default=4, help="concurrent conversations (N)")
    parser.add_argument("--messages", type=int, default=len(SCRIPT), help="messages per conversation (M)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds over the channels")
    parser.add_argument("--skip-builtins", action="store_true", help="do not start server B")
    parser.add_argument("--json", type=Path, help="also write the raw latencies here")
    parser.add_argument("--serve-builtins", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--telegram-api", help=argparse.SUPPRESS)
    parser.add_argument("--slack-api", help=argparse.SUPPRESS)
    parser.add_argument("--twilio-api", help=argparse.SUPPRESS)
    parser.add_argument("rasa_args", nargs="*", help=argparse.SUPPRESS)
    arguments = parser.parse_args(argv)
    if arguments.serve_builtins:
        serve_builtins(arguments.telegram_api, arguments.slack_api, arguments.twilio_api, arguments.rasa_args)
        return 0
    results = run_bench(
        arguments.conversations, arguments.messages, arguments.rounds, not arguments.skip_builtins
    )
    print(
        f"{arguments.conversations} concurrent conversations x {arguments.messages} messages x "
        f"{arguments.rounds} interleaved rounds, {os.cpu_count()} CPUs"
    )
    print(table(results))
    if arguments.json:
        arguments.json.write_text(json.dumps([m.__dict__ for m in results], indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
