"""Make a screenshot an 8-bit (indexed) PNG so it stays small: python docs/screenshots/shrink.py FILE.png..."""

import sys

from PySide6.QtGui import QGuiApplication, QImage

app = QGuiApplication(sys.argv[:1])
for name in sys.argv[1:]:
    image = QImage(name).convertToFormat(QImage.Format.Format_Indexed8)
    if not image.save(name, "PNG", 9):
        sys.exit(f"cannot write {name}")
