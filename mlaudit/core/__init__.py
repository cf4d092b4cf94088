"""Qt-free foundations: records, tree sources, progress, path roles, configuration."""
