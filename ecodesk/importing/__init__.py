"""Reading last year's figures into this year's baseline: the city's template and signed workbooks.

Everything here reads files the unit did not make itself, so every reader goes through
:mod:`ecodesk.importing.safety` first and nothing is written until the person has seen a
preview (:mod:`ecodesk.services.import_previous`).
"""
