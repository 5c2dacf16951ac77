"""The PySide6 window. The only package that imports Qt; it calls the core and holds no business rule."""
