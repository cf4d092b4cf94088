"""SVG icons of the desktop app (the application icon lives in app/)."""
