"""The database tables (SQLAlchemy 2 ORM). Alembic migrations under ``migrations/`` create them.

Times are stored as UTC ISO-8601 text so that any SQL tool shows them readably and a later
server database needs no time-zone conversion. Values are the text the clerk typed.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    true,
)
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
    problem_id: Mapped[str] = mapped_column(Text)
    form: Mapped[str] = mapped_column(String(8))
    field: Mapped[str | None] = mapped_column(Text, nullable=True)
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
    key: Mapped[str] = mapped_column(Text)
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
    field: Mapped[str | None] = mapped_column(Text, nullable=True)
    old: Mapped[str | None] = mapped_column(Text, nullable=True)
    new: Mapped[str | None] = mapped_column(Text, nullable=True)
    person: Mapped[str] = mapped_column(String(64), default="", server_default="")
    # the running program that saved it (Store.client): windows skip their own changes
    client: Mapped[str | None] = mapped_column(String(32), nullable=True)


class PresenceRow(Base):
    """Who has which form open: one row per open window, kept alive by its heartbeat.

    ``seen_epoch`` is the database's clock at the last heartbeat (seconds since 1970), so that
    expiry does not depend on the clocks of the office's PCs (see :mod:`ecodesk.store.live`).
    """

    __tablename__ = "presence"

    client: Mapped[str] = mapped_column(String(64), primary_key=True)
    person: Mapped[str] = mapped_column(String(64))
    os_user: Mapped[str] = mapped_column(String(64))
    host: Mapped[str] = mapped_column(String(128))
    period: Mapped[str | None] = mapped_column(String(8), nullable=True)
    form: Mapped[str | None] = mapped_column(String(8), nullable=True)
    since: Mapped[str] = mapped_column(String(32))
    seen_epoch: Mapped[int] = mapped_column(BigInteger)


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
    key: Mapped[str] = mapped_column(Text)
    form: Mapped[str] = mapped_column(String(8))
    label: Mapped[str] = mapped_column(Text)
    value: Mapped[str] = mapped_column(Text)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[str | None] = mapped_column(String(32), nullable=True)


class AttachmentRow(Base):
    """A file attached to a revision as evidence (佐证材料); its bytes are in the data folder,
    named by ``sha256``. ``removed_at`` marks a file taken off a draft (undoable)."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(200))  # a form, a field or FORM:TABLE#ROW
    form: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(255))  # the file's name as the clerk chose it
    kind: Mapped[str] = mapped_column(String(8))  # ecodesk.attachments.kinds code
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    note: Mapped[str] = mapped_column(Text)  # the description the clerk wrote
    added_at: Mapped[str] = mapped_column(String(32))
    added_by: Mapped[str] = mapped_column(String(64))
    removed_at: Mapped[str | None] = mapped_column(String(32), nullable=True)


class AttachmentBlobRow(Base):
    """An attachment's bytes inside a backup copy (empty in a working store): a backup is one file."""

    __tablename__ = "attachment_blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class SharedFileRow(Base):
    """An attachment's content held in a server store, for every PC of the office (empty on
    SQLite, whose data folder holds the files); its bytes are in ``shared_file_chunks``."""

    __tablename__ = "shared_files"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    chunks: Mapped[int] = mapped_column(Integer)
    stored_at: Mapped[str] = mapped_column(String(32))


class SharedFileChunkRow(Base):
    """One piece (at most 1 MiB) of a shared file's bytes, numbered from 0."""

    __tablename__ = "shared_file_chunks"

    sha256: Mapped[str] = mapped_column(
        ForeignKey("shared_files.sha256", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class PersonRow(Base):
    """Someone who signs in to a shared store (see :mod:`ecodesk.store.people`)."""

    __tablename__ = "people"
    __table_args__ = (UniqueConstraint("name", name="uq_people_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    roles: Mapped[str] = mapped_column(String(64))  # "filler,reviewer,head" (any of them)
    password_hash: Mapped[str] = mapped_column(Text)  # scrypt$N$r$p$salt$hash (base64)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[str] = mapped_column(String(32))
    created_by: Mapped[str] = mapped_column(String(64), default="", server_default="")


class FormReviewRow(Base):
    """The office's own review of one form of one revision (see :mod:`ecodesk.store.office`)."""

    __tablename__ = "form_reviews"
    __table_args__ = (UniqueConstraint("submission_id", "form", name="uq_form_review"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    form: Mapped[str] = mapped_column(String(8))
    state: Mapped[str] = mapped_column(String(12))  # reviewed | returned | changed
    comment: Mapped[str] = mapped_column(Text, default="", server_default="")
    reviewer: Mapped[str] = mapped_column(String(64))
    at: Mapped[str] = mapped_column(String(32))
    changed_at: Mapped[str | None] = mapped_column(String(32), nullable=True)
