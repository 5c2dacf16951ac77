"""Form packs the city signs and sends: the pack file, its trust anchor, diffs and installing.

``forms/`` reads a pack (YAML) and answers questions about it; this package is about the pack as
a *file that travels*: built from a designer's folder (:mod:`.bundle`), signed with the city's
key and checked against the trust anchor the program ships (:mod:`.trust`), compared with the
installed one (:mod:`.diff`), and installed into the data folder with a way back
(:mod:`.installed`).
"""
