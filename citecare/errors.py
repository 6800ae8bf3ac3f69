"""The small set of errors raised in the core; the CLI and UI turn them into friendly messages."""


class CiteCareError(Exception):
    """Base of every error CiteCare raises on purpose."""


class LoadError(CiteCareError):
    """A document could not be read (corrupt, binary, empty, undecodable)."""


class IndexNotReady(CiteCareError):
    """The index is missing or empty: run `citecare ingest`."""


class ModelUnavailable(CiteCareError):
    """The embedding model could not be loaded."""


class LLMUnavailable(CiteCareError):
    """The optional LLM writer is down, slow or misconfigured."""


class PromptError(CiteCareError):
    """A prompt template is missing or its placeholders do not match."""


class EngineStarting(IndexNotReady):
    """The app is still loading the model and the library; it answers once it reports ready."""


class EmbedderMismatch(CiteCareError):
    """The index was built by another embedding model or backend than the one configured."""
