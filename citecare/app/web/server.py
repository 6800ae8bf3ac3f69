"""The server: ``build_app`` wires engine, pages, /healthz and the /answer API; uvicorn serves them."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import gradio as gr
import uvicorn
from fastapi import FastAPI

from citecare.app.ratings import RatingsStore
from citecare.app.web.chat import PatientChat
from citecare.app.web.layout import CSS, HEAD, patient_tab, theme, workbench_tab
from citecare.app.web.ratings_api import add_ratings_api
from citecare.app.web.render import safety_notice
from citecare.app.web.workbench import Workbench
from citecare.config import Settings
from citecare.protocols import AnswerEngine

log = logging.getLogger(__name__)


@dataclass
class CiteCareApp:
    """The Gradio Blocks plus what serves it: a FastAPI app with /healthz, run by uvicorn."""

    blocks: gr.Blocks
    engine: AnswerEngine
    settings: Settings

    def asgi(self) -> FastAPI:
        from citecare.app.web.api import build_api_router

        api = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
        api.include_router(build_api_router(self.engine, self.settings))  # /healthz, /api/answer

        add_ratings_api(api, RatingsStore.from_settings(self.settings), self.settings)
        return gr.mount_gradio_app(
            api, self.blocks, path="/", server_name=self.settings.host, server_port=self.settings.port,
            footer_links=["api"], run_history=False, show_error=False, ssr_mode=False, mcp_server=False,
            pwa=False, theme=theme(), css=CSS, head=HEAD,
        )

    def launch(self, host: str | None = None, port: int | None = None) -> None:
        """Serve until interrupted (never a share link; bound to settings.host, loopback by default)."""
        host, port = host or self.settings.host, port or self.settings.port
        print(f"CiteCare is running at http://{host}:{port}  (Ctrl+C to stop)", flush=True)
        uvicorn.run(self.asgi(), host=host, port=port, log_level="warning", access_log=False)

    @contextmanager
    def running(self, host: str = "127.0.0.1", port: int | None = None) -> Iterator[str]:
        """Serve in a background thread (tests, benchmarks); yields the base URL."""
        port = port or free_port(host)
        server = uvicorn.Server(uvicorn.Config(self.asgi(), host=host, port=port, log_level="warning",
                                               access_log=False))
        thread = threading.Thread(target=server.run, name="citecare-ui", daemon=True)
        thread.start()
        deadline = time.monotonic() + 30
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the app did not start on {host}:{port}")
            time.sleep(0.05)
        try:
            yield f"http://{host}:{port}"
        finally:
            server.should_exit = True
            thread.join(timeout=10)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def build_app(engine: AnswerEngine, settings: Settings) -> CiteCareApp:
    """The whole web app around an engine: patient chat, educator workbench, /answer API, /healthz."""
    chat, bench = PatientChat(engine, settings), Workbench(engine, settings)
    with gr.Blocks(title="CiteCare", analytics_enabled=False, fill_width=False) as blocks:
        gr.HTML(safety_notice(settings.emergency_number), elem_id="cc-safety-box", js_on_load=None)
        with gr.Tabs():
            with gr.Tab("Ask CiteCare", id="chat", elem_id="cc-tab-chat"):
                patient_tab(chat)
            with gr.Tab("Educator workbench", id="workbench", elem_id="cc-tab-workbench"):
                workbench_tab(bench)
        gr.api(chat.answer_api, api_name="answer")
    blocks.queue(default_concurrency_limit=settings.max_concurrency)
    return CiteCareApp(blocks=blocks, engine=engine, settings=settings)
