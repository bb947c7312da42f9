"""Compiled templates, compiled once: shared by every Jinja environment of the process and kept in a folder.

Compiling the templates (Material's and ours) was about 5 % of a build's time, paid again in each of
`make site`'s seven languages and in every build after the first. A template is looked up by its name,
its file and the settings of the environment that compiles it (its syntax, extensions and policies:
what changes the compiled code); Jinja compiles it anew when its source changed. The folder is
`.cache/templates/` in the atlas's folder, git-ignored (a pull request that commits a file under
`.cache/` is refused before any template is loaded: generator/core/validate.py).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket

FOLDER = Path(".cache") / "templates"  # in the atlas's folder


class CompiledTemplates(jinja2.BytecodeCache):
    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}
        self.folder: Path | None = None

    def keep_in(self, folder: Path) -> None:
        """From now on, compiled templates are also read from and written to `folder`."""
        self.folder = folder

    def get_bucket(self, environment: jinja2.Environment, name: str, filename: str | None, source: str) -> Bucket:
        key = hashlib.sha1(f"{self.get_cache_key(name, filename)}\0{_settings(environment, name)}".encode()).hexdigest()
        bucket = Bucket(environment, key, self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self.store.get(bucket.key)
        if code is None and self.folder is not None:
            try:
                code = (self.folder / bucket.key).read_bytes()
            except OSError:
                return
        if code is not None:
            bucket.bytecode_from_string(code)  # Jinja's checks: its format, this Python, the source's checksum

    def dump_bytecode(self, bucket: Bucket) -> None:
        code = self.store[bucket.key] = bucket.bytecode_to_string()
        if self.folder is None:
            return
        try:  # written whole, then renamed: the languages of make site compile side by side
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".")
            with os.fdopen(handle, "wb") as file:
                file.write(code)
            os.replace(temporary, self.folder / bucket.key)
        except OSError:
            pass  # a read-only folder: the templates are compiled in each build, as without this cache

    def clear(self) -> None:
        self.store.clear()


def _settings(env: jinja2.Environment, name: str) -> str:
    """What, besides its source, makes a template's compiled code."""
    autoescape = env.autoescape(name) if callable(env.autoescape) else env.autoescape
    return repr((jinja2.__version__, type(env).__qualname__, env.sandboxed, env.block_start_string,
                 env.block_end_string, env.variable_start_string, env.variable_end_string, env.comment_start_string,
                 env.comment_end_string, env.line_statement_prefix, env.line_comment_prefix, env.trim_blocks,
                 env.lstrip_blocks, env.newline_sequence, env.keep_trailing_newline, env.optimized, env.is_async,
                 bool(autoescape), getattr(env.finalize, "__qualname__", env.finalize), sorted(env.extensions),
                 env.policies.get("ext.i18n.trimmed"), env.policies.get("compiler.ascii_str"),
                 getattr(env, "newstyle_gettext", None)))


COMPILED = CompiledTemplates()  # the process's: every environment of ours and of MkDocs uses it
