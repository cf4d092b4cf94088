"""Chart functions returning matplotlib Figures (no pyplot state), shared by the GUI and the reports."""
