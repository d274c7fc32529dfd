"""Tests for bot/nlu/domain_gate.py: which stage of the frustration model decides a text."""

from __future__ import annotations

import numpy as np
import pytest

from bot.nlu.domain_gate import DomainGate, out_of_fold_shares


def unit_rows(centre: np.ndarray, count: int, seed: int) -> np.ndarray:
    """`count` unit-length vectors scattered around `centre`, like sentence embeddings of one kind of text."""
    rows = centre + 0.12 * np.random.default_rng(seed).normal(size=(count, len(centre)))
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


SERVICE_CENTRE = np.eye(8)[0]
CHAT_CENTRE = np.eye(8)[1]


def test_service_texts_get_the_service_stage_and_chat_the_reddit_stage() -> None:
    gate = DomainGate.fit(unit_rows(SERVICE_CENTRE, 60, 1), unit_rows(CHAT_CENTRE, 200, 2), 1.0, 0.0, seed=3)

    assert gate.shares(unit_rows(SERVICE_CENTRE, 20, 4)).min() > 0.8
    assert gate.shares(unit_rows(CHAT_CENTRE, 20, 5)).max() < 0.2


def test_the_offset_keeps_borderline_texts_with_the_service_stage_and_sharpness_decides_faster() -> None:
    gate = DomainGate.fit(unit_rows(SERVICE_CENTRE, 60, 1), unit_rows(CHAT_CENTRE, 200, 2), 1.0, 0.0, seed=3)
    between = (SERVICE_CENTRE + CHAT_CENTRE) / np.linalg.norm(SERVICE_CENTRE + CHAT_CENTRE)
    offset = DomainGate(gate.weights, gate.intercept, 1.0, 2.0)
    sharp = DomainGate(gate.weights, gate.intercept, 4.0, 2.0)

    assert offset.share(between) > gate.share(between)
    assert sharp.share(between) > offset.share(between) > 0.5
    assert sharp.share(CHAT_CENTRE) < offset.share(CHAT_CENTRE) < 0.5


def test_one_text_and_a_batch_give_the_same_share() -> None:
    gate = DomainGate.fit(unit_rows(SERVICE_CENTRE, 60, 1), unit_rows(CHAT_CENTRE, 200, 2), 2.0, 2.0, seed=3)
    rows = unit_rows(SERVICE_CENTRE + CHAT_CENTRE, 10, 6)

    assert [gate.share(row) for row in rows] == pytest.approx(gate.shares(rows).tolist(), abs=1e-12)


def test_out_of_fold_shares_come_from_gates_that_did_not_see_the_row() -> None:
    """A service text placed among the chat texts is judged chat by gates that never learnt it."""
    service = np.vstack([unit_rows(SERVICE_CENTRE, 40, 1), unit_rows(CHAT_CENTRE, 1, 7)])
    chat = unit_rows(CHAT_CENTRE, 200, 2)
    folds = [np.arange(0, 41, 2), np.arange(1, 41, 2)]

    shares = out_of_fold_shares(service, chat, folds, 1.0, 0.0, seed=3)

    assert shares[:40].min() > 0.5
    assert shares[40] < 0.5
