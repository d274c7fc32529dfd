"""The review app in Chromium on a 375px phone screen, and what a browser sees when its session or form
has expired: pages with a way on, and the reply that could not be sent.

Uses the app, demo data, live server and browser of `test_browser`.
"""

from __future__ import annotations

from typing import Iterator, List

import pytest
from playwright.sync_api import Browser, Page, expect

from bot.handoff.store import Handoff
from tests.review_app.test_browser import (  # noqa: F401  (pytest fixtures)
    app, browser, demo, live, log_in, rasa_url, review_config, shot,
)
from tests.review_app.web_client import LEAD_PASSWORD

pytestmark = pytest.mark.slow

PHONE_WIDTH = 375
PHONE_PAGES = ("/handoffs", "/conversations", "/console", "/metrics")


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    """A fresh browser context (own cookies) and page with a 375px wide phone screen."""
    context = browser.new_context(viewport={"width": PHONE_WIDTH, "height": 800}, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh desktop browser context and page."""
    context = browser.new_context(viewport={"width": 1360, "height": 900})
    yield context.new_page()
    context.close()


def page_width(page: Page) -> int:
    """How wide the document is: wider than the screen means the whole page scrolls sideways."""
    return int(page.evaluate("document.documentElement.scrollWidth"))


def test_lead_pages_fit_a_phone_and_tables_scroll_inside_themselves(phone: Page, live: str,
                                                                    demo: List[Handoff]) -> None:
    log_in(phone, live, "lea")
    expect(phone).to_have_url(f"{live}/handoffs")
    widths = {}
    for path in PHONE_PAGES:
        phone.goto(f"{live}{path}")
        phone.wait_for_load_state("load")
        widths[path] = page_width(phone)
    assert widths == {path: PHONE_WIDTH for path in PHONE_PAGES}

    phone.goto(f"{live}/console")
    queue = phone.locator("#queue")
    assert queue.evaluate("table => table.scrollWidth > table.clientWidth"), "the queue should scroll on its own"
    claim = queue.locator("button", has_text="Claim").first
    claim.scroll_into_view_if_needed()
    expect(claim).to_be_in_viewport()
    assert phone.locator("header.top").evaluate("header => header.getBoundingClientRect().width") == PHONE_WIDTH
    shot(phone, "phone-console")


def test_transcript_login_and_console_handoff_fit_a_phone(phone: Page, live: str, demo: List[Handoff]) -> None:
    phone.goto(f"{live}/login")
    assert page_width(phone) == PHONE_WIDTH
    log_in(phone, live, "lea")
    waiting = next(handoff for handoff in demo if handoff.status == "open")
    for path in (f"/handoffs/{waiting.id}", f"/console/{waiting.id}"):
        phone.goto(f"{live}{path}")
        phone.wait_for_load_state("load")
        assert page_width(phone) == PHONE_WIDTH, path


def test_a_reply_sent_after_the_session_ended_is_shown_back_with_a_way_to_log_in_again(
        browser: Browser, page: Page, live: str, demo: List[Handoff]) -> None:
    waiting = next(handoff for handoff in demo if handoff.status == "open")
    log_in(page, live, "adam")
    page.goto(f"{live}/console/{waiting.id}")
    page.fill("#reply-form textarea", "Your parcel leaves the depot today.")
    other = browser.new_context().new_page()
    log_in(other, live, "adam")
    other.goto(f"{live}/logout")
    other.click("#log-out button")
    expect(other).to_have_url(f"{live}/login")
    other.context.close()

    page.click("#reply-form button")

    expect(page.locator("h1")).to_have_text("You are not logged in")
    expect(page.locator("#typed-text textarea")).to_have_value("Your parcel leaves the depot today.")
    shot(page, "session-ended")
    page.click("#log-in-again")
    page.fill("input[name=username]", "adam")
    page.fill("input[name=password]", LEAD_PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{live}/console/{waiting.id}")
    expect(page.locator("#reply-form textarea")).to_be_visible()
