"""Entry point of the frozen app: `annotator ARGS` runs the command line; no arguments open the window.

PyInstaller runs this file as __main__. It only hands over to annotator.cli.main, the same entry point the
pip-installed `annotator` script uses, so the bundle behaves like a source install. The window's suggestion
runner starts `[sys.executable, "suggest", PROJECT, "--progress", "json"]`, which lands here too.
"""

import multiprocessing
import sys


def run() -> int:
    # a no-op unless this process was started by multiprocessing (spaCy's n_process > 1) as a child
    multiprocessing.freeze_support()
    from annotator.cli import main

    return main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(run())
