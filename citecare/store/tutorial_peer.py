"""The peer we measure retrieval speed against: the LangChain tutorial's similarity search.

`langchain_chroma.Chroma` over the same collection with `HuggingFaceEmbeddings` on the same bundled
all-MiniLM-L6-v2 (torch, one thread, as CiteCare answers), ``similarity_search(question, k=4)``: the
retrieval a typical RAG tutorial ships, on exactly the chunks CiteCare searches. Used by `citecare bench`.
"""

from __future__ import annotations

from typing import Any

from citecare.config import Settings
from citecare.store.chroma import make_client


class TutorialSearch:
    def __init__(self, store: Any) -> None:
        self.store = store

    @classmethod
    def open(cls, settings: Settings) -> TutorialSearch:
        import torch
        from langchain_chroma import Chroma
        from langchain_huggingface import HuggingFaceEmbeddings

        torch.set_num_threads(1)
        embeddings = HuggingFaceEmbeddings(model_name=settings.embedding_model, model_kwargs={"device": "cpu"})
        store = Chroma(client=make_client(settings), collection_name=settings.collection, embedding_function=embeddings)
        return cls(store)

    def search(self, question: str) -> list[str]:
        return [d.page_content for d in self.store.similarity_search(question, k=4)]
