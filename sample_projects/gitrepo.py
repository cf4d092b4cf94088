"""Build real git repositories with fixed authors and dates, for tests and sample projects."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

BASE_TIME = 1_700_000_000  # 2023-11-14, fixed so hashes are deterministic


class GitRepo:
    """A real repo in a temp folder; ``commit`` writes files and commits at a fixed, increasing date."""

    def __init__(self, root: Path, branch: str = "main") -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.tick = 0
        self.git("init", "-q", "-b", branch)
        self.git("config", "user.name", "Test Author")
        self.git("config", "user.email", "author@example.com")
        self.git("config", "commit.gpgsign", "false")

    def env(self) -> dict[str, str]:
        when = f"{BASE_TIME + self.tick * 3600} +0000"
        return {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when, "GIT_CONFIG_NOSYSTEM": "1"}

    def git(self, *args: str, input: bytes | None = None) -> str:
        out = subprocess.run(["git", *args], cwd=self.root, env=self.env(), input=input, capture_output=True, check=True)
        return out.stdout.decode("utf-8", "replace").strip()

    def write(self, path: str, content: str | bytes) -> Path:
        full = self.root / path
        full.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            full.write_text(content, encoding="utf-8")
        else:
            full.write_bytes(content)
        return full

    def commit(self, message: str, files: dict[str, str | bytes] | None = None, remove: list[str] | None = None) -> str:
        for path, content in (files or {}).items():
            self.write(path, content)
        for path in remove or []:
            self.git("rm", "-q", "-r", path)
        self.git("add", "-A")
        self.tick += 1
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD")

    def tag(self, name: str, annotated: bool = False) -> None:
        if annotated:
            self.git("tag", "-a", name, "-m", f"release {name}")
        else:
            self.git("tag", name)
