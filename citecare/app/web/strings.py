"""Interface text in English and Spanish (answers stay in the language of the sources).

One table serves both Gradio's built-in i18n (component labels, chosen by the browser's language) and the HTML
rendered here (notice, first screen, answer chrome), chosen from the request's Accept-Language header.
"""

from __future__ import annotations

from collections.abc import Mapping

import gradio as gr

DEFAULT_LANGUAGE = "en"

UI_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "notice_lead": "CiteCare shares information from its sources, not medical advice.",
        "notice_emergency": "In an emergency call",
        "notice_crisis": "Crisis line (call or text):",
        "notice_poison": "Poison control:",
        "intro_title": "CiteCare",
        "intro_what": "CiteCare answers health questions using only its library of {documents}{publishers}, and "
                      "shows the exact sentences it used.",
        "documents_one": "{n} reviewed document",
        "documents_many": "{n} reviewed documents",
        "intro_who": "It is for patients and the people who care for them.",
        "intro_covers": "It covers topics such as: {topics}.",
        "intro_cannot": "It cannot diagnose you, give you a dose, or tell you to start, stop or change a medicine. "
                        "For that, ask your doctor, nurse or pharmacist.",
        "intro_from": " from {publishers}",
        "conversation_heading": "Conversation",
        "ask_heading": "Ask a question",
        "question_label": "Your question",
        "question_placeholder": "Type your question",
        "ask": "Ask",
        "start_over": "Start over",
        "print": "Print conversation",
        "share_consent": "Send my question and the answer with my feedback (helps the care team improve CiteCare)",
        "feedback_thanks": "Thank you — your feedback was saved.",
        "feedback_failed": "Sorry — your feedback could not be saved. Please try again later.",
        "reason_hard": "Hard to understand",
        "reason_missing": "Did not answer my question",
        "reason_wrong": "Seems wrong or outdated",
        "chat_placeholder": "**Ask CiteCare** — or pick an example question below.",
        "answer_heading": "CiteCare's answer",
        "your_question": "Your question",
        "emergency": "Emergency",
        "urgent": "Contact your care team today",
        "call": "Call {number}",
        "sources": "Sources",
        "source_n": "Source {n}",
        "reviewed": "reviewed {date}",
        "review_unknown": "review date unknown",
        "outdated": "possibly outdated",
        "open_source": "Open the source",
        "quoted_passage": "Quoted sentences are highlighted",
        "copy": "Copy answer",
        "copied": "Copied",
        "more_chars": "… ({n} more characters not shown)",
        "help_examples": "I can help with questions my sources cover, for example: “{example}”",
        "starting": "CiteCare is starting — this takes a few seconds. You can type your question meanwhile.",
        "offline": "CiteCare cannot reach its server right now. Your conversation is kept on this device; "
                   "please try again in a moment.",
        "offline_emergency": "If you need help now, call",
    },
    "es": {
        "notice_lead": "CiteCare comparte información de sus fuentes, no consejo médico.",
        "notice_emergency": "En una emergencia llame al",
        "notice_crisis": "Línea de crisis (llamada o texto):",
        "notice_poison": "Control de intoxicaciones:",
        "intro_title": "CiteCare",
        "intro_what": "CiteCare responde preguntas de salud usando solo su biblioteca de {documents}{publishers}, "
                      "y muestra las frases exactas que usó.",
        "documents_one": "{n} documento revisado",
        "documents_many": "{n} documentos revisados",
        "intro_who": "Es para pacientes y las personas que los cuidan.",
        "intro_covers": "Trata temas como: {topics}.",
        "intro_cannot": "No puede diagnosticarle, darle una dosis ni decirle que empiece, deje o cambie un "
                        "medicamento. Para eso, consulte a su médico, enfermera o farmacéutico.",
        "intro_from": " de {publishers}",
        "conversation_heading": "Conversación",
        "ask_heading": "Haga una pregunta",
        "question_label": "Su pregunta",
        "question_placeholder": "Escriba su pregunta",
        "ask": "Preguntar",
        "start_over": "Empezar de nuevo",
        "print": "Imprimir la conversación",
        "share_consent": "Enviar mi pregunta y la respuesta con mi opinión (ayuda al equipo a mejorar CiteCare)",
        "feedback_thanks": "Gracias — guardamos su opinión.",
        "feedback_failed": "Lo sentimos — no pudimos guardar su opinión. Inténtelo más tarde.",
        "reason_hard": "Difícil de entender",
        "reason_missing": "No respondió a mi pregunta",
        "reason_wrong": "Parece incorrecto o desactualizado",
        "chat_placeholder": "**Pregunte a CiteCare** — o elija una pregunta de ejemplo.",
        "answer_heading": "Respuesta de CiteCare",
        "your_question": "Su pregunta",
        "emergency": "Emergencia",
        "urgent": "Contacte hoy a su equipo de atención",
        "call": "Llamar al {number}",
        "sources": "Fuentes",
        "source_n": "Fuente {n}",
        "reviewed": "revisado {date}",
        "review_unknown": "fecha de revisión desconocida",
        "outdated": "posiblemente desactualizado",
        "open_source": "Abrir la fuente",
        "quoted_passage": "Las frases citadas están resaltadas",
        "copy": "Copiar la respuesta",
        "copied": "Copiado",
        "more_chars": "… ({n} caracteres más no mostrados)",
        "help_examples": "Puedo ayudar con preguntas que cubren mis fuentes, por ejemplo: “{example}”",
        "starting": "CiteCare se está iniciando — tarda unos segundos. Puede escribir su pregunta mientras tanto.",
        "offline": "CiteCare no puede conectar con su servidor ahora. Su conversación se guarda en este "
                   "dispositivo; inténtelo de nuevo en un momento.",
        "offline_emergency": "Si necesita ayuda ahora, llame al",
    },
}

# Patients' reasons for a thumbs down, as shown (key) and as stored (one of ratings.FEEDBACK_REASONS).
REASONS: dict[str, str] = {"reason_hard": "hard to understand", "reason_missing": "not what I asked",
                           "reason_wrong": "seems wrong or outdated"}


def language_of(accept_language: str | None) -> str:
    """The first supported language in an Accept-Language header ('es-MX,es;q=0.9' → 'es')."""
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower().split("-")[0]
        if code in UI_TEXT:
            return code
    return DEFAULT_LANGUAGE


def texts(language: str = DEFAULT_LANGUAGE) -> Mapping[str, str]:
    """The interface text of one language (English for any other)."""
    return UI_TEXT.get(language, UI_TEXT[DEFAULT_LANGUAGE])


def reason_label(shown: str) -> str | None:
    """The stored label of a reason as shown in any language, None when it is not one."""
    for key, label in REASONS.items():
        if any(table[key] == shown for table in UI_TEXT.values()):
            return label
    return None


def gradio_i18n() -> gr.I18n:
    """The same table for Gradio's built-in i18n (the browser's language picks it)."""
    return gr.I18n(**UI_TEXT)
