"""The `atlas` command (main): validate, new, import, diff, translations. It imports the core and render."""
