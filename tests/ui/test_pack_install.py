"""文件 → 更新表单包: the city's pack is verified, its changes shown, installed or not as the
clerk answers, and the window comes back under the new pack with nothing lost."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QFileDialog

from ecodesk.packs import trust
from ecodesk.packs.installed import active_pack, prepare_install
from ecodesk.packs.trust import anchor_document
from ecodesk.ui.dialogs.pack_install_dialog import PackInstallDialog
from tests.packs.helpers import city_key, next_version_folder, signed_pack
from tests.ui.conftest import click, when_modal


@pytest.fixture
def city_pack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A 2026.2 pack signed by a city key this test made, trusted in this process only."""
    key = city_key(tmp_path / "city")
    anchor = tmp_path / "city-anchor.json"
    anchor.write_text(json.dumps(anchor_document(key.public_key, "test city")), encoding="utf-8")
    monkeypatch.setattr(trust, "SHIPPED_ANCHOR_FILE", anchor)
    out = tmp_path / "2026.2.ecodesk-pack"
    signed_pack(next_version_folder(tmp_path / "pack"), out, key)
    return out


def test_the_dialog_lists_the_changes_and_cancel_installs_nothing(
    qtbot: Any, data_dir: Path, city_pack: Path
) -> None:
    plan = prepare_install(data_dir, city_pack, trust.shipped_anchor())
    dialog = PackInstallDialog(plan)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.summary.text() == "表单包 2026.1 → 2026.2：新增 2 项，删除 2 项，修改 1 项。"
    rows = [
        tuple(dialog.table.item(r, c).text() for c in range(4))
        for r in range(dialog.table.rowCount())
    ]
    assert (
        "删除",
        "指标",
        "1.1 推动传统产业改造升级 · blocked_projects 否决或叫停“两高一低”项目数",
        "",
    ) in rows
    target = next(r for r in rows if r[1] == "目标")
    assert target[0] == "修改" and "2000家左右" in target[3] and "2500家左右" in target[3]
    assert dialog.cancel_button.isDefault()  # Enter does not install
    click(qtbot, dialog.cancel_button)
    assert dialog.result() == PackInstallDialog.DialogCode.Rejected
    assert not (data_dir / "packs").exists()
    assert active_pack(data_dir).version == "2026.1"


def test_install_from_the_menu_keeps_values_and_shows_retired_ones(
    qtbot: Any,
    store: Any,
    pack: Any,
    data_dir: Path,
    city_pack: Path,
    monkeypatch: pytest.MonkeyPatch,
    no_dialogs: list[Any],
) -> None:
    period = store.current_period()
    store.set_value(period, "1.1:digital_transform_firms", "37")
    store.set_value(period, "1.1:blocked_projects", "4")
    from ecodesk.ui.app import application
    from ecodesk.ui.main_window import MainWindow

    application()
    # not given to qtbot: installing replaces this window by one under the new pack, and deletes
    # it; the conftest's autouse fixture closes whatever is left at the end
    window = MainWindow(store, pack, data_dir)
    window.show()
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(city_pack), ""))
    )
    seen: list[str] = []

    def cancel(dialog: PackInstallDialog) -> None:
        seen.append(dialog.summary.text())
        click(qtbot, dialog.cancel_button)

    when_modal(qtbot, PackInstallDialog, cancel)
    window.operations.actions["pack_install"].trigger()
    qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    assert active_pack(data_dir).version == "2026.1"  # cancelled: nothing changed
    assert not window.operations.actions["pack_undo"].isEnabled()

    when_modal(qtbot, PackInstallDialog, lambda d: click(qtbot, d.install_button))
    window.operations.actions["pack_install"].trigger()
    qtbot.waitUntil(lambda: any(t == "已更新表单包" for t, _ in no_dialogs), timeout=10_000)
    assert active_pack(data_dir).version == "2026.2"
    again = next(
        w
        for w in QApplication.topLevelWidgets()
        if getattr(w, "pack", None) is not None and w.pack.version == "2026.2" and w.isVisible()
    )
    assert again.session.data.values["1.1:digital_firms"] == "37"
    again.tree.select_form("1.1")
    view = again.views["1.1"]
    assert view.retired is not None
    assert "否决或叫停“两高一低”项目数：4　［已停用］" in view.retired.text()
    assert again.operations.actions["pack_undo"].isEnabled()
