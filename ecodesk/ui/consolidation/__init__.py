"""The consolidation window: received workbooks verified, the summary, its export, and up the chain.

Only :mod:`ecodesk.services.consolidate` decides anything; these widgets show what it found.
"""
