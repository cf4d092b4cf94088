"""Data scanning: readers for tabular files, version discovery (git, DVC cache, LFS) and profiles.

``readers.open_batches(path, name)`` streams Arrow record batches from any supported file;
``profile.profile_file(path, name, limits)`` builds a ``DataProfile`` (stats, sample, row hashes);
``sources`` finds DVC cache files and LFS objects for a content hash.
"""
