"""Dedupe and the TTL store on a real SQLite file (and Redis when a server binary is installed)."""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import Dict, Iterator

import pytest

from channels.dedupe import Deduplicator
from channels.runtime import ChannelRuntime
from channels.ttl_store import RedisTtlStore, StoreUnavailable
from tests.fakes.clock import FakeClock


def test_first_delivery_is_claimed_once_and_retries_are_dropped(channel_env: Dict[str, str]):
    runtime = ChannelRuntime.start(channel_env, FakeClock())

    async def scenario():
        results = [await runtime.dedupe.is_first_delivery("telegram", "1001") for _ in range(3)]
        other = await runtime.dedupe.is_first_delivery("slack", "1001")
        await runtime.close()
        return results, other

    results, other = asyncio.run(scenario())
    assert results == [True, False, False]
    assert other is True


def test_two_instances_on_the_same_file_claim_once(channel_env: Dict[str, str]):
    first, second = ChannelRuntime.start(channel_env), ChannelRuntime.start(channel_env)

    async def scenario():
        claims = await asyncio.gather(
            *[runtime.dedupe.is_first_delivery("sms", "SM1") for runtime in [first, second] * 10]
        )
        await first.close()
        await second.close()
        return claims

    assert sorted(asyncio.run(scenario())) == [False] * 19 + [True]


def test_claims_expire_after_the_ttl(channel_env: Dict[str, str]):
    clock = FakeClock()
    runtime = ChannelRuntime.start({**channel_env, "BRIGHTWAY_DEDUPE_TTL_SECONDS": "60"}, clock)

    async def scenario():
        first = await runtime.dedupe.is_first_delivery("slack", "Ev1")
        clock.advance(59)
        within = await runtime.dedupe.is_first_delivery("slack", "Ev1")
        clock.advance(2)
        after = await runtime.dedupe.is_first_delivery("slack", "Ev1")
        await runtime.close()
        return first, within, after

    assert asyncio.run(scenario()) == (True, False, True)


def test_a_refused_add_leaves_the_live_entry_and_an_expired_one_is_taken_once(channel_env: Dict[str, str]):
    clock = FakeClock()
    first, second = ChannelRuntime.start(channel_env, clock), ChannelRuntime.start(channel_env, clock)

    async def scenario():
        claimed = await first.ttl_store.add("button:1", "/affirm", 10)
        refused = await second.ttl_store.add("button:1", "/deny", 10)
        live = await first.ttl_store.get("button:1")
        clock.advance(11)
        retaken = [await runtime.ttl_store.add("button:1", value, 10) for runtime, value in
                   [(second, "/deny"), (first, "/affirm")]]
        now_live = await first.ttl_store.get("button:1")
        await first.close()
        await second.close()
        return claimed, refused, live, retaken, now_live

    assert asyncio.run(scenario()) == (True, False, "/affirm", [True, False], "/deny")


def test_claims_survive_a_restart(channel_env: Dict[str, str], tmp_path: Path):
    async def claim() -> bool:
        runtime = ChannelRuntime.start(channel_env)
        claimed = await runtime.dedupe.is_first_delivery("telegram", "77")
        await runtime.close()
        return claimed

    assert asyncio.run(claim()) is True
    assert asyncio.run(claim()) is False
    assert (tmp_path / "channels.db").exists()


def test_ttl_store_put_get_and_expiry(channel_env: Dict[str, str]):
    clock = FakeClock()
    runtime = ChannelRuntime.start(channel_env, clock)
    store = runtime.ttl_store

    async def scenario():
        await store.put("k", "one", 10)
        await store.put("k", "two", 10)
        value = await store.get("k")
        clock.advance(11)
        expired = await store.get("k")
        await runtime.close()
        return value, expired

    assert asyncio.run(scenario()) == ("two", None)


def test_an_unreachable_database_is_reported_as_unavailable(channel_env: Dict[str, str], tmp_path: Path):
    runtime = ChannelRuntime.start(channel_env)
    runtime.engine.dispose()
    for leftover in tmp_path.glob("channels.db*"):
        leftover.unlink()
    (tmp_path / "channels.db").mkdir()

    async def scenario():
        with pytest.raises(StoreUnavailable):
            await Deduplicator(runtime.ttl_store, 60).is_first_delivery("sms", "SM2")
        await runtime.close()

    asyncio.run(scenario())


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A throwaway redis-server on a loopback port."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server) - Redis store not tested")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(10)


def test_redis_store_claims_once_across_clients(redis_url: str, channel_env: Dict[str, str]):
    async def scenario():
        stores = [RedisTtlStore(redis_url), RedisTtlStore(redis_url)]
        claims = await asyncio.gather(
            *[Deduplicator(store, 60).is_first_delivery("slack", "EvR") for store in stores * 5]
        )
        await stores[0].put("greeting", "hello", 60)
        value = await stores[1].get("greeting")
        for store in stores:
            await store.close()
        return claims, value

    claims, value = asyncio.run(scenario())
    assert sorted(claims) == [False] * 9 + [True]
    assert value == "hello"


def test_runtime_uses_redis_for_a_redis_dedupe_url(redis_url: str, channel_env: Dict[str, str]):
    runtime = ChannelRuntime.start({**channel_env, "BRIGHTWAY_DEDUPE_URL": redis_url})
    assert isinstance(runtime.ttl_store, RedisTtlStore)

    async def scenario():
        result = [await runtime.dedupe.is_first_delivery("sms", "SMX") for _ in range(2)]
        await runtime.close()
        return result

    assert asyncio.run(scenario()) == [True, False]
