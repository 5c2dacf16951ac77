"""Printed documents (reportlab): the submission sheet and the key registration sheet."""
