"""Work that a build does on the machine's second core: a function run in a forked child.

A full build of the site is MkDocs rendering page after page on one core. What the pages do
not wait for (printing the city reports) or wait for only later (whether WeasyPrint can print
here: its import alone takes half a second) runs in a child process, forked so that it starts
with everything this process has loaded and built, and nothing is pickled on the way in; only
its result comes back. Where that is not safe or not worth it (one core, no `fork`, or other
threads running, as under `mkdocs serve`), the function runs here instead, when its result is
first asked for: the caller cannot tell the difference, except in time.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from typing import Any, Callable


def worth_a_worker() -> bool:
    """A second core to run on, and `fork` to start a child that inherits the loaded modules."""
    return (os.cpu_count() or 1) > 1 and "fork" in multiprocessing.get_all_start_methods()


class Later:
    """A function's result, computed here when first asked for."""

    def __init__(self, function: Callable[..., Any], *args: Any):
        self.function, self.args = function, args
        self.done = False
        self.value: Any = None

    def result(self) -> Any:
        if not self.done:
            self.value, self.done = self.function(*self.args), True
        return self.value

    def cancel(self) -> None:
        """Not wanted after all: never computed."""
        self.done = True


class Forked(Later):
    """A function's result, computed meanwhile in a forked child; its exception is raised here."""

    def __init__(self, function: Callable[..., Any], *args: Any):
        super().__init__(function, *args)
        context = multiprocessing.get_context("fork")
        self.receive, send = context.Pipe(duplex=False)
        # Not a daemon: the child may start processes of its own (the reports are printed by a pool).
        self.process = context.Process(target=_run, args=(send, function, args),
                                       name=f"atlas-{getattr(function, '__name__', 'work')}")
        self.process.start()
        send.close()

    def result(self) -> Any:
        if not self.done:
            try:
                outcome, value = self.receive.recv()
            except EOFError:  # the child died without a word (killed, out of memory)
                self.process.join()
                raise RuntimeError(f"the background process {self.process.name} ended with exit status "
                                   f"{self.process.exitcode} before it finished") from None
            finally:
                self.receive.close()
            self.process.join()
            if outcome == "raised":
                raise value
            self.value, self.done = value, True
        return self.value


    def cancel(self) -> None:
        """Not wanted after all: the child is stopped."""
        if not self.done:
            self.process.terminate()
            self.process.join()
            self.receive.close()
            self.done = True


def _run(send, function: Callable[..., Any], args: tuple) -> None:
    try:
        answer = ("returned", function(*args))
    except BaseException as error:  # noqa: BLE001 - every failure goes back to the parent, which raises it
        answer = ("raised", error)
    try:
        send.send(answer)
    except Exception as error:  # an answer that cannot be pickled: its description
        send.send(("raised", RuntimeError(f"{type(answer[1]).__name__}: {answer[1]}"
                                          if answer[0] == "raised" else f"an unpicklable result ({error})")))
    send.close()


def in_background(function: Callable[..., Any], *args: Any) -> Later:
    """Start `function(*args)` in a forked child where that is safe and worth it; else run it here, later."""
    if worth_a_worker() and threading.active_count() == 1:
        return Forked(function, *args)
    return Later(function, *args)
