"""One module per schema revision; ``HEAD`` in :mod:`ecodesk.store.migrate` names the newest."""
