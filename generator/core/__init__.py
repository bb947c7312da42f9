"""The atlas's data: the model and its kinds, the project's files as found (load, project), every rule
(validate), the linked graph (link) and its translations (translate). It imports nothing of the
later layers: render, site and cli build on it."""
