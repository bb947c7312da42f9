"""The Moving Cities Atlas builder: load -> validate -> link -> render.

The core modules know nothing of MkDocs; `plugin.py` and `cli.py` are thin doors onto it.
"""

__version__ = "0.1.0"
