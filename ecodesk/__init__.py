"""EcoDesk: county reporting on Ganzhou's ecological-civilisation action plan (2024—2026)."""

__version__ = "0.1.0"
