"""The featured cities' reports, as each build of the site prints them (generator/render/report.py makes them).

A build (`mkdocs build`) prints its reports in a forked child while MkDocs writes the pages (or,
when the cache has every one, only copies them) and waits for them at its end: a failure fails
the build, with one line. The preview (`mkdocs serve`) shows an edit first and prints its reports
after, in a thread, one build's at a time, in order: a failure is said, and the preview goes on.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable

from mkdocs.exceptions import PluginError

from . import background
from ..render import report
from ..core.link import Atlas


class ReportPrinter:
    cache: Path  # the atlas's folder of printed reports (report.CACHE), set before each build

    def __init__(self, log: logging.Logger, preview_log: logging.Logger):
        self.log, self.preview_log = log, preview_log
        self.printing: background.Later | None = None  # a build's, in its second process
        self.printer: ThreadPoolExecutor | None = None  # the preview's, in order

    def start(self, documents: dict[str, str], site_dir: Path) -> None:
        """A build's reports (slug -> HTML), printed beside its pages in a second process (the site's folder is
        clean by now); when every one is in the cache, only copied from it, here, at the build's end."""
        self.printing = (background.Later if report.in_cache(documents, self.cache) else background.in_background)(
            report.print_reports, documents, site_dir, self.cache)

    def cancel(self) -> None:
        if self.printing is not None:
            self.printing.cancel()
            self.printing = None

    def finish(self) -> None:
        """The end of a build: waits for its reports; raises PluginError if they could not be printed."""
        printing, self.printing = self.printing, None
        if printing is not None:
            self._printed(printing.result, self.log)

    def in_background(self, atlas: Atlas, site_url: str, site_dir: Path, language: str) -> None:
        """The preview's reports, after the edit is on screen."""
        if self.printer is None:
            self.printer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="atlas-reports")
        self.printer.submit(self._printed, lambda: report.publish(atlas, site_url, site_dir, self.cache, 1, language),
                            self.preview_log)

    def wait(self) -> None:
        """Until the reports of every build so far are printed."""
        if self.printer is not None:
            self.printer.submit(lambda: None).result()  # one worker, in order: every earlier job is done

    def shutdown(self) -> None:
        if self.printer is not None:
            self.printer.shutdown(wait=True)
            self.printer = None

    def _printed(self, printing: Callable[[], report.Printed], logger: logging.Logger) -> None:
        """Waits for the reports to be printed and says how it went (a failure fails a build, not the preview)."""
        try:
            printed = printing()
        except Exception as error:  # WeasyPrint's or the disk's: one line, and the preview goes on
            message = f"City reports (PDF) could not be printed: {type(error).__name__}: {error}"
            if logger is self.log:
                raise PluginError(message) from None  # the build fails, and make site keeps the previous site
            logger.error(message)
            return
        if printed.printed or logger is self.log:
            logger.info(f"City reports (PDF): {len(printed.printed)} printed, {len(printed.cached)} unchanged "
                        f"from the cache, in {printed.seconds:.1f} s")
