"""Where the audited code lives: the repository's remote URL, read with GitPython from its config (no network)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

_SCP = re.compile(r"^(?:(?P<user>[^@/]+)@)?(?P<host>[^:/]+):(?P<path>[^/].*)$")  # git@host:owner/name.git


def clean_remote(url: str) -> str | None:
    """An absolute URI for a git remote, with any user name or token removed; None when it is not one."""
    url = url.strip()
    if "://" not in url:
        m = _SCP.match(url)
        if m is None:
            return None  # a local path: nothing to link to
        return f"ssh://{m.group('host')}/{m.group('path')}"
    parts = urlsplit(url)
    if not parts.scheme or not parts.hostname or parts.scheme == "file":
        return None
    host = parts.hostname + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def remote_url(root: str | Path) -> str | None:
    """The cleaned URL of the repo's ``origin`` remote (else its first remote), or None (no git, no remote)."""
    try:
        import git

        repo = git.Repo(str(root), search_parent_directories=False)
    except Exception:  # noqa: BLE001 - not a git repo, or git unusable: the report just has no remote
        return None
    try:
        remotes = list(repo.remotes)
        chosen = next((r for r in remotes if r.name == "origin"), remotes[0] if remotes else None)
        urls = list(chosen.urls) if chosen is not None else []
    except Exception:  # noqa: BLE001 - a broken remote config: the report just has no remote
        return None
    finally:
        repo.close()
    return clean_remote(urls[0]) if urls else None
