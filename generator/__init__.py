"""The Moving Cities Atlas builder: load -> validate -> link -> render -> publish.

In layers whose imports run one way: `cli` and `site` -> `render` -> `core`. The core knows
nothing of MkDocs; `site/plugin.py` and `cli/main.py` are the doors onto it.
"""

__version__ = "0.1.0"
