"""Model checks, one per file: unsafe pickles, pickle use, library mismatch, registry, metrics, validation gate, skew."""
