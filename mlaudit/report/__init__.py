"""Reports: one report model built from the store, rendered as HTML, PDF, Markdown and JSON; charts."""
