"""Exports: CSV and JSON of filtered lists and single transcripts, masked unless raw; NLU candidates."""

from __future__ import annotations

import codecs
import csv
import io
import json
from datetime import timedelta
from typing import Dict

import pytest
from httpx import Response
from starlette.testclient import TestClient

from bot.handoff.store import Handoff, HandoffStore
from tests.builders import ManualClock
from tests.review_app.sample_conversations import (
    TrackerDatabase, agent_reply, at, calm_conversation, frustrated_conversation, misunderstood_conversation,
    open_handoff, work_handoff,
)

PHONE = "+44 7700 900123"
EMAIL = "jo.bloggs@example.com"


@pytest.fixture
def personal(handoffs: HandoffStore, clock: ManualClock, tracker_db: TrackerDatabase) -> Dict[str, Handoff]:
    """Two handoffs whose customers left a phone number and an email; one is from an SMS number."""
    start = clock.now - timedelta(hours=2)
    clock.now = start
    sms_events = frustrated_conversation(start, channel="sms", last=f"call me on {PHONE} NOW this is useless")
    sms = work_handoff(handoffs, clock, open_handoff(handoffs, "+447700900123", sms_events, channel="sms"),
                       "alice", 60, 600)
    tracker_db.add("+447700900123", sms_events)
    tracker_db.add("+447700900123", agent_reply(f"I'll email {EMAIL} now.", "alice", at(start, 60)))
    clock.now = start + timedelta(minutes=30)
    mail_events = frustrated_conversation(clock.now, channel="telegram", last=f"=HYPERLINK(\"x\") mail {EMAIL} !!!")
    mail = open_handoff(handoffs, "tg-1", mail_events, channel="telegram")
    tracker_db.add("calm-1", calm_conversation(start))
    tracker_db.add("lost-1", misunderstood_conversation(start, text=f"blorp ring me {PHONE}"))
    tracker_db.add("lost-2", misunderstood_conversation(start, text="Blorp ring me  "))
    clock.now = start + timedelta(hours=2)
    return {"sms": sms, "mail": mail}


def csv_rows(response: Response) -> list:
    """A CSV download's rows as dicts, read as a spreadsheet does (the byte-order mark is not text)."""
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


def test_handoff_list_csv_is_filtered_and_masked(lead: TestClient, personal: Dict[str, Handoff]) -> None:
    response = lead.get("/exports/handoffs.csv?channel=sms")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == 'attachment; filename="handoffs.csv"'
    rows = csv_rows(response)
    assert [row["id"] for row in rows] == [personal["sms"].id]
    assert rows[0]["conversation_id"] == "[phone]" and rows[0]["customer"] == "[phone]"
    assert rows[0]["seconds_to_human"] == "60.0" and rows[0]["handling_seconds"] == "600.0"
    assert "7700" not in response.text


def test_handoff_list_json_raw_when_the_lead_asks(lead: TestClient, personal: Dict[str, Handoff]) -> None:
    masked = lead.get("/exports/handoffs.json").json()
    assert {row["id"] for row in masked} == {personal["sms"].id, personal["mail"].id}
    assert "900123" not in json.dumps(masked)
    raw = lead.get("/exports/handoffs.json?raw=1")
    assert raw.headers["content-disposition"] == 'attachment; filename="handoffs-raw.json"'
    assert "+447700900123" in {row["conversation_id"] for row in raw.json()}


def test_single_transcript_json_is_masked_and_complete(lead: TestClient, personal: Dict[str, Handoff]) -> None:
    document = lead.get(f"/exports/handoffs/{personal['sms'].id}.json").json()
    assert document["handoff"]["reason"] == "frustration" and document["handoff"]["seconds_to_human"] == 60.0
    texts = [line["text"] for line in document["lines"]]
    assert texts[2] == "call me on [phone] NOW this is useless"
    assert texts[-1] == "I'll email [email] now."
    assert [line["role"] for line in document["lines"]][-1] == "agent"
    assert [line["tipping"] for line in document["lines"]] == [False, False, True, False, False]
    raw = lead.get(f"/exports/handoffs/{personal['sms'].id}.json?raw=1").json()
    assert raw["lines"][2]["text"] == f"call me on {PHONE} NOW this is useless"


def test_single_transcript_csv_neutralises_spreadsheet_formulas(lead: TestClient, personal: Dict[str, Handoff]) -> None:
    rows = csv_rows(lead.get(f"/exports/handoffs/{personal['mail'].id}.csv"))
    assert rows[2]["text"] == "'=HYPERLINK(\"x\") mail [email] !!!"
    assert rows[2]["frustration"] == "0.82" and rows[2]["intent"] == "order_status"


def test_conversation_exports(lead: TestClient, personal: Dict[str, Handoff]) -> None:
    rows = csv_rows(lead.get("/exports/conversations.csv?low_confidence=1"))
    assert {row["conversation_id"] for row in rows} == {"lost-1", "lost-2"}
    assert all("7700" not in row["first_message"] for row in rows)
    one = lead.get("/exports/conversation.json?id=%2B447700900123")
    assert one.headers["content-disposition"] == 'attachment; filename="conversation.json"'
    assert one.json()["conversation_id"] == "[phone]"
    assert lead.get("/exports/conversation.json?id=nobody").status_code == 404


def test_unknown_export_format_is_404(lead: TestClient, personal: Dict[str, Handoff]) -> None:
    assert lead.get("/exports/handoffs.xml").status_code == 404
    assert lead.get("/exports/handoffs/H-NOTHERE.json").status_code == 404


def test_nlu_candidates_are_valid_yaml_waiting_under_a_placeholder_intent(lead: TestClient,
                                                                         personal: Dict[str, Handoff]) -> None:
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    response = lead.get("/exports/nlu-candidates.yml")
    assert response.headers["content-disposition"].startswith('attachment; filename="nlu-candidates-')
    data = RasaYAMLReader().reads(response.text)
    examples = {(message.get("intent"), message.get("text")) for message in data.intent_examples}
    assert examples == {
        ("choose_intent__product_question_guess", "blorp ring me [phone]"),
        ("choose_intent__product_question_guess", "Blorp ring me"),
        ("choose_intent__product_question_guess", "do you sell kettles"),
    }
    assert "7700" not in response.text


def test_nlu_candidates_follow_the_list_filters(lead: TestClient, personal: Dict[str, Handoff]) -> None:
    text = lead.get("/exports/nlu-candidates.yml?intent=thank").text
    assert "nlu: []" in text


EVIL = "<script>alert(1)</script> \u202eRTL and a\u0000null"
EVIL_IN_CSV = "<script>alert(1)</script> \ufffdRTL and a\ufffdnull"
NOT_YET = ("claimed_at", "claimed_by", "first_human_reply_at", "resolved_at", "resolved_by", "seconds_to_human",
           "handling_seconds")


@pytest.fixture
def evil(handoffs: HandoffStore, clock: ManualClock, tracker_db: TrackerDatabase) -> Handoff:
    """The tester's REST conversation: a message with a NUL and a right-to-left override, then a person asked for."""
    start = clock.now - timedelta(hours=1)
    clock.now = start
    events = frustrated_conversation(start, first=EVIL, last="speak to a human please")
    tracker_db.add("evil-3", events)
    handoff = open_handoff(handoffs, "evil-3", events, customer_name="Zoë Straße", reason="customer_asked")
    tracker_db.add("calm-1", calm_conversation(start))
    clock.now = start + timedelta(hours=1)
    return handoff


@pytest.mark.parametrize("path", [
    "/exports/handoffs/{id}.csv", "/exports/handoffs/{id}.csv?raw=1", "/exports/conversation.csv?id=evil-3",
])
def test_one_message_with_a_nul_or_bidi_override_does_not_block_transcript_csv(lead: TestClient, evil: Handoff,
                                                                               path: str) -> None:
    response = lead.get(path.format(id=evil.id))
    assert response.status_code == 200
    assert csv_rows(response)[0]["text"] == EVIL_IN_CSV


def test_one_message_with_a_nul_does_not_block_the_conversation_list_csv(lead: TestClient, evil: Handoff) -> None:
    response = lead.get("/exports/conversations.csv")
    assert response.status_code == 200
    rows = {row["conversation_id"]: row for row in csv_rows(response)}
    assert set(rows) == {"evil-3", "calm-1"} and "\u0000" not in rows["evil-3"]["first_message"]
    assert "\ufffdRTL" in rows["evil-3"]["first_message"]


def test_json_exports_keep_the_message_as_it_was(lead: TestClient, evil: Handoff) -> None:
    assert lead.get(f"/exports/handoffs/{evil.id}.json").json()["lines"][0]["text"] == EVIL


def test_csv_downloads_start_with_a_byte_order_mark_so_excel_reads_utf8(lead: TestClient, evil: Handoff) -> None:
    response = lead.get("/exports/handoffs.csv")
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(codecs.BOM_UTF8) and response.content.count(codecs.BOM_UTF8) == 1
    assert csv_rows(response)[0]["customer"] == "Zoë Straße"
    assert response.content.decode("utf-8-sig").startswith("id,conversation_id,")
    assert not lead.get("/exports/handoffs.json").content.startswith(codecs.BOM_UTF8)


def test_json_shows_what_is_not_known_yet_as_null_and_csv_as_empty_cells(lead: TestClient,
                                                                          personal: Dict[str, Handoff]) -> None:
    waiting = personal["mail"].id
    record = {row["id"]: row for row in lead.get("/exports/handoffs.json").json()}[waiting]
    assert {key: record[key] for key in NOT_YET} == dict.fromkeys(NOT_YET)
    row = {row["id"]: row for row in csv_rows(lead.get("/exports/handoffs.csv"))}[waiting]
    assert {key: row[key] for key in NOT_YET} == dict.fromkeys(NOT_YET, "")
    document = lead.get(f"/exports/handoffs/{waiting}.json").json()
    assert document["handoff"]["claimed_at"] is None and document["handoff"]["resolved_by"] is None
    bot_line = document["lines"][1]
    assert bot_line["role"] == "bot" and bot_line["agent"] is None and bot_line["intent"] is None
    assert all(set(line) == set(document["lines"][0]) for line in document["lines"])
