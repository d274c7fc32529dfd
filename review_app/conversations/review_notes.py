"""What leads record about conversations: reviewed flags, tags and notes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import List, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from bot.clock import Clock, as_utc, system_clock
from bot.records.database import metadata

MAX_NOTE_LENGTH = 5000
_TAG = re.compile(r"^[a-z0-9][a-z0-9 _-]{0,39}$")

reviews_table = sa.Table(
    "conversation_reviews",
    metadata,
    sa.Column("conversation_id", sa.String(255), primary_key=True),
    sa.Column("reviewed_by", sa.String(64), nullable=False),
    sa.Column("reviewed_at", sa.DateTime, nullable=False),
)

tags_table = sa.Table(
    "conversation_tags",
    metadata,
    sa.Column("conversation_id", sa.String(255), primary_key=True),
    sa.Column("tag", sa.String(40), primary_key=True, index=True),
    sa.Column("added_by", sa.String(64), nullable=False),
    sa.Column("added_at", sa.DateTime, nullable=False),
)

notes_table = sa.Table(
    "conversation_notes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("conversation_id", sa.String(255), nullable=False, index=True),
    sa.Column("author", sa.String(64), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
)


class ReviewError(ValueError):
    """A tag or note that cannot be stored; the message says what to change."""


@dataclass(frozen=True)
class Review:
    """Who marked a conversation reviewed, and when."""

    reviewed_by: str
    reviewed_at: datetime


@dataclass(frozen=True)
class Note:
    """A lead's note on a conversation."""

    id: int
    author: str
    text: str
    created_at: datetime


class ReviewStore:
    """Reviewed flags, tags and notes per conversation, in SQL."""

    def __init__(self, engine: Engine, clock: Clock = system_clock) -> None:
        """Use `engine` and `clock` for the times recorded."""
        self._engine = engine
        self._clock = clock

    def mark_reviewed(self, conversation_id: str, by: str) -> None:
        """Flag a conversation as reviewed (marking twice keeps the first reviewer)."""
        try:
            with self._engine.begin() as connection:
                connection.execute(
                    reviews_table.insert().values(
                        conversation_id=conversation_id, reviewed_by=by, reviewed_at=self._now()
                    )
                )
        except IntegrityError:
            return

    def mark_unreviewed(self, conversation_id: str) -> None:
        """Take the reviewed flag off again."""
        with self._engine.begin() as connection:
            connection.execute(reviews_table.delete().where(reviews_table.c.conversation_id == conversation_id))

    def review(self, conversation_id: str) -> Optional[Review]:
        """The review of a conversation, if it was reviewed."""
        with self._engine.connect() as connection:
            row = connection.execute(
                reviews_table.select().where(reviews_table.c.conversation_id == conversation_id)
            ).first()
        return None if row is None else Review(row.reviewed_by, as_utc(row.reviewed_at))

    def add_tag(self, conversation_id: str, tag: str, by: str) -> str:
        """Tag a conversation and return the tag as stored (adding an existing tag is a no-op)."""
        clean = normalize_tag(tag)
        try:
            with self._engine.begin() as connection:
                connection.execute(
                    tags_table.insert().values(
                        conversation_id=conversation_id, tag=clean, added_by=by, added_at=self._now()
                    )
                )
        except IntegrityError:
            pass
        return clean

    def remove_tag(self, conversation_id: str, tag: str) -> None:
        """Take a tag off a conversation."""
        with self._engine.begin() as connection:
            connection.execute(
                tags_table.delete()
                .where(tags_table.c.conversation_id == conversation_id)
                .where(tags_table.c.tag == tag.strip().lower())
            )

    def tags(self, conversation_id: str) -> List[str]:
        """A conversation's tags, alphabetically."""
        with self._engine.connect() as connection:
            return list(
                connection.execute(
                    sa.select(tags_table.c.tag)
                    .where(tags_table.c.conversation_id == conversation_id)
                    .order_by(tags_table.c.tag)
                ).scalars()
            )

    def add_note(self, conversation_id: str, author: str, text: str) -> Note:
        """Store a note; raises `ReviewError` when it is empty or too long."""
        text = text.strip()
        if not text:
            raise ReviewError("A note needs some text.")
        if len(text) > MAX_NOTE_LENGTH:
            raise ReviewError(f"Notes are limited to {MAX_NOTE_LENGTH} characters; this one has {len(text)}.")
        created = self._now()
        with self._engine.begin() as connection:
            result = connection.execute(
                notes_table.insert().values(
                    conversation_id=conversation_id, author=author, text=text, created_at=created
                )
            )
        return Note(int(result.inserted_primary_key[0]), author, text, as_utc(created))

    def notes(self, conversation_id: str) -> List[Note]:
        """A conversation's notes, oldest first."""
        with self._engine.connect() as connection:
            rows = connection.execute(
                notes_table.select()
                .where(notes_table.c.conversation_id == conversation_id)
                .order_by(notes_table.c.id)
            ).all()
        return [Note(row.id, row.author, row.text, as_utc(row.created_at)) for row in rows]

    def _now(self) -> datetime:
        """Current time as naive UTC, as stored."""
        return as_utc(self._clock()).replace(tzinfo=None)


def normalize_tag(tag: str) -> str:
    """Lower-case, trimmed tag; raises `ReviewError` unless it is 1-40 of a-z 0-9 space _ -."""
    clean = " ".join(tag.strip().lower().split())
    if not _TAG.match(clean):
        raise ReviewError(
            f"Tag {tag!r} is not allowed: use 1-40 characters, each a letter a-z without accents, a digit, "
            "a space, '_' or '-', starting with a letter or digit."
        )
    return clean
