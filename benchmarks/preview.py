"""The live preview as `make serve` runs it, without a server: for make bench and the tests.

`PreviewSession` loads the configuration and builds the way `mkdocs serve --dirty` does
after each change (same plugin instances, same site folder); `clean_build` builds a fresh
copy the same way, which the preview's output must equal byte for byte.
"""

from __future__ import annotations

import os
import time
from pathlib import Path


class PreviewSession:
    def __init__(self, config_file: Path, site_dir: Path):
        from mkdocs.config import load_config

        os.environ["NO_MKDOCS_2_WARNING"] = "1"
        self.config_file, self.site_dir = config_file, site_dir
        self.serve_url = "http://127.0.0.1:8000/"
        config = load_config(str(config_file), site_dir=str(site_dir), strict=True)
        config.plugins.on_startup(command="serve", dirty=True)

    def build(self) -> float:
        """One rebuild, as after a save: the seconds it took."""
        from mkdocs.commands.build import build
        from mkdocs.config import load_config

        started = time.perf_counter()
        config = load_config(str(self.config_file), site_dir=str(self.site_dir), strict=True)
        config.site_url = self.serve_url
        build(config, serve_url=self.serve_url, dirty=True)
        return time.perf_counter() - started

    def settle(self) -> None:
        """Until the city reports of every build so far are printed: the preview prints them after the pages."""
        from mkdocs.config import load_config

        load_config(str(self.config_file), site_dir=str(self.site_dir), strict=True).plugins["atlas"].wait_for_reports()

    def close(self) -> None:
        from mkdocs.config import load_config

        config = load_config(str(self.config_file), site_dir=str(self.site_dir), strict=True)
        config.plugins.on_startup(command="build", dirty=False)  # the plugin instances outlive the session
        config.plugins["atlas"].command = None  # as a build through MkDocs' API finds it (no command line)


def clean_build(config_file: Path, site_dir: Path) -> None:
    """A fresh preview session's first build: everything, from nothing."""
    session = PreviewSession(config_file, site_dir)
    try:
        session.build()
        session.settle()
    finally:
        session.close()
