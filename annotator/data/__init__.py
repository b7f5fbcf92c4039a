"""Runtime assets (the default scheme), loaded with importlib.resources so frozen builds find them too."""
