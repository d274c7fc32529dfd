"""Tests for bot/nlu/encoder_quantization.py: the int8 network built from the wheel's file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import pytest

from bot.nlu.encoder_quantization import (
    CACHE_DIR_VARIABLE,
    EncoderBuildError,
    build_quantized_model,
    built_model_name,
    cache_dir,
    quantized_model_file,
)
from bot.nlu.sentence_encoder import MODEL_SHA256, SentenceEncoder, model_file


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One build of the int8 network into a temporary folder."""
    target = tmp_path_factory.mktemp("encoder") / "built.onnx"
    build_quantized_model(model_file(), target)
    return target


TEXTS = [
    "where is my parcel",
    "I want my money back, the kettle arrived broken",
    "can I pay with paypal",
    "this is the third time I ask, sort it out now",
    "hi",
]


def embeddings(model: Path) -> np.ndarray:
    """Unit-length embeddings of TEXTS from `SentenceEncoder` running the network in `model`."""
    return SentenceEncoder(model_file(), network=model).encode(TEXTS)


def test_the_built_network_multiplies_int8_weights_and_keeps_no_float_matrices(built: Path) -> None:
    model = onnx.load(str(built))
    operators = {node.op_type for node in model.graph.node}
    assert "MatMulInteger" in operators
    large_float = [
        tensor.name
        for tensor in model.graph.initializer
        if tensor.data_type == onnx.TensorProto.FLOAT and np.prod(tensor.dims) >= 384 * 384
    ]
    assert large_float == []
    assert built.stat().st_size < model_file().stat().st_size * 1.1


def test_the_built_network_says_what_the_wheels_network_says(built: Path) -> None:
    similarity = (embeddings(built) * embeddings(model_file())).sum(axis=1)
    assert similarity.min() > 0.96


def test_building_twice_gives_the_same_bytes(built: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.onnx"
    build_quantized_model(model_file(), again)
    assert again.read_bytes() == built.read_bytes()


def test_the_build_is_kept_in_the_cache_and_not_redone(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(CACHE_DIR_VARIABLE, str(tmp_path))
    assert cache_dir() == tmp_path
    first = quantized_model_file(model_file(), MODEL_SHA256)
    assert first == tmp_path / built_model_name(MODEL_SHA256)
    written = first.stat().st_mtime_ns
    assert quantized_model_file(model_file(), MODEL_SHA256).stat().st_mtime_ns == written
    assert [path.name for path in tmp_path.iterdir()] == [first.name]


def test_the_name_changes_with_the_source_file() -> None:
    assert built_model_name("a" * 64) != built_model_name("b" * 64)
    assert MODEL_SHA256[:16] in built_model_name(MODEL_SHA256)


def test_a_folder_that_cannot_be_written_gives_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be")
    monkeypatch.setenv(CACHE_DIR_VARIABLE, str(blocked))
    with pytest.raises(EncoderBuildError, match=CACHE_DIR_VARIABLE):
        quantized_model_file(model_file(), MODEL_SHA256)
