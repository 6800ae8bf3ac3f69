"""ONE loader for every template: the LLM writer's prompts and the fixed patient messages.

Templates are files, loaded once, with their placeholders checked at load time.

A template is plain text with ``{name}`` placeholders (``{{`` and ``}}`` for literal braces). Each
template has a spec: the placeholders it must contain and those it may contain. A missing file, a
missing required placeholder, an unknown placeholder or a malformed one raises PromptError at load,
so a broken prompt stops the app at start-up instead of in front of a patient.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from citecare.errors import PromptError

if TYPE_CHECKING:
    from citecare.config import Settings

# The writer's cannot-answer phrase: rendered into the system prompt and recognised in its output.
NOT_COVERED = "My sources don't cover that."


@dataclass(frozen=True)
class PromptSpec:
    """Placeholders a template must contain, and those it may contain."""

    required: frozenset[str]
    optional: frozenset[str] = frozenset()

    @property
    def allowed(self) -> frozenset[str]:
        return self.required | self.optional


# Templates of the optional LLM writer, by file stem in prompts_dir.
WRITER_PROMPTS: dict[str, PromptSpec] = {
    "answer_system": PromptSpec(frozenset({"not_covered"})),
    "answer_user": PromptSpec(frozenset({"question", "passages"})),
}


@dataclass(frozen=True)
class PromptTemplate:
    """A checked template; ``render`` fills every placeholder it contains."""

    name: str
    text: str
    placeholders: frozenset[str]
    allowed: frozenset[str]

    def render(self, **values: Any) -> str:
        """Fill the placeholders; a missing value or a name the spec does not allow raises PromptError."""
        if missing := self.placeholders - values.keys():
            raise PromptError(f"prompt {self.name!r}: no value for {sorted(missing)}")
        if unknown := values.keys() - self.allowed:
            raise PromptError(f"prompt {self.name!r}: unknown placeholders {sorted(unknown)}")
        # Values are inserted once and never re-parsed, so braces inside them are harmless.
        return self.text.format_map({k: str(v) for k, v in values.items()})


def placeholders_of(name: str, text: str) -> frozenset[str]:
    """The ``{name}`` placeholders of a template; positional, dotted, indexed or formatted ones raise."""
    found: set[str] = set()
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise PromptError(
            f"prompt {name!r} is malformed: {exc} (write {{{{ and }}}} for literal braces)"
        ) from exc
    for _, field, spec, conversion in parsed:
        if field is None:
            continue
        if not field.isidentifier() or spec or conversion:
            raise PromptError(f"prompt {name!r}: placeholder {{{field}}} must be a plain {{name}}")
        found.add(field)
    return frozenset(found)


def load_prompt(path: Path, spec: PromptSpec) -> PromptTemplate:
    """Read one template file and check its placeholders against ``spec``."""
    name = path.stem
    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise PromptError(f"prompt file {path} cannot be read: {exc.strerror or exc}") from exc
    if not text:
        raise PromptError(f"prompt {name!r} ({path}) is empty")
    found = placeholders_of(name, text)
    if missing := spec.required - found:
        raise PromptError(f"prompt {name!r} ({path}) lacks placeholders {sorted(missing)}")
    if unknown := found - spec.allowed:
        raise PromptError(f"prompt {name!r} ({path}) has unknown placeholders {sorted(unknown)}")
    return PromptTemplate(name, text, found, spec.allowed)


class Prompts:
    """A set of checked templates, loaded once and shared."""

    def __init__(self, templates: Mapping[str, PromptTemplate]) -> None:
        self._templates = dict(templates)

    @classmethod
    def load(cls, prompts_dir: Path, specs: Mapping[str, PromptSpec] = WRITER_PROMPTS) -> Prompts:
        """Load ``<prompts_dir>/<name>.txt`` for every name in ``specs``."""
        return cls(
            {name: load_prompt(Path(prompts_dir) / f"{name}.txt", spec) for name, spec in specs.items()}
        )

    def __contains__(self, name: object) -> bool:
        return name in self._templates

    def __getitem__(self, name: str) -> PromptTemplate:
        try:
            return self._templates[name]
        except KeyError:
            raise PromptError(f"no prompt named {name!r} was loaded") from None

    def render(self, name: str, **values: Any) -> str:
        """Render the template ``name`` with ``values``."""
        return self[name].render(**values)


def load_prompts(
    settings_or_dir: Settings | Path | str, specs: Mapping[str, PromptSpec] = WRITER_PROMPTS
) -> Prompts:
    """Load the writer's templates from ``settings.prompts_dir`` (or a folder given directly)."""
    prompts_dir = settings_or_dir if isinstance(settings_or_dir, str | Path) else settings_or_dir.prompts_dir
    return Prompts.load(Path(prompts_dir), specs)


# --- patient messages ----------------------------------------------------------------------------------

MESSAGES_DIR = Path(__file__).resolve().parent / "data" / "messages"
# Values every patient message may use; they come from Settings (numbers are local).
MESSAGE_VALUES = frozenset({"emergency_number", "crisis_line", "poison_control", "max_question_chars"})


def _message(*required: str, per_answer: frozenset[str] = frozenset()) -> PromptSpec:
    return PromptSpec(frozenset(required) | per_answer, MESSAGE_VALUES | per_answer)


MESSAGE_SPECS: dict[str, PromptSpec] = {
    "disclaimer": _message(),
    "emergency_general": _message("emergency_number"),
    "emergency_infection": _message("emergency_number"),
    "emergency_overdose": _message("emergency_number", "poison_control"),
    "emergency_self_harm": _message("emergency_number", "crisis_line"),
    "crisis_line_note": _message("crisis_line"),
    "emergency_stroke": _message("emergency_number"),
    "emergency_allergy": _message("emergency_number"),
    "emergency_adrenal": _message("emergency_number"),
    "urgent_general": _message("emergency_number"),
    "urgent_infection": _message("emergency_number"),
    "safety_net": _message("emergency_number"),
    "medical_advice": _message(),
    "out_of_scope": _message(),
    "invalid_input": _message(),
    "non_english": _message(),
    # {subject}: what was asked about, filled per answer ("the side effects of methotrexate", or "that").
    "no_evidence": _message(per_answer=frozenset({"subject"})),
    # {topics}: what the sources do cover about the asked subject (document titles), filled per answer.
    "no_evidence_covered": _message(per_answer=frozenset({"topics"})),
    "general_info_intro": _message(),
    # a question about side effects, a dose or an interaction that names no medicine
    "needs_medicine": _message(),
}


class Messages:
    """The fixed patient messages (package data, or ``settings.messages_dir``), filled with local numbers."""

    def __init__(self, settings: Settings) -> None:
        folder = settings.messages_dir or MESSAGES_DIR
        self.templates = Prompts.load(folder, MESSAGE_SPECS)
        self.values: dict[str, str] = {
            "emergency_number": settings.emergency_number,
            "crisis_line": settings.crisis_line,
            "poison_control": settings.poison_control,
            "max_question_chars": str(settings.max_question_chars),
        }
        if settings.disclaimer:
            template = PromptTemplate(
                "settings.disclaimer",
                settings.disclaimer,
                placeholders_of("settings.disclaimer", settings.disclaimer),
                MESSAGE_VALUES,
            )
            if unknown := template.placeholders - MESSAGE_VALUES:
                raise PromptError(f"CITECARE_DISCLAIMER has unknown placeholders {sorted(unknown)}")
            self.disclaimer = self._fill(template)
        else:
            self.disclaimer = self.render("disclaimer")

    def _fill(self, template: PromptTemplate, **per_answer: str) -> str:
        values = {k: self.values[k] for k in template.placeholders if k in self.values}
        return template.render(**values, **per_answer).strip()

    def has(self, name: str) -> bool:
        return name in self.templates

    def render(self, name: str, **per_answer: str) -> str:
        """The message ``name`` with the local numbers, and the per-answer values its spec allows, filled in."""
        return self._fill(self.templates[name], **per_answer)
