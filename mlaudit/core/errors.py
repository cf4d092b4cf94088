"""User-facing errors: each says what happened and what to do."""


class MlauditError(Exception):
    """An error the user can act on; the CLI prints it as one line and exits with code 2."""


class StoreError(MlauditError):
    """The SQLite store cannot be opened or used."""


class StoreBusyError(StoreError):
    """Another mlaudit process is writing to the same store."""


class RepoError(MlauditError):
    """The audited path is missing, unreadable or not usable."""


class RevisionError(MlauditError):
    """A revision (commit, tag, branch) or a path at a revision does not exist."""


class Cancelled(Exception):
    """Raised inside a scan when its cancel token has been set."""
