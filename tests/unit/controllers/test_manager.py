"""Which controllers `--controllers` selects, and how the connection is resolved from the flags."""

from __future__ import annotations

import pytest

from bosun.cli.controller_manager import _seconds, parse_bool
from bosun.client.kubeconfig import KubeconfigError
from bosun.controllers.manager import SelectionError, client_config, select_controllers
from bosun.controllers.namespace import NamespaceController
from bosun.controllers.serviceaccount import ServiceAccountsController


def test_selection() -> None:
    assert select_controllers("*") == [NamespaceController, ServiceAccountsController]
    assert select_controllers("") == [NamespaceController, ServiceAccountsController]
    assert select_controllers("*,-namespace-controller") == [ServiceAccountsController]
    assert select_controllers("*,-namespace") == [ServiceAccountsController]  # the old name works too
    assert select_controllers("serviceaccount") == [ServiceAccountsController]
    with pytest.raises(SelectionError, match='"widget" is not in the list of known controllers'):
        select_controllers("*,widget")


def test_connection_from_flags(monkeypatch: pytest.MonkeyPatch) -> None:
    assert client_config(None, "127.0.0.1:8080").server == "http://127.0.0.1:8080"
    monkeypatch.delenv("KUBERNETES_SERVICE_HOST", raising=False)
    with pytest.raises(KubeconfigError, match="^invalid configuration: no configuration has been provided$"):
        client_config(None, None)


def test_flag_values() -> None:
    assert _seconds("15s") == 15.0 and _seconds("500ms") == 0.5 and _seconds("1m") == 60.0 and _seconds("2") == 2
    assert parse_bool("false") is False and parse_bool("true") is True
