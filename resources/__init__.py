"""Icons, stylesheets and report templates, loaded through importlib.resources."""
