"""The root of the exceptions that carry a message meant for a person.

Core modules raise specific subclasses (``WorkbookTampered``, ``StoreLocked`` …) whose
``str()`` is a Chinese sentence saying what happened and what to do; the command line and
the window show that sentence and never a traceback.
"""


class EcoDeskError(Exception):
    """An error whose message is for the user."""
