"""The linked atlas made into what readers get: the pages' Markdown (pages), the downloads (export,
pages.render_data) and the city reports' HTML and PDF (report). It imports the core, never site or cli."""
