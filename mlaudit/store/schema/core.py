"""Core tables: scans, git history, refs, path roles, practice facts, check results."""

from __future__ import annotations

from sqlite_utils import Database, Migrations

MIGRATIONS = Migrations("mlaudit.core")


@MIGRATIONS()
def m001_core(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
        CREATE TABLE scans (
            id INTEGER PRIMARY KEY, started_at TEXT, finished_at TEXT, status TEXT,
            repo TEXT, head TEXT, branch TEXT, dirty INTEGER, is_git INTEGER, shallow INTEGER,
            mlaudit_version TEXT, error TEXT
        );
        CREATE TABLE scan_phases (
            scan_id INTEGER, phase TEXT, status TEXT, finished_at TEXT, detail TEXT,
            PRIMARY KEY (scan_id, phase)
        );
        CREATE TABLE commits (
            sha TEXT PRIMARY KEY, tree TEXT, parents TEXT, n_parents INTEGER,
            author_name TEXT, author_email TEXT, author_time INTEGER,
            committer_name TEXT, committer_email TEXT, committer_time INTEGER,
            message TEXT
        );
        CREATE INDEX commits_time ON commits(committer_time);
        CREATE TABLE file_changes (
            commit_sha TEXT, path TEXT, old_path TEXT, status TEXT,
            added INTEGER, deleted INTEGER, blob TEXT, old_blob TEXT, mode TEXT, binary INTEGER
        );
        CREATE INDEX file_changes_commit ON file_changes(commit_sha);
        CREATE INDEX file_changes_path ON file_changes(path);
        CREATE INDEX file_changes_blob ON file_changes(blob);
        CREATE TABLE refs (name TEXT PRIMARY KEY, kind TEXT, target TEXT);
        CREATE TABLE scanned_tips (sha TEXT PRIMARY KEY);
        CREATE TABLE path_roles (path TEXT PRIMARY KEY, role TEXT, reason TEXT);
        CREATE INDEX path_roles_role ON path_roles(role);
        CREATE VIEW commit_roles AS
            SELECT fc.commit_sha AS commit_sha, pr.role AS role, COUNT(*) AS files,
                   SUM(COALESCE(fc.added, 0)) AS added, SUM(COALESCE(fc.deleted, 0)) AS deleted
            FROM file_changes fc JOIN path_roles pr ON pr.path = fc.path
            GROUP BY fc.commit_sha, pr.role;
        CREATE TABLE tree_facts (
            tree_key TEXT, kind TEXT, payload TEXT, PRIMARY KEY (tree_key, kind)
        );
        CREATE TABLE check_results (
            scan_id INTEGER, rev TEXT, check_id TEXT, area TEXT, title TEXT, status TEXT, points REAL,
            value TEXT, threshold TEXT, message TEXT, recommendation TEXT, evidence TEXT, severity TEXT,
            PRIMARY KEY (scan_id, rev, check_id)
        );
        CREATE TABLE scan_errors (
            scan_id INTEGER, phase TEXT, path TEXT, blob TEXT, reason TEXT
        );
        """
    )


@MIGRATIONS()
def m002_check_coverage(db: Database) -> None:
    """Each check result records what it analysed and skipped (JSON), and the analysis key (mlaudit version +
    config hash) it was computed under, so a stored verdict is reused only under the same key."""
    columns = db["check_results"].columns_dict
    if "coverage" not in columns:
        db.execute("ALTER TABLE check_results ADD COLUMN coverage TEXT")
    if "analysis_key" not in columns:
        db.execute("ALTER TABLE check_results ADD COLUMN analysis_key TEXT")
