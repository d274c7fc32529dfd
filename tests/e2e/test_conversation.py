"""A customer's conversation through the real server: answers, tickets, feedback, NPS, handoff."""

from __future__ import annotations

from pathlib import Path
import re
import urllib.error
import urllib.request

import pytest
import sqlalchemy as sa

from bot.trainer.watch import RasaModelLoader
from tests.e2e.running_assistant import RunningAssistant

pytestmark = [pytest.mark.slow, pytest.mark.wall_clock]

FRUSTRATED = "This is the THIRD time I'm asking, your service is useless!!!"


def rows(assistant: RunningAssistant, query: str, **params: object) -> list:
    """Rows of a query against the assistant's own database."""
    engine = sa.create_engine(assistant.db_url)
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text(query), params).all()
    finally:
        engine.dispose()


def test_answers_products_orders_and_policies(assistant: RunningAssistant) -> None:
    sender = "e2e-answers"
    assert "Brightway" in " ".join(assistant.texts(sender, "hi there"))
    product = " ".join(assistant.texts(sender, "how much is the aura smart speaker?"))
    assert "£89.00" in product and "in stock" in product
    order = " ".join(assistant.texts(sender, "where is my order #55213?"))
    assert "55213" in order and "packed" in order
    policy = " ".join(assistant.texts(sender, "what is your return policy?"))
    assert "30 days" in policy and "can't" in policy


def test_complaint_gets_a_ticket_and_feedback_is_stored(assistant: RunningAssistant) -> None:
    sender = "e2e-complaint"
    reply = " ".join(assistant.texts(sender, "I want to file a complaint about the courier, he left my parcel outside"))
    reference = re.search(r"CS-[A-Z0-9]{6}", reply)
    assert reference, reply
    stored = rows(assistant, "SELECT conversation_id FROM tickets WHERE reference = :r", r=reference.group(0))
    assert stored == [(sender,)]
    assert "passed that on" in " ".join(assistant.texts(sender, "some feedback: your website is really easy to use"))
    assert rows(assistant, "SELECT text FROM feedback WHERE conversation_id = :s", s=sender)


def test_nps_asked_once_and_recorded(assistant: RunningAssistant) -> None:
    sender = "e2e-nps"
    assistant.texts(sender, "where is my order A-10442")
    question = " ".join(assistant.texts(sender, "thanks!"))
    assert "0 to 10" in question
    assert "Thanks for the 9" in " ".join(assistant.texts(sender, "9"))
    assert rows(assistant, "SELECT score FROM nps_scores WHERE conversation_id = :s", s=sender) == [(9,)]
    again = " ".join(assistant.texts(sender, "thank you"))
    assert "0 to 10" not in again


def test_frustrated_customer_is_handed_over_at_once(assistant: RunningAssistant) -> None:
    sender = "e2e-frustrated"
    assistant.texts(sender, "where is my order 113542617735902")
    notice = " ".join(assistant.texts(sender, FRUSTRATED))
    assert "person" in notice and re.search(r"H-[A-Z0-9]{8}", notice)
    handoffs = rows(
        assistant, "SELECT reason, status, transcript FROM handoffs WHERE conversation_id = :s", s=sender
    )
    assert len(handoffs) == 1
    reason, status, transcript = handoffs[0]
    assert (reason, status) == ("frustration", "open")
    assert FRUSTRATED in transcript and "113542617735902" in transcript
    assert assistant.say(sender, "hello? anyone?") == []
    tracker = assistant.tracker(sender)
    assert tracker["paused"] is True
    assert tracker["events"][-1]["event"] == "user" and tracker["events"][-1]["text"] == "hello? anyone?"


def test_a_calm_problem_report_gets_an_answer_not_a_person(assistant: RunningAssistant) -> None:
    """Issue 14: "my blender doesn't work" and a late parcel are problems, not anger."""
    sender = "e2e-calm-problem"
    for text in ("my blender doesn't work", "hi, my parcel hasn't arrived yet"):
        replies = assistant.texts(sender, text)
        assert replies and not any("handing you over" in reply for reply in replies), (text, replies)
    assert rows(assistant, "SELECT reason FROM handoffs WHERE conversation_id = :s", s=sender) == []
    assert assistant.tracker(sender)["paused"] is False


def test_a_furious_first_message_gets_a_person_on_the_very_next_turn(assistant: RunningAssistant) -> None:
    sender = "e2e-furious-first"
    notice = " ".join(assistant.texts(sender, "honestly I'm finished with brightway, you lot are an absolute joke"))
    assert "handing you over to a person" in notice and re.search(r"H-[A-Z0-9]{8}", notice)
    assert rows(assistant, "SELECT reason FROM handoffs WHERE conversation_id = :s", s=sender) == [("frustration",)]


def test_a_second_thats_not_what_i_asked_after_a_misunderstanding_hands_off(assistant: RunningAssistant) -> None:
    """One "that's not what I asked" is an answer to the bot; the same again is the conversation
    signals at work (repeated request, earlier annoyance), not a word list."""
    sender = "e2e-not-what-i-asked"
    assistant.texts(sender, "how much is the aura smart speaker?")
    first = assistant.texts(sender, "that's not what I asked")
    assert first and not any("handing you over" in reply for reply in first)
    assert any("in other words" in reply and "talk to a person" in reply for reply in first), first
    notice = " ".join(assistant.texts(sender, "that's not what I asked"))
    assert "handing you over to a person" in notice and re.search(r"H-[A-Z0-9]{8}", notice)
    assert rows(assistant, "SELECT reason FROM handoffs WHERE conversation_id = :s", s=sender) == [("frustration",)]


def test_asking_for_a_person_hands_over(assistant: RunningAssistant) -> None:
    sender = "e2e-human"
    notice = " ".join(assistant.texts(sender, "can I talk to a real person please"))
    assert "handing you over to a person" in notice
    assert rows(assistant, "SELECT reason FROM handoffs WHERE conversation_id = :s", s=sender) == [("customer_asked",)]


@pytest.mark.parametrize(
    "text",
    ["", "   ", "a" * 20_000, "😡😡😡", "🙂", "how much is the floobertron 3000?", "where is my order #12"],
)
def test_bad_input_gets_a_reply_and_is_kept(assistant: RunningAssistant, text: str) -> None:
    sender = f"e2e-bad-{abs(hash(text))}"
    replies = assistant.say(sender, text)
    assert replies and all(reply.get("text") for reply in replies)
    events = assistant.tracker(sender)["events"]
    assert [e["text"] for e in events if e["event"] == "user"] == [text.strip()]


def test_a_blank_message_then_smileys_get_answers_not_a_handoff(assistant: RunningAssistant) -> None:
    sender = "e2e-blank-then-smileys"
    assert assistant.texts(sender, "")
    replies = assistant.texts(sender, "🙂🙂🙂")
    assert replies and not any("handing you over" in reply for reply in replies)
    assert rows(assistant, "SELECT reason FROM handoffs WHERE conversation_id = :s", s=sender) == []


def test_emoji_alone_are_understood_on_chat_channels(assistant: RunningAssistant) -> None:
    """A thumbs-up is a yes, a folded-hands a thanks, an angry face gets a person; each emoji used to
    read the same to the encoder, so all of them got the "no" reply."""
    sender = "e2e-emoji"
    assistant.texts(sender, "do you ship to Ireland?")
    assert assistant.tracker(sender)["paused"] is False
    intents = []
    for text in ("👍", "🙏"):
        replies = assistant.texts(sender, text)
        assert replies and not any("If I got you wrong" in reply for reply in replies), (text, replies)
        intents.append(assistant.tracker(sender)["latest_message"]["intent"]["name"])
    assert intents == ["affirm", "thank"]
    notice = " ".join(assistant.texts(sender, "😡"))
    assert "handing you over to a person" in notice
    assert rows(assistant, "SELECT reason FROM handoffs WHERE conversation_id = :s", s=sender) == [("frustration",)]
    user_texts = [e["text"] for e in assistant.tracker(sender)["events"] if e["event"] == "user"]
    assert user_texts[-3:] == ["👍", "🙏", "😡"]


def test_http_api_refuses_calls_without_the_token(assistant: RunningAssistant) -> None:
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{assistant.url}/conversations/e2e-answers/tracker", timeout=10)
    refused.value.close()
    assert refused.value.code in (401, 403)


def test_trainer_watch_loads_a_new_model_into_the_running_server(assistant: RunningAssistant,
                                                                  trained_model: Path) -> None:
    loader = RasaModelLoader(assistant.url, assistant.processes.token)
    assert loader.load_model(trained_model) == f"the running assistant at {assistant.url} now uses {trained_model.name}"
    assert assistant.texts("e2e-after-reload", "hi")
    refused = RasaModelLoader(assistant.url, "wrong-token").load_model(trained_model)
    assert refused.startswith(f"the assistant at {assistant.url} refused the model (40")
