"""A deterministic, offline synthetic library for benchmarks: N chunks' worth of medicine fact sheets.

Invented medicine and condition names (built from syllables, so they never collide with real ones) in
fact sheets shaped like the real sources: an FAQ-style title ("Zelvorin - Side effects"), a few
paragraphs of plain sentences about uses, side effects, monitoring, interactions and storage. About 3.2
chunks per document at the default chunk size (so 100k chunks ≈ 31k documents). The same ``seed`` and
``chunks`` always give the same files and the same questions; nothing is downloaded.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

_CHUNKS_PER_DOC = 3.2  # measured: 1,597 chunks from 500 sheets at the default chunk size
_ONSETS = ["b", "c", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "cl", "dr", "pr", "tr"]
_VOWELS = ["a", "e", "i", "o", "u", "ai", "eo", "ia"]
_CODAS = ["", "n", "r", "l", "s", "x", "m"]
_DRUG_ENDINGS = ["mab", "tinib", "vir", "pril", "olol", "statin", "azole", "cillin", "parin", "zumab", "oxin", "ide"]
_CONDITION_ENDINGS = ["itis", "osis", "emia", "algia", "opathy", "oma", "syndrome", "disease"]
_ASPECTS = ["What it is used for", "Side effects", "Blood tests and monitoring", "Taking it safely",
            "Interactions", "Pregnancy and breastfeeding", "Storage"]

_SENTENCES = {
    "What it is used for": [
        "{drug} is a medicine used to treat {condition} in adults and older children.",
        "It works by calming the part of the immune system that causes swelling in {condition}.",
        "Doctors often prescribe {drug} when other treatments for {condition} have not helped enough.",
        "Most people notice less pain and stiffness within six to eight weeks of starting {drug}.",
        "{drug} does not cure {condition}, but it can keep the symptoms under control for years.",
    ],
    "Side effects": [
        "Common side effects of {drug} include nausea, headache and feeling tired.",
        "Some people taking {drug} get mouth sores or mild hair thinning.",
        "Call your doctor right away if you have a fever, chills or a sore throat while taking {drug}.",
        "Serious side effects of {drug} are rare but can include liver problems and lung inflammation.",
        "Side effects of {drug} are often mild and may get better after the first few weeks.",
    ],
    "Blood tests and monitoring": [
        "People taking {drug} need regular blood tests to check their liver and blood counts.",
        "Blood tests are usually done every month for the first three months of {drug} treatment.",
        "Your care team uses the blood test results to decide whether {drug} is safe to continue.",
        "Kidney function is also checked because {drug} leaves the body through the kidneys.",
        "Tell your doctor about any new bruising or bleeding while you take {drug}.",
    ],
    "Taking it safely": [
        "{drug} is usually taken once a week on the same day, with a full glass of water.",
        "Your doctor decides the dose of {drug} based on your weight and your kidney function.",
        "Avoid drinking alcohol while taking {drug} because it can harm the liver.",
        "Live vaccines should be avoided during treatment with {drug}; ask your care team first.",
        "Keep taking {drug} as prescribed and talk to your doctor before making any change.",
    ],
    "Interactions": [
        "{drug} can interact with some antibiotics, such as trimethoprim, and with certain pain relievers.",
        "Taking {drug} with other medicines that weaken the immune system raises the risk of infections.",
        "Tell your pharmacist about all the medicines and supplements you take with {drug}.",
        "Folic acid is often prescribed with {drug} to lower the chance of some side effects.",
    ],
    "Pregnancy and breastfeeding": [
        "{drug} can harm an unborn baby and should not be taken during pregnancy.",
        "Use reliable birth control while taking {drug} and for three months after stopping it.",
        "Breastfeeding is not recommended during treatment with {drug}.",
        "Talk to your doctor before trying to get pregnant if you take {drug} for {condition}.",
    ],
    "Storage": [
        "Store {drug} at room temperature, away from heat, moisture and direct light.",
        "Keep {drug} in its original package and out of the reach of children.",
        "Do not use {drug} after the expiry date printed on the box.",
        "Ask your pharmacist how to throw away any {drug} you no longer need.",
    ],
}
_FILLER = [
    "Everyone is different, and your care team will explain what this means for you.",
    "Write down your questions before each appointment so you remember to ask them.",
    "Reliable information helps you take part in decisions about your treatment.",
    "Keep a list of your medicines and bring it to every visit.",
    "Support groups can help people living with {condition} and their families.",
    "Regular exercise and a balanced diet support your overall health during treatment.",
]
_QUESTIONS = {
    "What it is used for": ["What is {drug} used for?", "what does {drug} treat"],
    "Side effects": ["What are the side effects of {drug}?", "can {drug} make me feel sick"],
    "Blood tests and monitoring": ["Do I need blood tests while taking {drug}?", "how often are labs checked on {drug}"],
    "Taking it safely": ["Can I drink alcohol while taking {drug}?", "how is {drug} taken"],
    "Interactions": ["Does {drug} interact with antibiotics?", "can i take {drug} with other medicines"],
    "Pregnancy and breastfeeding": ["Is {drug} safe during pregnancy?", "can i breastfeed on {drug}"],
    "Storage": ["How should I store {drug}?", "where do i keep {drug}"],
}


@dataclass(frozen=True)
class SyntheticCorpus:
    folder: Path
    documents: int
    questions: tuple[str, ...]


def _word(rng: random.Random, syllables: int, ending: str) -> str:
    stem = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS) for _ in range(syllables))
    return (stem + ending).capitalize()


def _names(rng: random.Random, count: int, endings: list[str]) -> list[str]:
    names: dict[str, None] = {}
    while len(names) < count:
        names[_word(rng, rng.choice([2, 3]), rng.choice(endings))] = None
    return list(names)


def _typo(rng: random.Random, word: str) -> str:
    """Drop one inner letter, as patients do ('methotrexat')."""
    if len(word) < 7:
        return word
    i = rng.randrange(2, len(word) - 2)
    return word[:i] + word[i + 1 :]


def write_corpus(folder: Path, chunks: int, *, seed: int = 11, questions: int = 200) -> SyntheticCorpus:
    """Write ~``chunks`` chunks' worth of fact sheets (about chunks/3.2 documents) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / "corpus.json"
    n_docs = max(1, round(chunks / _CHUNKS_PER_DOC))
    if marker.is_file():
        info = json.loads(marker.read_text())
        if info.get("chunks") == chunks and info.get("seed") == seed:
            return SyntheticCorpus(folder, info["documents"], tuple(info["questions"]))
    rng = random.Random(seed)
    n_drugs = max(1, n_docs // len(_ASPECTS) + 1)
    drugs = _names(rng, n_drugs, _DRUG_ENDINGS)
    conditions = _names(rng, max(3, n_drugs // 3), _CONDITION_ENDINGS)
    asked: list[str] = []
    for i in range(n_docs):
        drug, aspect = drugs[i // len(_ASPECTS)], _ASPECTS[i % len(_ASPECTS)]
        condition = conditions[rng.randrange(len(conditions))]
        sentences = [s.format(drug=drug, condition=condition) for s in _SENTENCES[aspect]]
        body: list[str] = []
        while sum(len(p.split()) for p in body) < 300:
            para = rng.sample(sentences, k=min(3, len(sentences)))
            para.append(rng.choice(_FILLER).format(condition=condition))
            body.append(" ".join(para))
        text = f"{drug} - {aspect}\n\n" + "\n\n".join(body) + "\n"
        (folder / f"sheet-{i:06d}.txt").write_text(text, encoding="utf-8")
    for _ in range(questions):
        i = rng.randrange(n_docs)
        drug, aspect = drugs[i // len(_ASPECTS)], _ASPECTS[i % len(_ASPECTS)]
        template = rng.choice(_QUESTIONS[aspect])
        asked.append(template.format(drug=_typo(rng, drug.lower()) if rng.random() < 0.2 else drug))
    marker.write_text(json.dumps({"chunks": chunks, "seed": seed, "documents": n_docs, "questions": asked}))
    return SyntheticCorpus(folder, n_docs, tuple(asked))
