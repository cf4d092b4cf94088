"""Scanners read a repo (through TreeSource or git) and yield records; none writes SQL itself."""
