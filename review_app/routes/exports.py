"""CSV, JSON and NLU-YAML downloads; phone numbers and emails are masked unless `raw=1`."""

from __future__ import annotations

import logging
import re
from typing import Any, Dict, List, Optional

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.clock import as_utc
from bot.handoff.store import Handoff
from review_app.accounts.access import REVIEW
from review_app.conversations.timeline import Timeline
from review_app.exports.formats import csv_download, json_text, with_nulls
from review_app.exports.masking import mask_data
from review_app.exports.nlu_examples import candidate_nlu_yaml
from review_app.guards import guarded
from review_app.handoffs.queries import handoff_record
from review_app.query_forms import ParsedQuery, conversation_filter, handoff_filter
from review_app.routes.transcripts import conversation_timeline
from review_app.sessions import services_of

logger = logging.getLogger(__name__)

HANDOFF_COLUMNS = [
    "id", "conversation_id", "channel", "customer", "reason", "frustration_score", "status",
    "created_at", "claimed_at", "claimed_by", "first_human_reply_at", "resolved_at", "resolved_by",
    "seconds_to_human", "handling_seconds",
]
CONVERSATION_COLUMNS = [
    "conversation_id", "channel", "started_at", "last_message_at", "customer_messages", "bot_messages",
    "agent_messages", "lowest_confidence", "handoffs", "reviewed", "tags", "first_message",
]
LINE_COLUMNS = ["at", "role", "agent", "text", "intent", "confidence", "frustration", "tipping", "handoff_after"]
HANDOFF_NOT_YET = ("claimed_at", "claimed_by", "first_human_reply_at", "resolved_at", "resolved_by")
LINE_UNKNOWN_WHEN_EMPTY = ("at",)
EXPORT_FORMATS = ("csv", "json")
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json", "yml": "application/x-yaml"}


@guarded(REVIEW, download=True)
def handoff_list_export(request: Request) -> Response:
    """The filtered handoff list."""
    services = services_of(request)
    services.digests.sync()
    filters = handoff_filter(request.query_params, ParsedQuery())
    records = [_handoff_export(handoff) for handoff in services.handoff_queries.rows(filters)]
    return _download(request, records, HANDOFF_COLUMNS, "handoffs")


@guarded(REVIEW, download=True)
def conversation_list_export(request: Request) -> Response:
    """The filtered conversation list."""
    services = services_of(request)
    services.conversation_index.sync()
    filters = conversation_filter(request.query_params, ParsedQuery())
    records = [row.as_record() for row in services.conversation_queries.rows(filters)]
    return _download(request, records, CONVERSATION_COLUMNS, "conversations")


@guarded(REVIEW, download=True)
def handoff_transcript_export(request: Request) -> Response:
    """One handoff with its transcript."""
    services = services_of(request)
    try:
        handoff = services.handoffs.get(request.path_params["handoff_id"])
    except KeyError:
        return Response("There is no handoff with this reference.", status_code=404, media_type="text/plain")
    timeline = conversation_timeline(services, handoff.conversation_id, handoff)
    return _transcript_download(request, handoff.conversation_id, timeline, handoff, f"transcript-{handoff.id}")


@guarded(REVIEW, download=True)
def conversation_transcript_export(request: Request) -> Response:
    """One conversation's transcript."""
    services = services_of(request)
    conversation_id = request.query_params.get("id", "")
    timeline = conversation_timeline(services, conversation_id)
    if not timeline.lines:
        return Response("There is no conversation with this id in the tracker store.", status_code=404,
                        media_type="text/plain")
    return _transcript_download(request, conversation_id, timeline, None, "conversation")


@guarded(REVIEW, download=True)
def nlu_candidates_export(request: Request) -> Response:
    """Misunderstood customer messages of the filtered conversations, as NLU YAML for `data/nlu/`."""
    services = services_of(request)
    services.conversation_index.sync()
    filters = conversation_filter(request.query_params, ParsedQuery())
    raw = _wants_raw(request)
    body = candidate_nlu_yaml(
        services.conversation_queries.misunderstood(filters), as_utc(services.clock()), mask=not raw
    )
    return Response(body, media_type=MEDIA_TYPES["yml"],
                    headers=_attachment(f"nlu-candidates-{as_utc(services.clock()):%Y-%m-%d}.yml"))


def _transcript_download(request: Request, conversation_id: str, timeline: Timeline,
                         handoff: Optional[Handoff], name: str) -> Response:
    """A transcript as CSV (one row per message) or JSON (with the handoff's figures)."""
    services = services_of(request)
    lines = _export_lines(timeline)
    if request.path_params["format"] == "csv":
        return _download(request, lines, LINE_COLUMNS, name)
    document: Dict[str, Any] = {
        "conversation_id": conversation_id,
        "handoff": _handoff_export(handoff) if handoff else None,
        "tags": services.reviews.tags(conversation_id),
        "lines": lines,
    }
    return _download(request, document, LINE_COLUMNS, name)


def _export_lines(timeline: Timeline) -> List[Dict[str, Any]]:
    """Transcript lines with every column (unknown values None), marking tipping messages and handoffs."""
    return [
        with_nulls({**line, "tipping": index in timeline.tipping, "handoff_after": index in timeline.handoffs_after},
                   LINE_COLUMNS, LINE_UNKNOWN_WHEN_EMPTY)
        for index, line in enumerate(timeline.lines)
    ]


def _download(request: Request, data: Any, columns: List[str], name: str) -> Response:
    """`data` (records, or a document for JSON) in the requested format, masked unless raw."""
    fmt = request.path_params["format"]
    if fmt not in EXPORT_FORMATS:
        return Response("Exports come as .csv or .json.", status_code=404, media_type="text/plain")
    raw = _wants_raw(request)
    if not raw:
        data = mask_data(data)
    if fmt == "csv":
        body = csv_download(data, columns)
    else:
        body = json_text(data)
    return Response(body, media_type=MEDIA_TYPES[fmt], headers=_attachment(f"{name}{'-raw' if raw else ''}.{fmt}"))


def _handoff_export(handoff: Handoff) -> Dict[str, Any]:
    """A handoff's export record; a step not reached yet (claim, reply, resolution) is None, null in JSON."""
    return with_nulls(handoff_record(handoff), HANDOFF_COLUMNS, HANDOFF_NOT_YET)


def _wants_raw(request: Request) -> bool:
    """True when the lead asked for unmasked data (logged, as it holds personal data)."""
    raw = request.query_params.get("raw") == "1"
    if raw:
        logger.warning("Raw (unmasked) export %s by %s.", request.url.path, request.state.user.username)
    return raw


def _attachment(filename: str) -> Dict[str, str]:
    """A Content-Disposition header with a filename of safe characters only."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", filename)
    return {"Content-Disposition": f'attachment; filename="{safe}"', "Cache-Control": "no-store"}


routes = [
    Route("/exports/handoffs.{format:str}", handoff_list_export, methods=["GET"]),
    Route("/exports/conversations.{format:str}", conversation_list_export, methods=["GET"]),
    Route("/exports/handoffs/{handoff_id}.{format:str}", handoff_transcript_export, methods=["GET"]),
    Route("/exports/conversation.{format:str}", conversation_transcript_export, methods=["GET"]),
    Route("/exports/nlu-candidates.yml", nlu_candidates_export, methods=["GET"]),
]
