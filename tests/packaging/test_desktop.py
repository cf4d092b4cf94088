"""The freedesktop entry, the AppStream metainfo and the icon sizes generated from the SVG."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APP_ID = "io.github.mlaudit.mlaudit"


def test_desktop_entry_launches_the_gui() -> None:
    """The .desktop file is a valid-looking Application entry running `mlaudit gui` with the app icon."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    parser.read(ROOT / "packaging" / f"{APP_ID}.desktop")
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application" and entry["Exec"].startswith("mlaudit gui")
    assert entry["Icon"] == APP_ID and entry["Categories"].endswith(";")


def test_metainfo_matches_the_desktop_entry() -> None:
    """The metainfo id, launchable and release version agree with the desktop file and the package."""
    from mlaudit import __version__

    root = ET.parse(ROOT / "packaging" / f"{APP_ID}.metainfo.xml").getroot()
    assert root.findtext("id") == APP_ID
    assert root.findtext("launchable") == f"{APP_ID}.desktop"
    assert root.find("releases/release").get("version") == __version__.split("+")[0]


@pytest.mark.skipif(shutil.which("appstreamcli") is None, reason="appstreamcli not installed")
def test_metainfo_validates() -> None:
    """appstreamcli accepts the metainfo file (offline)."""
    run = subprocess.run(["appstreamcli", "validate", "--no-net", str(ROOT / "packaging" / f"{APP_ID}.metainfo.xml")],
                         check=False, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_icons_are_generated_at_every_size(tmp_path: Path) -> None:
    """gen_icons.py renders the SVG to a PNG of each freedesktop size (in its own process: it starts Qt)."""
    run = subprocess.run([sys.executable, str(ROOT / "packaging" / "gen_icons.py"), str(tmp_path)],
                         check=False, capture_output=True, text=True, env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"})
    assert run.returncode == 0, run.stderr
    for size in (16, 32, 48, 128, 256, 512):
        png = tmp_path / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        head = png.read_bytes()[:24]
        assert head[:8] == b"\x89PNG\r\n\x1a\n"
        assert int.from_bytes(head[16:20], "big") == size
