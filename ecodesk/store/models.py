"""The database tables (SQLAlchemy 2 ORM). Alembic migrations under ``migrations/`` create them.

Times are stored as UTC ISO-8601 text so that any SQL tool shows them readably and a later
server database needs no time-zone conversion. Values are the text the clerk typed.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class UnitProfileRow(Base):
    """The reporting unit of this install (one row, id 1)."""

    __tablename__ = "unit_profile"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    division_code: Mapped[str] = mapped_column(String(16))
    division_name: Mapped[str] = mapped_column(String(64))
    department: Mapped[str] = mapped_column(String(128))
    preparer: Mapped[str] = mapped_column(String(64), default="")
    reviewer: Mapped[str] = mapped_column(String(64), default="")
    phone: Mapped[str] = mapped_column(String(64), default="")
    head: Mapped[str] = mapped_column(String(64), default="", server_default="")
    updated_at: Mapped[str] = mapped_column(String(32))


class PeriodRow(Base):
    __tablename__ = "periods"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)  # "2026" or "2026Q3"
    year: Mapped[int] = mapped_column(Integer)
    quarter: Mapped[int | None] = mapped_column(Integer, nullable=True)


class SubmissionRow(Base):
    """One revision of the unit's report for a period."""

    __tablename__ = "submissions"
    __table_args__ = (
        UniqueConstraint("period_id", "revision", name="uq_submission_period_revision"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id", ondelete="RESTRICT"))
    unit_code: Mapped[str] = mapped_column(String(16), default="")
    revision: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(8), default="draft")  # draft → checked → signed
    supersedes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    supersede_reason: Mapped[str] = mapped_column(Text, default="")
    pack_version: Mapped[str] = mapped_column(String(16))
    # content digest of the pack the revision was made under ("" before packs were signed files)
    pack_digest: Mapped[str] = mapped_column(String(64), default="", server_default="")
    created_at: Mapped[str] = mapped_column(String(32))
    signed_at: Mapped[str | None] = mapped_column(String(32), nullable=True)
    fingerprint: Mapped[str | None] = mapped_column(String(128), nullable=True)
    digest: Mapped[str | None] = mapped_column(String(128), nullable=True)
    workbook_path: Mapped[str | None] = mapped_column(Text, nullable=True)

    period: Mapped[PeriodRow] = relationship()


class ValueRow(Base):
    __tablename__ = "field_values"
    __table_args__ = (UniqueConstraint("submission_id", "form", "field", name="uq_value_field"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    form: Mapped[str] = mapped_column(String(8))
    field: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[str] = mapped_column(String(32))


class NarrativeRow(Base):
    __tablename__ = "narratives"
    __table_args__ = (
        UniqueConstraint("submission_id", "form", "section", name="uq_narrative_section"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    form: Mapped[str] = mapped_column(String(8))
    section: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[str] = mapped_column(String(32))


class TableCellRow(Base):
    """One cell of a repeatable table; a row is the cells sharing ``row_no``."""

    __tablename__ = "table_cells"
    __table_args__ = (
        UniqueConstraint(
            "submission_id", "form", "table_code", "row_no", "column", name="uq_table_cell"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    form: Mapped[str] = mapped_column(String(8))
    table_code: Mapped[str] = mapped_column(String(64))
    row_no: Mapped[int] = mapped_column(Integer)
    column: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)


class AcceptedWarningRow(Base):
    __tablename__ = "accepted_warnings"
    __table_args__ = (UniqueConstraint("submission_id", "problem_id", name="uq_accepted_problem"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    problem_id: Mapped[str] = mapped_column(String(160))
    form: Mapped[str] = mapped_column(String(8))
    field: Mapped[str | None] = mapped_column(String(160), nullable=True)
    message: Mapped[str] = mapped_column(Text)
    explanation: Mapped[str] = mapped_column(Text)
    accepted_at: Mapped[str] = mapped_column(String(32))
    accepted_by: Mapped[str] = mapped_column(String(64), default="")


class BaselineRow(Base):
    """Values of an earlier period imported from a workbook (usually last year's signed one)."""

    __tablename__ = "baselines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period_id: Mapped[int] = mapped_column(
        ForeignKey("periods.id", ondelete="RESTRICT"), unique=True
    )
    source: Mapped[str] = mapped_column(Text)
    signature_status: Mapped[str] = mapped_column(String(32))
    imported_at: Mapped[str] = mapped_column(String(32))


class BaselineValueRow(Base):
    __tablename__ = "baseline_values"
    __table_args__ = (UniqueConstraint("baseline_id", "key", name="uq_baseline_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    baseline_id: Mapped[int] = mapped_column(
        ForeignKey("baselines.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(160))
    text: Mapped[str] = mapped_column(Text)


class AuditRow(Base):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_period_at", "period", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[str] = mapped_column(String(32), index=True)
    os_user: Mapped[str] = mapped_column(String(64))
    preparer: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(32))
    period: Mapped[str | None] = mapped_column(String(8), nullable=True)
    revision: Mapped[int | None] = mapped_column(Integer, nullable=True)
    form: Mapped[str | None] = mapped_column(String(8), nullable=True)
    field: Mapped[str | None] = mapped_column(String(160), nullable=True)
    old: Mapped[str | None] = mapped_column(Text, nullable=True)
    new: Mapped[str | None] = mapped_column(Text, nullable=True)


class SettingRow(Base):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class FeedbackRow(Base):
    """A feedback file (审核意见书): one this office sent (reviewer) or one this unit received."""

    __tablename__ = "feedback"
    __table_args__ = (UniqueConstraint("direction", "digest", name="uq_feedback_digest"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    direction: Mapped[str] = mapped_column(String(8))  # "sent" | "received"
    digest: Mapped[str] = mapped_column(String(128))  # of the feedback's signed data
    fingerprint: Mapped[str] = mapped_column(String(128))  # the reviewer's key
    unit_code: Mapped[str] = mapped_column(String(16))  # the unit whose submission it answers
    unit_name: Mapped[str] = mapped_column(String(64))
    department: Mapped[str] = mapped_column(String(128))
    reviewer_code: Mapped[str] = mapped_column(String(16))
    reviewer_name: Mapped[str] = mapped_column(String(64))
    reviewer_department: Mapped[str] = mapped_column(String(128))
    reviewer_person: Mapped[str] = mapped_column(String(64), default="")
    period: Mapped[str] = mapped_column(String(8), index=True)
    revision: Mapped[int] = mapped_column(Integer)  # the revision it answers
    submission_digest: Mapped[str] = mapped_column(String(128))
    decision: Mapped[str] = mapped_column(String(8))  # return | accept | queries
    reason: Mapped[str] = mapped_column(Text, default="")
    issued_at: Mapped[str] = mapped_column(String(32))
    recorded_at: Mapped[str] = mapped_column(String(32))
    path: Mapped[str] = mapped_column(Text, default="")
    # at a unit: the revision opened to answer it (a return or queries), None for an acceptance
    opened_revision: Mapped[int | None] = mapped_column(Integer, nullable=True)


class FeedbackQueryRow(Base):
    """One query of a feedback, with the unit's answer once given."""

    __tablename__ = "feedback_queries"
    __table_args__ = (UniqueConstraint("feedback_id", "n", name="uq_feedback_query_n"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    feedback_id: Mapped[int] = mapped_column(
        ForeignKey("feedback.id", ondelete="CASCADE"), index=True
    )
    n: Mapped[int] = mapped_column(Integer)  # its number in the feedback, from 1
    key: Mapped[str] = mapped_column(String(200))
    form: Mapped[str] = mapped_column(String(8))
    label: Mapped[str] = mapped_column(Text)
    value: Mapped[str] = mapped_column(Text)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[str | None] = mapped_column(String(32), nullable=True)
