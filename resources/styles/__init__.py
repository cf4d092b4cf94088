"""Qt stylesheets of the desktop app: numbered .qss files joined in order, with {{ placeholders }} per theme."""
