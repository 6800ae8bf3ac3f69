"""Storage: the Chroma index (the only chromadb import), BM25, the embedder, snapshots of the library.

May import only the base (config, types, errors, protocols, text).
"""
