"""`RedisTicketLockStore` against a real Redis: one holder at a time, in arrival order, across
separate clients (as separate Rasa instances would be), surviving crashes and Redis restarts.
Also the reproduction of Rasa 3.6's `RedisLockStore` race (RasaHQ/rasa#9213) it replaces."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Dict, List

import pytest
from rasa.core.lock_store import LockError, LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig
from redis.exceptions import RedisError

from bot.server.lock_store import LockSettings, RedisTicketLockStore
from tests.local_services import RedisServer, free_port
from tests.service_fixtures import own_redis_server, redis_server, service_root  # noqa: F401  (fixtures)

FAST = LockSettings(lock_lifetime=0.5, poll_interval=0.002, poll_interval_max=0.01, redis_retry_seconds=0.5)


def make_store(server: RedisServer, settings: LockSettings = FAST, prefix: str = "t") -> RedisTicketLockStore:
    """A lock store with its own Redis client, as one Rasa instance would have."""
    return RedisTicketLockStore(url=server.url(), key_prefix=prefix, settings=settings)


class Ledger:
    """Records who is inside the critical section, to catch overlaps and order."""

    def __init__(self) -> None:
        """Nobody inside yet."""
        self.inside = 0
        self.overlaps = 0
        self.entered: List[int] = []

    async def visit(self, who: int, seconds: float) -> None:
        """Enter, stay `seconds`, leave."""
        self.inside += 1
        self.overlaps += self.inside > 1
        self.entered.append(who)
        await asyncio.sleep(seconds)
        self.inside -= 1


def test_rasa_redis_lock_store_gives_two_instances_the_same_ticket(redis_server: RedisServer) -> None:
    """The race, step by step: both instances read the lock before either writes it back."""
    first = RedisLockStore(host="127.0.0.1", port=redis_server.port, db=2, key_prefix="race")
    second = RedisLockStore(host="127.0.0.1", port=redis_server.port, db=2, key_prefix="race")
    lock_seen_by_first = first.get_or_create_lock("c1")
    lock_seen_by_second = second.get_or_create_lock("c1")
    ticket_first = lock_seen_by_first.issue_ticket(60)
    first.save_lock(lock_seen_by_first)
    ticket_second = lock_seen_by_second.issue_ticket(60)
    second.save_lock(lock_seen_by_second)

    assert ticket_first == ticket_second
    stored = first.get_lock("c1")
    assert stored is not None
    assert not stored.is_locked(ticket_first) and not stored.is_locked(ticket_second)
    first.delete_lock("c1")


def _hammer_from_threads(stores: List[LockStore], conversation: str, per_thread: int) -> Dict[str, int]:
    """Each store runs in its own thread and event loop, as in its own process; bounded to 20 s."""
    ledger = Ledger()
    failures: List[BaseException] = []
    guard = threading.Lock()
    stop = threading.Event()

    async def one_instance(store: LockStore) -> None:
        for _ in range(per_thread):
            if stop.is_set():
                break
            try:
                async with store.lock(conversation, lock_lifetime=2, wait_time_in_seconds=0.005):
                    with guard:
                        ledger.inside += 1
                        ledger.overlaps += ledger.inside > 1
                    await asyncio.sleep(0.002)
                    with guard:
                        ledger.inside -= 1
            except (LockError, RedisError) as error:
                failures.append(error)
        if isinstance(store, RedisTicketLockStore):
            await store.close()

    threads = [
        threading.Thread(target=asyncio.run, args=(one_instance(store),), daemon=True) for store in stores
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 20
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
    stuck = sum(thread.is_alive() for thread in threads)
    stop.set()
    for thread in threads:
        thread.join(timeout=15)  # a stuck instance ends within a lock lifetime; none may outlive Redis
    return {"overlaps": ledger.overlaps, "lock_errors": len(failures), "stuck_instances": stuck}


@pytest.mark.slow
def test_rasa_redis_lock_store_lets_instances_overlap_under_load(redis_server: RedisServer) -> None:
    """Four instances hammering one conversation with Rasa's store: overlaps, refusals or stalls.

    A race shows up in most rounds, not all (about 1 in 20 rounds went clean here), so up to
    five rounds run, each on a fresh conversation, until one shows it.
    """
    outcomes = []
    for round_number in range(5):
        stores: List[LockStore] = [
            RedisLockStore(host="127.0.0.1", port=redis_server.port, db=3, key_prefix="rasa") for _ in range(4)
        ]
        outcomes.append(_hammer_from_threads(stores, f"hammered-{round_number}", per_thread=6))
        if sum(outcomes[-1].values()) > 0:
            break

    assert sum(outcomes[-1].values()) > 0, outcomes


@pytest.mark.slow
def test_ticket_lock_store_never_overlaps_under_the_same_load(redis_server: RedisServer) -> None:
    """The same load on `RedisTicketLockStore`: no overlap, no message refused, nobody stuck."""
    stores: List[LockStore] = [make_store(redis_server, prefix="ours") for _ in range(4)]
    outcome = _hammer_from_threads(stores, "hammered", per_thread=6)

    assert outcome == {"overlaps": 0, "lock_errors": 0, "stuck_instances": 0}


def test_two_instances_take_turns_in_arrival_order(redis_server: RedisServer) -> None:
    asyncio.run(_two_instances_take_turns_in_arrival_order(redis_server))


async def _two_instances_take_turns_in_arrival_order(redis_server: RedisServer) -> None:
    first, second = make_store(redis_server), make_store(redis_server)
    await first.ping() and await second.ping()
    ledger = Ledger()

    async def message(number: int) -> None:
        store = first if number % 2 else second
        async with store.lock("c-order"):
            await ledger.visit(number, 0.01)

    tasks = []
    for number in range(12):
        tasks.append(asyncio.ensure_future(message(number)))
        await asyncio.sleep(0.005)
    await asyncio.gather(*tasks)

    assert ledger.overlaps == 0
    assert ledger.entered == list(range(12))
    await first.close()
    await second.close()


def test_different_conversations_do_not_wait_for_each_other(redis_server: RedisServer) -> None:
    asyncio.run(_different_conversations_do_not_wait_for_each_other(redis_server))


async def _different_conversations_do_not_wait_for_each_other(redis_server: RedisServer) -> None:
    store = make_store(redis_server)
    async with store.lock("c-a"):
        await asyncio.wait_for(_enter_and_leave(store, "c-b"), timeout=1)
    await store.close()


def test_an_uncontended_lock_costs_one_round_trip_to_take_and_one_to_give_back(own_redis_server: RedisServer) -> None:
    """Counted in the server's command statistics, so on a Redis of its own."""
    asyncio.run(_an_uncontended_lock_costs_two_round_trips(own_redis_server))


async def _an_uncontended_lock_costs_two_round_trips(redis_server: RedisServer) -> None:
    import redis.asyncio as redis_asyncio

    store = make_store(redis_server, prefix="round-trips")
    observer = redis_asyncio.from_url(redis_server.url())
    await _enter_and_leave(store, "c-warm")  # the scripts get loaded into Redis once
    await observer.config_resetstat()
    await _enter_and_leave(store, "c-counted")
    stats = await observer.info("commandstats")
    assert {name: stats[name]["calls"] for name in stats if name.startswith("cmdstat_eval")} == {"cmdstat_evalsha": 2}
    assert await observer.keys("round-trips:*") == []
    await observer.close()
    await observer.connection_pool.disconnect()
    await store.close()


async def _enter_and_leave(store: RedisTicketLockStore, conversation: str) -> None:
    async with store.lock(conversation):
        pass


async def _hold(store: RedisTicketLockStore, conversation: str, inside: asyncio.Event, release: asyncio.Event) -> None:
    """Take the lock, say so, and keep it until told to let go."""
    async with store.lock(conversation):
        inside.set()
        await release.wait()


def test_a_crashed_holders_ticket_lapses_after_the_lifetime(redis_server: RedisServer) -> None:
    asyncio.run(_a_crashed_holders_ticket_lapses_after_the_lifetime(redis_server))


async def _a_crashed_holders_ticket_lapses_after_the_lifetime(redis_server: RedisServer) -> None:
    crashed, survivor = make_store(redis_server), make_store(redis_server)
    keys = crashed._keys("c-crash")
    await crashed._wait_for_turn("c-crash", "dead-instance", keys)

    started = asyncio.get_running_loop().time()
    await asyncio.wait_for(_enter_and_leave(survivor, "c-crash"), timeout=5)
    waited = asyncio.get_running_loop().time() - started

    assert FAST.lock_lifetime * 0.8 <= waited < FAST.lock_lifetime * 4
    await crashed.close()
    await survivor.close()


def test_a_slow_live_holder_keeps_its_turn_past_the_lifetime(redis_server: RedisServer) -> None:
    asyncio.run(_a_slow_live_holder_keeps_its_turn_past_the_lifetime(redis_server))


async def _a_slow_live_holder_keeps_its_turn_past_the_lifetime(redis_server: RedisServer) -> None:
    first, second = make_store(redis_server), make_store(redis_server)
    ledger = Ledger()
    first_inside = asyncio.Event()

    async def slow() -> None:
        async with first.lock("c-slow"):
            first_inside.set()
            await ledger.visit(1, FAST.lock_lifetime * 3)

    async def next_in_line() -> None:
        await first_inside.wait()
        async with second.lock("c-slow"):
            await ledger.visit(2, 0)

    await asyncio.gather(slow(), next_in_line())

    assert ledger.overlaps == 0 and ledger.entered == [1, 2]
    assert first.lost_locks == 0
    await first.close()
    await second.close()


def test_a_message_given_up_while_waiting_does_not_block_the_queue(redis_server: RedisServer) -> None:
    asyncio.run(_a_message_given_up_while_waiting_does_not_block_the_queue(redis_server))


async def _a_message_given_up_while_waiting_does_not_block_the_queue(redis_server: RedisServer) -> None:
    store = make_store(redis_server, LockSettings(lock_lifetime=30, poll_interval=0.002))
    holder_inside, release_holder = asyncio.Event(), asyncio.Event()
    holding = asyncio.ensure_future(_hold(store, "c-cancel", holder_inside, release_holder))
    await holder_inside.wait()
    impatient = asyncio.ensure_future(_enter_and_leave(store, "c-cancel"))
    await asyncio.sleep(0.05)
    impatient.cancel()
    release_holder.set()
    await holding

    await asyncio.wait_for(_enter_and_leave(store, "c-cancel"), timeout=1)
    await store.close()


def test_waiting_messages_get_through_a_redis_restart(own_redis_server: RedisServer) -> None:
    asyncio.run(_waiting_messages_get_through_a_redis_restart(own_redis_server))


async def _waiting_messages_get_through_a_redis_restart(server: RedisServer) -> None:
    store = make_store(server, LockSettings(lock_lifetime=5, poll_interval=0.01, redis_retry_seconds=10))
    holder_inside, release_holder = asyncio.Event(), asyncio.Event()
    holding = asyncio.ensure_future(_hold(store, "c-restart", holder_inside, release_holder))
    await holder_inside.wait()
    waiting = asyncio.ensure_future(_enter_and_leave(store, "c-restart"))
    await asyncio.sleep(0.05)
    await asyncio.to_thread(server.restart)
    await asyncio.wait_for(waiting, timeout=10)
    release_holder.set()
    await holding

    assert store.rejoins >= 1
    await store.close()


def test_redis_away_for_too_long_refuses_with_a_clear_error() -> None:
    asyncio.run(_redis_away_for_too_long_refuses_with_a_clear_error())


async def _redis_away_for_too_long_refuses_with_a_clear_error() -> None:
    store = RedisTicketLockStore(url=f"redis://127.0.0.1:{free_port()}/0", settings=LockSettings(redis_retry_seconds=0.3))

    with pytest.raises(LockError, match="unreachable"):
        await _enter_and_leave(store, "c-down")
    assert not await store.ping()


def test_rasa_builds_it_from_endpoints(redis_server: RedisServer) -> None:
    config = EndpointConfig(
        type="bot.server.lock_store.RedisTicketLockStore", url=redis_server.url(1), lock_lifetime=5, key_prefix="bw"
    )

    store = LockStore.create(config)

    assert isinstance(store, RedisTicketLockStore)
    assert store.settings.lock_lifetime == 5
    assert store.key_prefix == "bw:lock:"


def test_endpoints_without_url_or_with_bad_numbers_fail_at_start() -> None:
    with pytest.raises(ValueError, match="url"):
        RedisTicketLockStore(EndpointConfig(type="bot.server.lock_store.RedisTicketLockStore"))
    with pytest.raises(ValueError, match="lock_lifetime"):
        RedisTicketLockStore(EndpointConfig(url="redis://127.0.0.1:1/0", lock_lifetime=0))
