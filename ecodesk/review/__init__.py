"""The way back: the receiver's review of a submission and the unit's answers.

``keys`` parses the places a query points at; ``model`` is the feedback (审核意见书) as plain data
and as signed records; ``workbook`` writes and reads the signed feedback workbook with the same
machinery as a submission; ``suggest`` turns the checks the program already knows into
ready-made questions; ``diff`` compares two revisions; ``state`` says where each unit stands.
The reviewer's record and the unit's received feedback live in the store
(:mod:`ecodesk.store.feedback`); the commands are ``review``, ``feedback`` and ``diff``.
"""
