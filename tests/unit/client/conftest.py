"""Client fixtures: a real API server in this process (SQLite in a temporary directory) and a client of it."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
import uvloop

from bosun.apiserver.server import APIServer, APIServerConfig
from bosun.client.kubeconfig import ClientConfig, load_kubeconfig
from bosun.client.rest import APIClient


def pytest_asyncio_loop_factories(config: pytest.Config, item: pytest.Item) -> dict[str, Callable[[], object]]:
    return {"uvloop": uvloop.new_event_loop}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
async def apiserver(tmp_path: Path) -> AsyncIterator[APIServer]:
    server = APIServer(APIServerConfig(data_dir=tmp_path / "data", secure_port=free_port(),
                                       bind_address="127.0.0.1", insecure_port=0))
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
def client_config(apiserver: APIServer) -> ClientConfig:
    return load_kubeconfig(apiserver.admin_kubeconfig)


@pytest.fixture
async def api(client_config: ClientConfig) -> AsyncIterator[APIClient]:
    async with APIClient(client_config, user_agent="bosun-test") as c:
        yield c
