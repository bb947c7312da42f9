"""The site: the MkDocs plugin (plugin, a page of event handlers), one language's build (build), the
whole site in every language (sites), the live preview (preview), report printing beside a build, the
theme's files once for every language, and the hand-written pages and news. It imports render and core."""
