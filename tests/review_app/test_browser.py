"""The review app in Debian's Chromium (Playwright): log in, filter, transcripts, exports, metrics,
the agent console, and hostile customer text that must render as text and run nothing.

Screenshots go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Iterator, List

import pytest
from argon2 import PasswordHasher
from playwright.sync_api import Browser, Page, expect, sync_playwright
from starlette.applications import Starlette

from bot.clock import system_clock
from bot.handoff.store import Handoff, HandoffStore
from bot.records.nps_store import NpsStore
from bot.settings import REPO_ROOT
from review_app.config import ReviewConfig
from tests.builders import ManualClock
from tests.review_app.conftest import build_app
from tests.review_app.sample_conversations import (
    IMG_TAG, SCRIPT_TAG, TrackerDatabase, frustrated_conversation, open_handoff,
)
from tests.review_app.demo_data import populate
from tests.review_app.fake_rasa_api import BOT_BACK_TEXT, FakeRasaApi
from tests.review_app.live_server import serve
from tests.review_app.web_client import LEAD_PASSWORD

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = REPO_ROOT / "test-artifacts" / "screenshots"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium (installed by scripts/install_system_packages.sh)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/install_system_packages.sh (make test does).")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def rasa_url(fake_rasa: FakeRasaApi) -> str:
    """The console talks to the fake Rasa server."""
    return fake_rasa.url


@pytest.fixture
def review_config(review_config: ReviewConfig) -> ReviewConfig:
    """The normal page size."""
    return dataclasses.replace(review_config, page_size=25)


@pytest.fixture
def app(review_config: ReviewConfig, hasher: PasswordHasher) -> Starlette:
    """The real app on the system clock, as in production."""
    return build_app(review_config, system_clock, hasher)


@pytest.fixture
def demo(app: Starlette, tracker_db: TrackerDatabase) -> List[Handoff]:
    """A fortnight of data ending now, written through the real stores."""
    engine = app.state.services.engine
    writer_clock = ManualClock()
    handoffs = HandoffStore(engine, writer_clock)
    return populate(handoffs, NpsStore(engine, 24, writer_clock), tracker_db, writer_clock, system_clock())


@pytest.fixture
def live(app: Starlette, demo: List[Handoff]) -> Iterator[str]:
    """The app served by uvicorn on loopback."""
    with serve(app) as url:
        yield url


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context (own cookies) and page."""
    context = browser.new_context(viewport={"width": 1360, "height": 900}, accept_downloads=True)
    yield context.new_page()
    context.close()


def log_in(page: Page, url: str, username: str) -> None:
    """Fill in and submit the login form."""
    page.goto(f"{url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", LEAD_PASSWORD)
    page.click("button[type=submit]")


def shot(page: Page, name: str) -> None:
    """Save a full-page screenshot as a test artefact."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_lead_filters_opens_a_transcript_tags_it_and_exports(page: Page, live: str, demo: List[Handoff]) -> None:
    page.goto(f"{live}/handoffs")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    log_in(page, live, "lea")
    expect(page).to_have_url(f"{live}/handoffs")
    expect(page.locator("#status-counts")).to_contain_text(f"showing {len(demo)}")
    shot(page, "handoff-list")

    page.select_option("select[name=channel]", "sms")
    page.select_option("select[name=status]", "resolved")
    page.click("#handoff-filters button[type=submit]")
    rows = page.locator("#handoff-list tbody tr")
    expected = [h for h in demo if h.channel == "sms" and h.status == "resolved"]
    expect(rows).to_have_count(len(expected))
    for cell in rows.locator("td:nth-child(4)").all_inner_texts():
        assert cell == "sms"

    page.click("text=Clear")
    page.select_option("select[name=reason]", label="asked for a person")
    page.click("#handoff-filters button[type=submit]")
    expect(page).to_have_url(re.compile(r"reason=customer_asked"))
    reasons = rows.locator("td:nth-child(6)").all_inner_texts()
    assert reasons and set(reasons) == {"asked for a person"}
    assert "customer_asked" not in page.locator("main").inner_text()

    page.click("text=Clear")
    page.fill("input[name=q]", "refund ridiculous")
    page.select_option("select[name=status]", "resolved")
    page.click("#handoff-filters button[type=submit]")
    page.locator("#handoff-list tbody a").first.click()
    expect(page.locator("li.tipping")).to_have_count(1)
    expect(page.locator("li.tipping")).to_contain_text("tipped the handoff")
    expect(page.locator("li.agent")).to_contain_text("here. I'm looking into it now.")
    expect(page.locator("#time-to-human")).not_to_have_text("—")

    page.fill("#add-tag input[name=tag]", "refund delay")
    page.click("#add-tag button")
    expect(page.locator("#tags")).to_contain_text("refund delay")
    page.fill("#add-note textarea", "Refund chased twice before the handoff.")
    page.click("#add-note button")
    expect(page.locator("#notes li").first).to_contain_text("Refund chased twice before the handoff.")
    expect(page.locator("#notes li").first).to_contain_text("lea,")
    shot(page, "transcript")

    with page.expect_download() as download_info:
        page.click("#export-json")
    exported = Path(download_info.value.path()).read_text(encoding="utf-8")
    assert '"role": "agent"' in exported and "07700" not in exported and "sam@example.com" not in exported


def test_lead_reviews_conversations_and_exports_nlu_candidates(page: Page, live: str) -> None:
    log_in(page, live, "lea")
    page.goto(f"{live}/conversations")
    page.check("input[name=low_confidence]")
    page.click("#conversation-filters button[type=submit]")
    rows = page.locator("#conversation-list tbody tr")
    expect(rows.first).to_contain_text("lost-")
    count = rows.count()
    rows.first.locator("button", has_text="Mark reviewed").click()
    expect(page.locator("#conversation-list button.reviewed")).to_have_count(1)
    shot(page, "conversations")
    with page.expect_download() as download_info:
        page.click("#nlu-export")
    yaml_text = Path(download_info.value.path()).read_text(encoding="utf-8")
    assert yaml_text.count("blorp wibble number") == count
    assert "- intent: choose_intent__product_question_guess" in yaml_text
    assert "- intent: product_question" not in yaml_text


def test_metrics_page_shows_plots(page: Page, live: str, demo: List[Handoff]) -> None:
    log_in(page, live, "lea")
    page.goto(f"{live}/metrics")
    expect(page.locator("#total-handoffs")).to_have_text(str(len(demo)))
    images = page.locator(".plots img")
    expect(images).to_have_count(5)
    page.wait_for_load_state("networkidle")
    widths = images.evaluate_all("(imgs) => imgs.map((img) => img.complete ? img.naturalWidth : 0)")
    assert all(width > 0 for width in widths), widths
    shot(page, "metrics")


def test_agents_claim_reply_and_resolve_and_a_second_agent_sees_who_has_it(
        browser: Browser, page: Page, live: str, demo: List[Handoff], fake_rasa: FakeRasaApi) -> None:
    active = [handoff.id for handoff in sorted(demo, key=lambda h: h.created_at) if handoff.status != "resolved"]
    oldest = next(handoff for handoff in demo if handoff.status == "open")
    log_in(page, live, "adam")
    expect(page).to_have_url(f"{live}/console")
    assert [text.strip() for text in page.locator("#queue tbody td:first-child").all_inner_texts()] == active
    shot(page, "console-queue")
    page.locator("#queue tbody tr", has_text=oldest.id).locator("button", has_text="Claim").click()
    expect(page.locator(".flash")).to_contain_text(f"You have {oldest.id}")

    other = browser.new_context().new_page()
    log_in(other, live, "bea")
    other.goto(f"{live}/console/{oldest.id}")
    expect(other.locator("#claimed-by")).to_have_text("adam")
    expect(other.locator("#reply-form")).to_have_count(0)
    other.context.close()

    page.fill("#reply-form textarea", "Hi, Adam here. I can see the order; it ships today.")
    page.click("#reply-form button")
    expect(page.locator(".flash")).to_contain_text("Reply sent to the customer.")
    expect(page.locator("li.agent").last).to_contain_text("Hi, Adam here.")
    assert fake_rasa.agent_messages(oldest.conversation_id)[-1]["metadata"] == {"agent": "adam"}
    shot(page, "console-handoff")
    page.fill("#resolve-form input[name=note]", "Shipping date confirmed.")
    page.click("#resolve-form button")
    expect(page.locator(".flash")).to_contain_text(f"{oldest.id} resolved")
    expect(page.locator("#queue")).not_to_contain_text(oldest.id)
    page.goto(f"{live}/console/{oldest.id}")
    expect(page.locator("li.bot").last).to_contain_text(BOT_BACK_TEXT)


def test_two_agents_clicking_claim_at_once_one_wins(browser: Browser, page: Page, live: str,
                                                    demo: List[Handoff]) -> None:
    target = [handoff for handoff in demo if handoff.status == "open"][1]
    second = browser.new_context().new_page()
    for agent_page, name in ((page, "adam"), (second, "bea")):
        log_in(agent_page, live, name)
        agent_page.goto(f"{live}/console/{target.id}")
    page.click("#claim-form button", no_wait_after=True)
    second.click("#claim-form button", no_wait_after=True)
    page.wait_for_load_state()
    second.wait_for_load_state()
    messages = [p.locator(".flash").inner_text() for p in (page, second)]
    winners = [m for m in messages if m.startswith(f"You have {target.id}")]
    losers = [m for m in messages if "is already being handled by" in m]
    assert len(winners) == 1 and len(losers) == 1, messages
    second.context.close()


def test_hostile_customer_text_renders_as_text_and_runs_nothing(page: Page, live: str, app: Starlette,
                                                                tracker_db: TrackerDatabase) -> None:
    hostile = f"{SCRIPT_TAG} {IMG_TAG}"
    store = app.state.services.handoffs
    events = frustrated_conversation(system_clock(), channel="sms", first=hostile, last=f"{hostile} useless!!!")
    tracker_db.add("hostile", events)
    handoff = open_handoff(store, "hostile", events, channel="sms", customer_name=IMG_TAG)
    dialogs: List[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(page, live, "lea")
    for path in (f"/handoffs/{handoff.id}", "/handoffs?q=onerror", "/conversations/view?id=hostile",
                 f"/console/{handoff.id}", "/console"):
        page.goto(f"{live}{path}")
        page.wait_for_load_state("load")
        assert page.evaluate("document.querySelectorAll('main img, main script').length") == 0, path
        assert SCRIPT_TAG in page.inner_text("main") or IMG_TAG in page.inner_text("main"), path
    page.goto(f"{live}/handoffs/{handoff.id}")
    expect(page.locator("li.tipping p.text")).to_have_text(f"{hostile} useless!!!")
    shot(page, "hostile-transcript")
    assert dialogs == []
