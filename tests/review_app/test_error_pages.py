"""What a browser gets when a check fails (review_app/guards.py) or there is no such page
(review_app/server.py): the app's own page with a way on, and any text a refused form held; other
clients keep the plain-text answers."""

from __future__ import annotations

from typing import Callable, Dict

import httpx
import pytest
from starlette.testclient import TestClient

from bot.handoff.store import Handoff, HandoffStore
from tests.builders import ManualClock
from tests.review_app.fake_rasa_api import FakeRasaApi
from tests.review_app.sample_conversations import TrackerDatabase, frustrated_conversation, open_handoff
from tests.review_app.web_client import csrf_from, log_in, submit

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
REPLY = "Your refund <b>is</b> on its way & arrives Friday."


@pytest.fixture
def rasa_url(fake_rasa: FakeRasaApi) -> str:
    """The console talks to the fake Rasa server."""
    return fake_rasa.url


@pytest.fixture
def waiting(handoffs: HandoffStore, tracker_db: TrackerDatabase, clock: ManualClock) -> Handoff:
    """A customer waiting for a person."""
    events = frustrated_conversation(clock.now, channel="telegram")
    tracker_db.add("cust-1", events)
    return open_handoff(handoffs, "cust-1", events, channel="telegram")


def browser_post(client: TestClient, action: str, data: Dict[str, str], page: str) -> httpx.Response:
    """POST a form as a browser does from `page` (its Accept and Referer headers)."""
    headers = {**BROWSER, "Referer": f"https://testserver{page}"}
    return client.post(action, data=data, headers=headers, follow_redirects=False)


def test_a_reply_sent_after_the_session_ended_gets_a_login_page_that_shows_the_reply(
        client: TestClient, make_client: Callable[[], TestClient], waiting: Handoff, fake_rasa: FakeRasaApi) -> None:
    log_in(client, "adam")
    page = f"/console/{waiting.id}"
    token = csrf_from(client.get(page).text)
    elsewhere = make_client()
    log_in(elsewhere, "adam")
    submit(elsewhere, "/console", "/logout")

    response = browser_post(client, f"{page}/reply", {"text": REPLY, "csrf_token": token}, page)

    assert response.status_code == 401
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["www-authenticate"] == 'FormLogin realm="review"'
    assert "What you typed was not sent." in response.text
    assert "Your refund &lt;b&gt;is&lt;/b&gt; on its way &amp; arrives Friday.</textarea>" in response.text
    assert f'href="/login?next=%2Fconsole%2F{waiting.id}"' in response.text
    assert fake_rasa.agent_messages(waiting.conversation_id) == []


def test_a_form_sent_without_a_session_by_a_script_still_gets_plain_text(client: TestClient, waiting: Handoff) -> None:
    response = client.post(f"/console/{waiting.id}/reply", data={"text": REPLY}, follow_redirects=False)

    assert response.status_code == 401
    assert response.text == "Log in first: this needs a review-app account."


def test_a_lead_note_refused_for_its_security_token_is_shown_back_with_a_link_to_the_page(lead: TestClient) -> None:
    view = "/conversations/view?id=c1"
    response = browser_post(lead, "/conversations/notes",
                            {"conversation_id": "c1", "text": "Refund chased twice.", "next": view,
                             "csrf_token": "from an older session"}, view)

    assert response.status_code == 403
    assert "security token" in response.text and "nothing was changed" in response.text
    assert "Refund chased twice.</textarea>" in response.text
    assert f'href="{view}" id="reload-form"' in response.text
    assert "lea (lead)" in response.text


def test_an_anonymous_download_in_a_browser_gets_a_page_with_a_link_to_log_in(client: TestClient) -> None:
    response = client.get("/exports/handoffs.csv", headers={**BROWSER, "Referer": "https://testserver/handoffs"})

    assert response.status_code == 401
    assert 'href="/login?next=%2Fhandoffs"' in response.text
    assert "What you typed" not in response.text


def test_an_unknown_page_in_a_browser_is_the_apps_404_page(lead: TestClient) -> None:
    page = lead.get("/no/such/page", headers=BROWSER)

    assert page.status_code == 404
    assert "There is no page at this address." in page.text and 'href="/"' in page.text
    assert lead.get("/no/such/page").text == "Not Found"


def test_a_post_only_address_opened_in_a_browser_is_the_apps_405_page(lead: TestClient) -> None:
    page = lead.get("/conversations/tags", headers=BROWSER)

    assert page.status_code == 405
    assert page.headers["allow"] == "POST"
    assert "not a page to open: only a form&#39;s button sends to it." in page.text and 'href="/"' in page.text
