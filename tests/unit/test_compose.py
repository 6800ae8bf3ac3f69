"""The extractive composer on a hashing embedder: what it quotes, and what it never quotes."""

from __future__ import annotations

from citecare.answer.compose import ExtractiveComposer
from citecare.types import Chunk, Hit, SourceMeta
from tests.fakes import FakeEmbedder


def _hit(doc_id: str, text: str, ordinal: int = 0) -> Hit:
    meta = SourceMeta(doc_id=doc_id, title=f"{doc_id} facts", publisher="Test publisher")
    return Hit(chunk=Chunk(chunk_id=f"{doc_id}-{ordinal}", doc_id=doc_id, text=text, ordinal=ordinal, meta=meta),
               score=1.0)


MTX = _hit("mtx", "People taking methotrexate need regular blood tests to check the liver. "
                  "The usual dose of methotrexate is taken once a week on the same day. "
                  "Methotrexate blood tests are done every few months once the dose is stable.")


def test_allow_vetoes_sentences_it_returns_false_for() -> None:
    embedder = FakeEmbedder()
    composer = ExtractiveComposer(embedder)
    question = "How often does methotrexate need blood tests and what is the dose?"
    unfiltered = composer.compose(question, embedder.embed_query(question), [MTX])
    assert "dose" in unfiltered.text  # the sentence the policy will veto would be quoted otherwise

    def no_dose(sentence: str) -> bool:
        return "dose" not in sentence.lower()

    filtered = composer.compose(question, embedder.embed_query(question), [MTX], allow=no_dose)
    assert filtered.text and "dose" not in filtered.text.lower()
    assert all(no_dose(q) for c in filtered.citations for q in c.quotes)


def test_allow_that_refuses_everything_leaves_nothing_to_quote() -> None:
    embedder = FakeEmbedder()
    question = "methotrexate blood tests"
    out = ExtractiveComposer(embedder).compose(question, embedder.embed_query(question), [MTX], allow=lambda s: False)
    assert out.text == "" and out.citations == ()
