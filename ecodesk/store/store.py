"""The store: everything a reporting unit enters, saved as it is typed, with an audit trail.

Every edit is one short transaction, committed (WAL, synchronous FULL) before the call
returns, so a crash or power cut never loses a value the window showed as saved. A signed
revision is frozen; a correction is a new revision that records what it supersedes and why.
"""

from __future__ import annotations

import enum
import getpass
import json
import logging
import os
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, NoReturn

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from ecodesk import clock
from ecodesk.errors import EcoDeskError
from ecodesk.forms.keys import BadKey, FieldKey, SectionKey, TableKey, is_form_code
from ecodesk.forms.schema import CELL_TEXT_LIMIT, cell_length
from ecodesk.i18n import tr
from ecodesk.store import backup, migrate, people, settings, table_rows, transfer
from ecodesk.store.audit import AuditEntry
from ecodesk.store.engine import (
    display_url,
    lock_form,
    make_engine,
    resolve_url,
    sqlite_file_of,
    writer_engine,
)
from ecodesk.store.errors import (
    BadFieldKey,
    ChangedWhileSigning,
    ProfileConflict,
    ProfileTextTooLong,
    RevisionNotSigned,
    SubmissionFrozen,
    TableConflict,
    ValueConflict,
)
from ecodesk.store.models import (
    AcceptedWarningRow,
    AttachmentRow,
    AuditRow,
    BaselineRow,
    BaselineValueRow,
    FormReviewRow,
    NarrativeRow,
    PeriodRow,
    PersonRow,
    SettingRow,
    SubmissionRow,
    TableCellRow,
    UnitProfileRow,
    ValueRow,
)
from ecodesk.store.server import database_errors, server_errors
from ecodesk.store.settings import Setting
from ecodesk.store.table_merge import TableMerge, merge_rows, same_rows
from ecodesk.store.table_rows import TableSaved
from ecodesk.submission import (
    AcceptedWarning,
    AttachedFile,
    Period,
    Status,
    SubmissionData,
    TableRow,
    UnitProfile,
)

if TYPE_CHECKING:
    from ecodesk.forms.loader import FormPack

log = logging.getLogger(__name__)

EMPTY_ROW_MARK = ""  # column name of the one cell that keeps an all-blank table row


def _setting_name(setting: Setting) -> str:
    if not isinstance(setting, Setting):  # a free string would silently read a missing setting
        raise TypeError(f"settings are read through ecodesk.store.settings, not {setting!r}")
    return setting.name


@dataclass(frozen=True)
class Baseline:
    """Values of an earlier period taken from a workbook, and where they came from."""

    period: Period
    values: dict[str, str]
    source: str
    signature_status: str
    imported_at: datetime


@dataclass(frozen=True)
class RevisionInfo:
    """One revision of a period, for lists in the window (without its data)."""

    period: Period
    revision: int
    status: Status
    supersedes: int | None
    reason: str
    created_at: datetime
    signed_at: datetime | None
    fingerprint: str | None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return os.environ.get("USERNAME", "") or tr("store", "未知用户")


def _prepare_database_file(db_path: Path) -> None:
    """The folder exists and the database file is the user's alone (0600 on POSIX; SQLite gives
    its -wal and -shm files the same permissions)."""
    from ecodesk.paths import make_private
    from ecodesk.storage import storage_error

    try:
        db_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not db_path.exists():
            os.close(os.open(db_path, os.O_WRONLY | os.O_CREAT, 0o600))
    except OSError as exc:
        raise storage_error(exc, db_path) from None
    for path in (db_path, Path(f"{db_path}-wal"), Path(f"{db_path}-shm")):
        if path.exists():
            make_private(path)


@contextmanager
def _storage_errors(db_path: Path | None) -> Iterator[None]:
    """SQLite's I/O errors (disk full, read-only, cannot open) as a :class:`StorageError`."""
    from sqlalchemy.exc import DBAPIError

    from ecodesk.storage import is_storage_problem, storage_error

    try:
        yield
    except DBAPIError as exc:
        if db_path is None or exc.orig is None or not is_storage_problem(exc.orig):
            raise
        raise storage_error(exc.orig, db_path) from None


def _split_key(key: str) -> tuple[str, str]:
    if not FieldKey.is_valid(key):
        raise BadFieldKey(key)
    parsed = FieldKey.parse(key)
    return parsed.form, parsed.code


def _split_section(key: str) -> tuple[str, str]:
    try:
        parsed = SectionKey.parse(key)
    except BadKey:
        raise BadFieldKey(key) from None
    return parsed.form, parsed.section


def _table_key(key: str) -> TableKey:
    try:
        return TableKey.parse(key)
    except BadKey:
        raise BadFieldKey(key) from None


PROFILE_FIELDS = (
    "division_code",
    "division_name",
    "department",
    "preparer",
    "reviewer",
    "phone",
    "head",
)


def profile_label(name: str) -> str:
    """What the clerk calls an entry of the unit's profile."""
    labels = {
        "division_code": tr("store", "行政区划代码"),
        "division_name": tr("store", "行政区划"),
        "department": tr("store", "填报单位（部门）"),
        "preparer": tr("store", "填报人"),
        "reviewer": tr("store", "审核人"),
        "phone": tr("store", "联系电话"),
        "head": tr("store", "单位负责人"),
    }
    return labels.get(name, name)


def _check_lengths(profile: UnitProfile) -> None:
    """Refuse text longer than its column, on every engine alike: PostgreSQL would refuse it
    with an error nobody can read, SQLite would keep it and a later copy to a server would fail."""
    for column in UnitProfileRow.__table__.columns:
        limit = getattr(column.type, "length", None)
        value = getattr(profile, column.name, None)
        if limit and isinstance(value, str) and len(value) > limit:
            raise ProfileTextTooLong(value, limit)


class _Unset(enum.Enum):
    UNSET = "unset"


UNSET = _Unset.UNSET  # set_value without a conflict check


class Store:
    """The unit's database. Open it with :meth:`Store.open`; use as a context manager."""

    def __init__(
        self,
        engine: Engine,
        *,
        pack: FormPack,
        db_path: Path | None = None,
        data_dir: Path | None = None,
    ) -> None:
        self._engine = engine
        self._pack = pack
        self.db_path = db_path
        # the data folder (attachments, keys, backups live there); a server store has one too
        self.data_dir = data_dir or (db_path.parent if db_path is not None else None)
        self._reads = sessionmaker(engine, expire_on_commit=False)
        self._writes = sessionmaker(writer_engine(engine), expire_on_commit=False)
        self._form_writes = sessionmaker(
            writer_engine(engine, per_form=True), expire_on_commit=False
        )
        self._os_user = _os_user()
        self.client = uuid.uuid4().hex  # this running program, in the audit log and presence
        # who is signed in (see ecodesk.store.people); None while people are off
        self.person: people.Person | None = None

    # ------------------------------------------------------------------ opening and closing

    @classmethod
    def open(cls, data_dir: Path, *, url: str | None = None, pack: FormPack | None = None) -> Store:
        """Check, back up, upgrade and open the database of ``data_dir`` (or at ``url``).

        Without ``url`` the database is found by :func:`ecodesk.store.engine.resolve_url`
        (``ECODESK_DATABASE_URL``, the address saved in the data folder, else its SQLite file).
        Raises :class:`StoreDamaged` when the file fails its integrity check or is not
        EcoDesk's, :class:`StoreTooNew` when a newer program wrote it, and a
        :class:`~ecodesk.store.errors.DatabaseServerError` when a PostgreSQL server cannot be used.
        """
        data_dir = Path(data_dir)
        if (
            pack is None
        ):  # the pack this data folder uses: the city's installed one, or the program's
            from ecodesk.packs.installed import active_pack

            pack = active_pack(data_dir)
        url = resolve_url(data_dir, url)
        db_path = sqlite_file_of(url)
        if db_path is not None:
            _prepare_database_file(db_path)
            backup.check_at_startup(db_path)
        engine = make_engine(url)
        try:
            with _storage_errors(db_path), server_errors(url):
                if migrate.needs_upgrade(engine):
                    if db_path is not None:
                        backup.backup_before_upgrade(db_path, migrate.current_revision(engine))
                    else:
                        transfer.server_backup_before_upgrade(data_dir, url)
                    migrate.upgrade(engine)
            if db_path is not None:
                backup.daily_backup(db_path)
            else:
                transfer.daily_server_backup(data_dir, url)
        except BaseException:
            engine.dispose()
            raise
        log.info("store opened at %s", db_path or display_url(url))
        store = cls(engine, pack=pack, db_path=db_path, data_dir=data_dir)
        if db_path is None:
            store._share_local_files()
        try:
            people.sign_in_from_command_line(store)  # ecodesk --user NAME …
        except BaseException:
            store.close()
            raise
        return store

    def _share_local_files(self) -> None:
        """On a shared store: the attachment files this PC holds and the database lacks go
        there (attached before the store was shared). Never stops the program from starting."""
        from ecodesk.attachments.shared import share_local_files

        try:
            share_local_files(self)
        except EcoDeskError as exc:
            log.warning("attachment files of this PC not shared now: %s", exc)

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def pack(self) -> FormPack:
        return self._pack

    def sign_in(self, name: str, password: str) -> people.Person:
        """Check ``name``'s password and act as them from now on (every change names them)."""
        self.person = people.authenticate(self, name, password)
        return self.person

    def sign_out(self) -> None:
        self.person = None

    @property
    def engine(self) -> Engine:
        return self._engine

    @property
    def os_user(self) -> str:
        """The computer user of this program (recorded in the audit log)."""
        return self._os_user

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with database_errors(self._engine), self._reads() as session:
            yield session

    @contextmanager
    def _write(self) -> Iterator[Session]:
        """One transaction, committed (and on disk) when the block ends without an exception.

        A full or read-only disk raises :class:`~ecodesk.storage.StorageError` (nothing of the
        transaction is kept), never a damage message; a save that waited out the lock timeout
        raises :class:`StoreBusy`, a lost server :class:`DatabaseUnreachable`.
        """
        with (
            _storage_errors(self.db_path),
            database_errors(self._engine),
            self._writes.begin() as session,
        ):
            yield session

    @contextmanager
    def _write_form(self, period: Period, form: str) -> Iterator[Session]:
        """:meth:`_write` for a save that touches only ``form`` of ``period``'s editable revision.

        On PostgreSQL it waits only for saves to the same form (and for store-wide writes), so
        two people on different forms never disturb each other; the revision is created first,
        under the store-wide lock, when the period has none yet. On SQLite it is :meth:`_write`.
        """
        if self._engine.dialect.name != "postgresql":
            with self._write() as s:
                yield s
            return
        with self._read() as s:
            exists = self._submission(s, period, None) is not None
        if not exists:
            with self._write() as s:
                self._latest_or_new(s, period)
        with (
            _storage_errors(self.db_path),
            database_errors(self._engine),
            self._form_writes.begin() as session,
        ):
            lock_form(session, str(period), form)
            yield session

    # ------------------------------------------------------------------ profile and settings

    def profile(self) -> UnitProfile | None:
        with self._read() as s:
            row = s.get(UnitProfileRow, 1)
            return self._profile_of(row) if row else None

    @staticmethod
    def _profile_of(row: UnitProfileRow) -> UnitProfile:
        return UnitProfile(
            division_code=row.division_code,
            division_name=row.division_name,
            department=row.department,
            preparer=row.preparer,
            reviewer=row.reviewer,
            phone=row.phone,
            head=row.head,
        )

    def save_profile(
        self, profile: UnitProfile, *, based_on: UnitProfile | None | _Unset = UNSET
    ) -> None:
        """Save the unit's profile. ``based_on``: the profile the person started from (None:
        there was none); entries someone else changed since are kept where this person left
        them alone, and one both changed differently raises :class:`ProfileConflict`."""
        _check_lengths(profile)
        with self._write() as s:
            row = s.get(UnitProfileRow, 1)
            old = self._profile_of(row) if row else None
            if not isinstance(based_on, _Unset) and old is not None and old != based_on:
                profile = self._merge_profile(s, based_on, profile, old)
            if row is None:
                row = UnitProfileRow(id=1)
                s.add(row)
            for name in PROFILE_FIELDS:
                before = getattr(old, name) if old else None
                after = getattr(profile, name)
                if (before or "") != after:
                    self._audit(
                        s,
                        "set_profile",
                        field=name,
                        old=before,
                        new=after,
                        preparer=profile.preparer,
                    )
                setattr(row, name, after)
            row.updated_at = _now()

    def _merge_profile(
        self, s: Session, base: UnitProfile | None, mine: UnitProfile, theirs: UnitProfile
    ) -> UnitProfile:
        keep_mine: dict[str, str] = {}
        keep_theirs: dict[str, str] = {}
        clashes: list[str] = []
        for name in PROFILE_FIELDS:
            b, m, t = (
                (getattr(base, name) if base else ""),
                getattr(mine, name),
                getattr(theirs, name),
            )
            if m == b or m == t:
                keep_mine[name] = keep_theirs[name] = t
            elif t == b:
                keep_mine[name] = keep_theirs[name] = m
            else:
                clashes.append(name)
                keep_mine[name], keep_theirs[name] = m, t
        if not clashes:
            return UnitProfile(**keep_mine)
        other = s.scalar(
            select(AuditRow)
            .where(AuditRow.action == "set_profile", AuditRow.field.in_(clashes))
            .order_by(AuditRow.id.desc())
            .limit(1)
        )
        raise ProfileConflict(
            [
                (
                    profile_label(n),
                    getattr(base, n) if base else "",
                    getattr(mine, n),
                    getattr(theirs, n),
                )
                for n in clashes
            ],
            keep_mine=UnitProfile(**keep_mine),
            keep_theirs=UnitProfile(**keep_theirs),
            current=theirs,
            by=(other.person or other.preparer, other.os_user) if other else None,
            at=_parse_time(other.at) if other else None,
        )

    def settings_get(self, setting: Setting) -> str | None:
        """The stored text of ``setting`` (declared in :mod:`ecodesk.store.settings`), or its default."""
        with self._read() as s:
            row = s.get(SettingRow, _setting_name(setting))
            return row.value if row else setting.default

    def settings_set(self, setting: Setting, value: str | None) -> None:
        """Set ``setting`` to ``value``; ``None`` removes it (reading gives its default again)."""
        with self._write() as s:
            self._put_setting(s, setting, value)

    @staticmethod
    def _put_setting(s: Session, setting: Setting, value: str | None) -> None:
        name = _setting_name(setting)
        row = s.get(SettingRow, name)
        if value is None:
            if row is not None:
                s.delete(row)
        elif row is None:
            s.add(SettingRow(key=name, value=value))
        else:
            row.value = value

    def responsible_forms(self) -> list[str]:
        """The forms this unit reports on, in the plan's order (all forms until set)."""
        return self._responsible_of(self.settings_get(settings.RESPONSIBLE_FORMS))

    def _responsible_of(self, stored: str | None) -> list[str]:
        if stored is None:
            return list(self._pack.forms)
        codes = set(json.loads(stored))
        if not codes & set(self._pack.forms):
            # none of them is in the pack in use (a new plan was installed): every form, until
            # the unit chooses again
            return list(self._pack.forms)
        return [c for c in self._pack.forms if c in codes] + sorted(codes - set(self._pack.forms))

    def set_responsible_forms(
        self, codes: Sequence[str], *, based_on: Sequence[str] | None = None
    ) -> None:
        """The forms the unit fills. ``based_on``: the list the person started from; forms
        someone else added or removed since stay added or removed unless this person changed
        the same form too (a list of choices merges: there is nothing to ask)."""
        unknown = [c for c in codes if c not in self._pack.forms]
        if unknown:
            raise EcoDeskError(
                tr("store", "没有这些表单：{codes}。请从表单目录中选择。", codes="、".join(unknown))
            )
        with self._write() as s:
            row = s.get(SettingRow, settings.RESPONSIBLE_FORMS.name)
            old = row.value if row else None
            chosen = set(codes)
            if based_on is not None:
                theirs, base = set(self._responsible_of(old)), set(based_on)
                chosen = (theirs - (base - chosen)) | (chosen - base)
            ordered = [c for c in self._pack.forms if c in chosen]
            new = json.dumps(ordered, ensure_ascii=False)
            if row is None:
                s.add(SettingRow(key=settings.RESPONSIBLE_FORMS.name, value=new))
            else:
                row.value = new
            if old != new:
                self._audit(s, "set_responsible_forms", old=old, new=new)

    # ------------------------------------------------------------------ periods

    def current_period(self) -> Period:
        stored = self.settings_get(settings.CURRENT_PERIOD)
        years = self._pack.catalog.plan.years
        if stored and (not years or Period.parse(stored).year in years):
            return Period.parse(stored)
        # none stored, or one of another plan's years (a new plan was installed)
        return Period(min(max(clock.today().year, years[0]), years[-1]))

    def set_current_period(self, period: Period) -> None:
        self.settings_set(settings.CURRENT_PERIOD, str(period))
        with self._write() as s:
            self._period_row(s, period)

    def periods(self) -> list[Period]:
        """Every period that has data or a baseline, and the current one, oldest first."""
        with self._read() as s:
            codes = set(s.scalars(select(PeriodRow.code)))
        found = {Period.parse(c) for c in codes} | {self.current_period()}
        return sorted(found)

    def _period_row(self, s: Session, period: Period) -> PeriodRow:
        row = s.scalar(select(PeriodRow).where(PeriodRow.code == str(period)))
        if row is None:
            row = PeriodRow(code=str(period), year=period.year, quarter=period.quarter)
            s.add(row)
            s.flush()
        return row

    # ------------------------------------------------------------------ submissions

    def _submission(self, s: Session, period: Period, revision: int | None) -> SubmissionRow | None:
        query = select(SubmissionRow).join(PeriodRow).where(PeriodRow.code == str(period))
        if revision is not None:
            return s.scalar(query.where(SubmissionRow.revision == revision))
        return s.scalar(query.order_by(SubmissionRow.revision.desc()).limit(1))

    def _latest_or_new(self, s: Session, period: Period) -> SubmissionRow:
        row = self._submission(s, period, None)
        if row is None:
            profile = s.get(UnitProfileRow, 1)
            row = SubmissionRow(
                period_id=self._period_row(s, period).id,
                unit_code=profile.division_code if profile else "",
                revision=1,
                status="draft",
                supersedes=None,
                supersede_reason="",
                pack_version=self._pack.version,
                pack_digest=self._pack.digest,
                created_at=_now(),
            )
            s.add(row)
            s.flush()
            # an empty first draft, made by reading a new period: no one's change
            self._audit(s, "create_revision", period=period, revision=1, system=True)
        return row

    def _editable(self, s: Session, period: Period) -> SubmissionRow:
        acting = self._acting(s)
        if acting is not None and people.FILLER not in people._roles_of(acting):
            raise people.RoleRequired(acting.name, people.FILLER, tr("store", "修改表单"))
        row = self._latest_or_new(s, period)
        if row.status == "signed":
            raise SubmissionFrozen(period.label, row.revision)
        return row

    @staticmethod
    def _changed(sub: SubmissionRow) -> None:
        # A check was for the data as it was; a real change makes it stale.
        if sub.status == "checked":
            sub.status = "draft"

    def _form_changed(self, s: Session, sub: SubmissionRow, period: Period, form: str) -> None:
        """A saved change to ``form`` makes its office review stale (see ecodesk.store.office):
        已审核 or 退回修改 becomes 已修改待复审, in the transaction of the change."""
        self._changed(sub)
        if not self._people_on(
            s
        ):  # reviews count only while people are on (see set_people_enabled)
            return
        seen = s.info.setdefault("forms_changed", set())
        if (sub.id, form) in seen:  # once per form and transaction: bulk writes change many
            return
        seen.add((sub.id, form))
        with s.no_autoflush:
            review = s.scalar(
                select(FormReviewRow).where(
                    FormReviewRow.submission_id == sub.id, FormReviewRow.form == form
                )
            )
        if review is None or review.state == "changed":
            return
        old, review.state, review.changed_at = review.state, "changed", _now()
        self._audit(
            s,
            "review_reset",
            period=period,
            revision=sub.revision,
            form=form,
            old=old,
            new="changed",
        )

    def revisions(self, period: Period) -> list[RevisionInfo]:
        with self._read() as s:
            rows = s.scalars(
                select(SubmissionRow)
                .join(PeriodRow)
                .where(PeriodRow.code == str(period))
                .order_by(SubmissionRow.revision)
            ).all()
            return [
                RevisionInfo(
                    period=period,
                    revision=r.revision,
                    status=r.status,  # type: ignore[arg-type]
                    supersedes=r.supersedes,
                    reason=r.supersede_reason,
                    created_at=_parse_time(r.created_at),
                    signed_at=_parse_time(r.signed_at) if r.signed_at else None,
                    fingerprint=r.fingerprint,
                )
                for r in rows
            ]

    def load(self, period: Period, revision: int | None = None) -> SubmissionData:
        """The data of ``period`` (its latest revision unless ``revision`` is given).

        The draft revision 1 is created when the period has none yet. ``previous`` holds last
        year's values (from that year's submission, or the imported baseline) and ``history``
        the values of every earlier period.
        """
        with self._read() as s:
            row = self._submission(s, period, revision)
        if row is None:
            if revision not in (None, 1):
                raise EcoDeskError(
                    tr(
                        "store",
                        "{period} 没有第 {revision} 版报送。",
                        period=period.label,
                        revision=revision,
                    )
                )
            with self._write() as s:
                self._latest_or_new(s, period)
        with self._read() as s:
            row = self._submission(s, period, revision)
            assert row is not None
            profile_row = s.get(UnitProfileRow, 1)
            signed = row.status == "signed"
            data = SubmissionData(
                unit=self._profile_of(profile_row) if profile_row else UnitProfile("", "", ""),
                period=period,
                revision=row.revision,
                # a signed revision keeps the pack it was signed under; a draft is under the
                # pack in use now (installing a pack moves drafts along, see adopt_pack)
                pack_version=row.pack_version if signed else self._pack.version,
                pack_digest=row.pack_digest if signed else self._pack.digest,
                forms=[f for f in self.responsible_forms() if signed or f in self._pack.forms],
                status=row.status,  # type: ignore[arg-type]
                supersedes=row.supersedes,
            )
            self._fill(s, row.id, data)
            if not signed:
                self._under_current_pack(data)
            from ecodesk.store.feedback import fill_answers

            fill_answers(s, period, row, data)
            history = self._history(s, period)
        data.history = {str(p): values for p, values in history.items()}
        data.previous = dict(history.get(period.previous_year(), {}))
        return data

    def _fill(self, s: Session, submission_id: int, data: SubmissionData) -> None:
        for v in s.scalars(select(ValueRow).where(ValueRow.submission_id == submission_id)):
            data.values[f"{v.form}:{v.field}"] = v.text
        for n in s.scalars(select(NarrativeRow).where(NarrativeRow.submission_id == submission_id)):
            data.narratives[f"{n.form}:{n.section}"] = n.text
        cells = s.scalars(
            select(TableCellRow)
            .where(TableCellRow.submission_id == submission_id)
            .order_by(
                TableCellRow.form, TableCellRow.table_code, TableCellRow.row_no, TableCellRow.id
            )
        )
        rows: dict[str, dict[int, TableRow]] = {}
        for c in cells:
            row = rows.setdefault(f"{c.form}:{c.table_code}", {}).setdefault(c.row_no, {})
            if c.column != EMPTY_ROW_MARK:
                row[c.column] = c.text
        data.tables = {key: [by_no[n] for n in sorted(by_no)] for key, by_no in rows.items()}
        accepted = s.scalars(
            select(AcceptedWarningRow)
            .where(AcceptedWarningRow.submission_id == submission_id)
            .order_by(AcceptedWarningRow.id)
        )
        data.accepted = [
            AcceptedWarning(
                problem_id=a.problem_id,
                form=a.form,
                message=a.message,
                explanation=a.explanation,
                field=a.field,
            )
            for a in accepted
        ]
        from ecodesk.attachments.places import place_label

        attached = s.scalars(
            select(AttachmentRow)
            .where(AttachmentRow.submission_id == submission_id, AttachmentRow.removed_at.is_(None))
            .order_by(AttachmentRow.id)
        )
        data.attachments = [
            AttachedFile(
                n=n,
                key=f.key,
                label=place_label(self._pack, f.key),
                name=f.name,
                kind=f.kind,
                size=f.size,
                sha256=f.sha256,
                note=f.note,
            )
            for n, f in enumerate(attached, start=1)
        ]

    def _history(self, s: Session, period: Period) -> dict[Period, dict[str, str]]:
        """Values of the earlier periods of the same kind (years, or quarters)."""
        result: dict[Period, dict[str, str]] = {}
        for code in s.scalars(select(PeriodRow.code)):
            other = Period.parse(code)
            if (other.quarter is None) != (period.quarter is None) or other >= period:
                continue
            values = self._reference_values(s, other)
            if values:
                result[other] = self._current_keys(values)
        return dict(sorted(result.items()))

    def _reference_values(self, s: Session, period: Period) -> dict[str, str]:
        """What a period's figures are: its signed workbook, else the imported baseline, else the draft."""
        subs = s.scalars(
            select(SubmissionRow)
            .join(PeriodRow)
            .where(PeriodRow.code == str(period))
            .order_by(SubmissionRow.revision.desc())
        ).all()
        chosen = next((r for r in subs if r.status == "signed"), None)
        if chosen is None:
            baseline = self._baseline_row(s, period)
            if baseline is not None:
                return {
                    v.key: v.text
                    for v in s.scalars(
                        select(BaselineValueRow).where(BaselineValueRow.baseline_id == baseline.id)
                    )
                }
            chosen = subs[0] if subs else None
        if chosen is None:
            return {}
        return {
            f"{v.form}:{v.field}": v.text
            for v in s.scalars(select(ValueRow).where(ValueRow.submission_id == chosen.id))
        }

    def _under_current_pack(self, data: SubmissionData) -> None:
        """A draft's values as the pack in use asks for them (the migration to a new pack,
        done as the data is read, so the rows themselves are never rewritten and undoing an
        install finds them as they were): a renamed field's value appears under its new key
        (unless that key has a value of its own, saved since); values of fields the pack no
        longer asks for move from ``values`` (checked, exported) to ``retired`` (shown as
        已停用, never exported). The store keeps them all."""
        original = dict(data.values)
        data.values.clear()
        for key, text in original.items():
            current = self._pack.current_key(key)
            if current is None:
                data.retired[key] = text
            elif current == key or current not in original:
                data.values.setdefault(current, text)
                if current != key and data.values[current] != text:
                    data.retired[key] = text
            # else: the renamed field was saved under its new key since; that value wins
        # narratives and tables of forms (or sections, tables) the pack no longer has: kept in
        # the store, left out of what is checked and exported
        sections = {n.code for n in self._pack.narratives}
        data.narratives = {
            k: v
            for k, v in data.narratives.items()
            if k.split(":")[0] in self._pack.forms and k.split(":", 1)[1] in sections
        }
        tables = {
            f"{form}:{t.code}" for form, spec in self._pack.forms.items() for t in spec.tables
        }
        data.tables = {k: v for k, v in data.tables.items() if k in tables}

    def adopt_pack(self, pack: FormPack) -> None:
        """Use ``pack`` from now on (a new one was installed, or an install undone); drafts are
        read under it from now on (see :meth:`_under_current_pack`), signed revisions stay as
        they were signed, under their own pack."""
        log.info("store now uses pack %s (was %s)", pack.version, self._pack.version)
        self._pack = pack

    def _current_keys(self, values: dict[str, str]) -> dict[str, str]:
        """Follow the pack's renames and drop retired fields, so old data lines up with today's forms."""
        renamed, retired = self._pack.manifest.renamed, set(self._pack.manifest.retired)
        result: dict[str, str] = {}
        for key, text in values.items():
            seen: set[str] = set()
            while key in renamed and key not in seen:
                seen.add(key)
                key = renamed[key]
            if key not in retired:
                result[key] = text
        return result

    # ------------------------------------------------------------------ edits

    def set_value(
        self, period: Period, key: str, text: str, *, based_on: str | None | _Unset = UNSET
    ) -> None:
        """Save what the clerk typed into field ``key`` ("form:field"); empty text clears it.

        ``based_on`` is the value the person saw when they started to type (``None`` or ""
        for an empty field). When someone else saved a different value since (on a shared
        store), nothing is saved and :class:`ValueConflict` names both values and who made the
        other change. Without ``based_on`` the save replaces whatever is there.
        """
        form, field = _split_key(key)
        with self._write_form(period, form) as s:  # the check and the save: one transaction
            sub = self._editable(s, period)
            if not isinstance(based_on, _Unset):
                current = s.scalar(
                    select(ValueRow.text).where(
                        ValueRow.submission_id == sub.id,
                        ValueRow.form == form,
                        ValueRow.field == field,
                    )
                )
                self._check_unchanged(
                    s, sub, period, "set_value", form, field, current, based_on, text
                )
            self._put_value(s, sub, period, form, field, text)

    def _check_unchanged(
        self,
        s: Session,
        sub: SubmissionRow,
        period: Period,
        action: str | tuple[str, ...],
        form: str,
        field: str,
        current: str | None,
        based_on: str | None,
        text: str,
    ) -> None:
        if current in (based_on or None, text or None):  # unchanged, or changed to the same
            return
        other = self._last_change(s, sub, period, action, form, field)
        raise ValueConflict(
            f"{form}:{field}",
            based_on=based_on or None,
            mine=text or None,
            theirs=current,
            by=(other.person or other.preparer, other.os_user) if other else None,
            at=_parse_time(other.at) if other else None,
        )

    @staticmethod
    def _last_change(
        s: Session,
        sub: SubmissionRow,
        period: Period,
        action: str | tuple[str, ...],
        form: str,
        field: str,
    ) -> AuditRow | None:
        """The audit entry of the last change of ``form:field`` (by one of ``action``) in this
        revision: who made the other change a conflict names, and when."""
        actions = (action,) if isinstance(action, str) else action
        return s.scalar(
            select(AuditRow)
            .where(
                AuditRow.action.in_(actions),
                AuditRow.period == str(period),
                AuditRow.revision == sub.revision,
                AuditRow.form == form,
                AuditRow.field == field,
            )
            .order_by(AuditRow.id.desc())
            .limit(1)
        )

    def _put_value(
        self,
        s: Session,
        sub: SubmissionRow,
        period: Period,
        form: str,
        field: str,
        text: str,
        rows: dict[tuple[str, str], ValueRow] | None = None,
    ) -> None:
        if rows is not None:
            row = rows.get((form, field))
        else:
            row = s.scalar(
                select(ValueRow).where(
                    ValueRow.submission_id == sub.id, ValueRow.form == form, ValueRow.field == field
                )
            )
        old = row.text if row else None
        new = text if text != "" else None
        if old == new:
            return
        if new is None:
            s.delete(row)
        elif row is None:
            s.add(
                ValueRow(submission_id=sub.id, form=form, field=field, text=new, updated_at=_now())
            )
        else:
            row.text, row.updated_at = new, _now()
        self._form_changed(s, sub, period, form)
        self._audit(
            s,
            "set_value",
            period=period,
            revision=sub.revision,
            form=form,
            field=field,
            old=old,
            new=new,
        )

    def set_narrative(
        self,
        period: Period,
        form: str,
        section: str,
        text: str,
        *,
        based_on: str | None | _Unset = UNSET,
    ) -> None:
        """Save a narrative section; ``based_on`` as for :meth:`set_value` (the text the person
        started from: a :class:`ValueConflict` keyed "form:section" when someone changed it)."""
        self._check_form(form)
        with self._write_form(period, form) as s:
            sub = self._editable(s, period)
            if not isinstance(based_on, _Unset):
                current = s.scalar(
                    select(NarrativeRow.text).where(
                        NarrativeRow.submission_id == sub.id,
                        NarrativeRow.form == form,
                        NarrativeRow.section == section,
                    )
                )
                self._check_unchanged(
                    s, sub, period, "set_narrative", form, section, current, based_on, text
                )
            self._put_narrative(s, sub, period, form, section, text)

    def _put_narrative(
        self,
        s: Session,
        sub: SubmissionRow,
        period: Period,
        form: str,
        section: str,
        text: str,
        rows: dict[tuple[str, str], NarrativeRow] | None = None,
    ) -> None:
        if rows is not None:
            row = rows.get((form, section))
        else:
            row = s.scalar(
                select(NarrativeRow).where(
                    NarrativeRow.submission_id == sub.id,
                    NarrativeRow.form == form,
                    NarrativeRow.section == section,
                )
            )
        old = row.text if row else None
        new = text if text != "" else None
        if old == new:
            return
        if new is None:
            s.delete(row)
        elif row is None:
            s.add(
                NarrativeRow(
                    submission_id=sub.id, form=form, section=section, text=new, updated_at=_now()
                )
            )
        else:
            row.text, row.updated_at = new, _now()
        self._form_changed(s, sub, period, form)
        self._audit(
            s,
            "set_narrative",
            period=period,
            revision=sub.revision,
            form=form,
            field=section,
            old=old,
            new=new,
        )

    def set_table_rows(
        self,
        period: Period,
        form: str,
        table: str,
        rows: list[dict[str, str]],
        *,
        based_on: list[TableRow] | _Unset = UNSET,
        origin: Sequence[int | None] | None = None,
        revive: Mapping[int, int] | None = None,
    ) -> TableSaved:
        """Replace the rows of a repeatable table (kept in the given order, blank rows too).

        ``based_on`` is the table as the person saw it when they started the change. When
        someone else changed it since, the two changes are merged
        (:func:`~ecodesk.store.table_merge.merge_rows`): changes to different cells or rows
        are both kept; where both changed the same cell, or one deleted a row the other
        changed, nothing is saved and :class:`TableConflict` names both values and who made
        the other change. Without ``based_on`` the save replaces whatever is there.

        Evidence attached to a row (``FORM:TABLE#ROW``) follows its row, in the same
        transaction: ``origin[i]`` is the (0-based) old row that new row ``i`` continues, or
        ``None`` for a new row (inferred from the rows' contents when not given, or when a
        merge changed the rows, see :mod:`ecodesk.store.table_rows`). The attachments of a
        row that is gone are taken off the draft with it (:attr:`TableSaved.detached`: their
        ids and the row they were on), and the undo of the delete passes that back as
        ``revive`` (attachment id → new row) to put them on the restored rows.
        """
        self._check_form(form)
        with self._write_form(
            period, form
        ) as s:  # the check, the merge and the save: one transaction
            sub = self._editable(s, period)
            if not isinstance(based_on, _Unset):
                current = self._rows_of_table(s, sub.id, form, table)
                if not same_rows(current, based_on):
                    origin = None  # given against the rows the person saw, which moved since
                    if not same_rows(current, rows):
                        merge = merge_rows(based_on, rows, current)
                        if merge.clashes:
                            self._table_conflict(s, sub, period, form, table, merge, current)
                        sent, rows = rows, merge.keep_mine
                        if revive:
                            revive = table_rows.revive_by_content(revive, sent, rows)
            detached = self._put_table(s, sub, period, form, table, rows, origin, revive)
            return TableSaved(self._rows_of_table(s, sub.id, form, table), detached)

    def _table_conflict(
        self,
        s: Session,
        sub: SubmissionRow,
        period: Period,
        form: str,
        table: str,
        merge: TableMerge,
        current: list[TableRow],
    ) -> NoReturn:
        spec = next((t for t in self._pack.form(form).tables if t.code == table), None)
        names = {c.code: c.name for c in spec.columns} if spec else {}
        name = spec.name if spec else table
        if len(merge.clashes) == 1:
            clash = merge.clashes[0]
            column = names.get(clash.column, clash.column) if clash.column else None
            place = (
                tr(
                    "store",
                    "{form} {table} 第 {row} 行“{column}”",
                    column=column,
                    row=clash.row + 1,
                    form=form,
                    table=name,
                )
                if column
                else tr(
                    "store", "{form} {table} 第 {row} 行", row=clash.row + 1, form=form, table=name
                )
            )
        else:
            place = tr(
                "store", "{form} {table}（{n} 处）", form=form, table=name, n=len(merge.clashes)
            )
        other = self._last_change(s, sub, period, "set_table", form, table)
        raise TableConflict(
            f"{form}:{table}",
            place=place,
            clashes=merge.clashes,
            column_names=names,
            merge=merge,
            current=current,
            by=(other.person or other.preparer, other.os_user) if other else None,
            at=_parse_time(other.at) if other else None,
        )

    def _put_table(
        self,
        s: Session,
        sub: SubmissionRow,
        period: Period,
        form: str,
        table: str,
        rows: list[dict[str, str]],
        origin: Sequence[int | None] | None = None,
        revive: Mapping[int, int] | None = None,
    ) -> dict[int, int]:
        old_rows = self._rows_of_table(s, sub.id, form, table)
        new_rows = [{str(k): str(v) for k, v in row.items()} for row in rows]
        if origin is None:
            origin = table_rows.infer_origin(old_rows, new_rows)
        origin = table_rows.check_origin(origin, len(old_rows), len(new_rows))
        if old_rows == new_rows and origin == table_rows.identity(len(old_rows)) and not revive:
            return {}
        detached = self._follow_rows(s, sub, period, form, table, origin, revive or {})
        if old_rows == new_rows:
            return detached
        s.execute(
            delete(TableCellRow).where(
                TableCellRow.submission_id == sub.id,
                TableCellRow.form == form,
                TableCellRow.table_code == table,
            )
        )
        for row_no, row in enumerate(new_rows):
            cells = row.items() if row else [(EMPTY_ROW_MARK, "")]
            for column, text in cells:
                s.add(
                    TableCellRow(
                        submission_id=sub.id,
                        form=form,
                        table_code=table,
                        row_no=row_no,
                        column=column,
                        text=text,
                    )
                )
        self._form_changed(s, sub, period, form)
        self._audit(
            s,
            "set_table",
            period=period,
            revision=sub.revision,
            form=form,
            field=table,
            old=json.dumps(old_rows, ensure_ascii=False) if old_rows else None,
            new=json.dumps(new_rows, ensure_ascii=False) if new_rows else None,
        )
        return detached

    def _follow_rows(
        self,
        s: Session,
        sub: SubmissionRow,
        period: Period,
        form: str,
        table: str,
        origin: list[int | None],
        revive: Mapping[int, int],
    ) -> dict[int, int]:
        """Renumber the attachments of the table's rows as ``origin`` moves the rows; take off
        those of deleted rows (returned: id → old 0-based row); put ``revive``'s back on."""
        prefix = f"{form}:{table}#"
        new_of_old = {old: new for new, old in enumerate(origin) if old is not None}
        detached: dict[int, int] = {}
        attached = s.scalars(
            select(AttachmentRow)
            .where(
                AttachmentRow.submission_id == sub.id,
                AttachmentRow.key.startswith(prefix, autoescape=True),
            )
            .order_by(AttachmentRow.id)
        ).all()
        for a in attached:
            number = table_rows.row_of(a.key, prefix)
            if number is None or number == table_rows.ORPHAN_ROW or a.id in revive:
                continue
            new = new_of_old.get(number - 1)
            if new is not None:
                if new != number - 1:
                    old_key, a.key = a.key, f"{prefix}{new + 1}"
                    self._audit(
                        s,
                        "move_attachment",
                        period=period,
                        revision=sub.revision,
                        form=form,
                        field=a.key,
                        old=old_key,
                        new=a.key,
                    )
                continue
            # its row is gone: the file goes with it (the undo of the delete brings both back)
            old_key, a.key = a.key, f"{prefix}{table_rows.ORPHAN_ROW}"
            if a.removed_at is None:
                a.removed_at = _now()
                detached[a.id] = number - 1
                self._audit(
                    s,
                    "detach",
                    period=period,
                    revision=sub.revision,
                    form=form,
                    field=old_key,
                    old=f"{a.name} {a.sha256}",
                    new=None,
                )
        by_id = {a.id: a for a in attached}
        for attachment_id, row in revive.items():
            found = by_id.get(attachment_id)
            if found is None or not 0 <= row < len(origin):
                raise EcoDeskError(
                    tr(
                        "store",
                        "要放回的附件不在这个表格上（编号 {id}），没有保存。",
                        id=attachment_id,
                    )
                )
            a = found
            a.key = f"{prefix}{row + 1}"
            if a.removed_at is not None:
                a.removed_at = None
                self._audit(
                    s,
                    "restore_attachment",
                    period=period,
                    revision=sub.revision,
                    form=form,
                    field=a.key,
                    old=None,
                    new=f"{a.name} {a.sha256}",
                )
        if attached:
            self._changed(sub)
        return detached

    @staticmethod
    def _rows_of_table(s: Session, submission_id: int, form: str, table: str) -> list[TableRow]:
        cells = s.scalars(
            select(TableCellRow)
            .where(
                TableCellRow.submission_id == submission_id,
                TableCellRow.form == form,
                TableCellRow.table_code == table,
            )
            .order_by(TableCellRow.row_no, TableCellRow.id)
        )
        rows: dict[int, TableRow] = {}
        for c in cells:
            row = rows.setdefault(c.row_no, {})
            if c.column != EMPTY_ROW_MARK:
                row[c.column] = c.text
        return [rows[n] for n in sorted(rows)]

    def accept_warning(
        self,
        period: Period,
        accepted: AcceptedWarning,
        *,
        based_on: str | None | _Unset = UNSET,
    ) -> None:
        """Record that the unit accepts a warning, with the explanation that travels with the data.

        ``based_on``: the explanation the person saw (None: the warning was not accepted); when
        someone else accepted it with another explanation, or withdrew it, since, nothing is
        saved and :class:`ValueConflict` (keyed "form:problem id") names both explanations."""
        if not accepted.explanation.strip():
            raise EcoDeskError(tr("store", "请写明接受此提示的理由（说明会随报表一同报送）。"))
        if cell_length(accepted.explanation) > CELL_TEXT_LIMIT:
            raise EcoDeskError(
                tr(
                    "store",
                    "说明有 {n} 字，超过 Excel 单元格最多 {max} 字的限制，未保存。请精简后再接受。",
                    n=cell_length(accepted.explanation),
                    max=CELL_TEXT_LIMIT,
                )
            )
        with self._write() as s:
            sub = self._editable(s, period)
            if not isinstance(based_on, _Unset):
                self._check_accepted(
                    s,
                    sub,
                    period,
                    accepted.form,
                    accepted.problem_id,
                    based_on,
                    accepted.explanation,
                )
            self._put_accepted(s, sub, period, accepted)

    def _check_accepted(
        self,
        s: Session,
        sub: SubmissionRow,
        period: Period,
        form: str,
        problem_id: str,
        based_on: str | None,
        explanation: str,
    ) -> None:
        row = s.scalar(
            select(AcceptedWarningRow).where(
                AcceptedWarningRow.submission_id == sub.id,
                AcceptedWarningRow.problem_id == problem_id,
            )
        )
        self._check_unchanged(
            s,
            sub,
            period,
            ("accept_warning", "withdraw_warning"),
            row.form if row else form,
            problem_id,
            row.explanation if row else None,
            based_on,
            explanation,
        )

    def _put_accepted(
        self, s: Session, sub: SubmissionRow, period: Period, accepted: AcceptedWarning
    ) -> None:
        row = s.scalar(
            select(AcceptedWarningRow).where(
                AcceptedWarningRow.submission_id == sub.id,
                AcceptedWarningRow.problem_id == accepted.problem_id,
            )
        )
        old = row.explanation if row else None
        if row is None:
            row = AcceptedWarningRow(submission_id=sub.id, problem_id=accepted.problem_id)
            s.add(row)
        elif (row.form, row.field, row.message, row.explanation) == (
            accepted.form,
            accepted.field,
            accepted.message,
            accepted.explanation,
        ):
            return
        row.form, row.field, row.message = accepted.form, accepted.field, accepted.message
        row.explanation, row.accepted_at, row.accepted_by = (
            accepted.explanation,
            _now(),
            self._os_user,
        )
        self._form_changed(s, sub, period, accepted.form)
        self._audit(
            s,
            "accept_warning",
            period=period,
            revision=sub.revision,
            form=accepted.form,
            field=accepted.problem_id,
            old=old,
            new=accepted.explanation,
        )

    def withdraw_warning(
        self, period: Period, problem_id: str, *, based_on: str | None | _Unset = UNSET
    ) -> None:
        """Take back the acceptance of a warning; ``based_on``: the explanation the person saw
        (a :class:`ValueConflict` when someone else changed it since)."""
        with self._write() as s:
            sub = self._editable(s, period)
            if not isinstance(based_on, _Unset):
                self._check_accepted(s, sub, period, "", problem_id, based_on, "")
            row = s.scalar(
                select(AcceptedWarningRow).where(
                    AcceptedWarningRow.submission_id == sub.id,
                    AcceptedWarningRow.problem_id == problem_id,
                )
            )
            if row is None:
                return
            s.delete(row)
            self._form_changed(s, sub, period, row.form)
            self._audit(
                s,
                "withdraw_warning",
                period=period,
                revision=sub.revision,
                form=row.form,
                field=problem_id,
                old=row.explanation,
                new=None,
            )

    def accepted_warnings(self, period: Period, revision: int) -> list[AcceptedWarning]:
        """The warnings accepted in a revision, in the order accepted (what ``load`` gives)."""
        with self._read() as s:
            sub = self._require(s, period, revision)
            return [
                AcceptedWarning(
                    problem_id=a.problem_id,
                    form=a.form,
                    message=a.message,
                    explanation=a.explanation,
                    field=a.field,
                )
                for a in s.scalars(
                    select(AcceptedWarningRow)
                    .where(AcceptedWarningRow.submission_id == sub.id)
                    .order_by(AcceptedWarningRow.id)
                )
            ]

    def write_submission(self, data: SubmissionData) -> None:
        """Make the editable revision of ``data.period`` hold exactly ``data``'s entries, in one transaction.

        For bulk filling (demo data, imports); each change is audit-logged like a typed one.
        """
        for key in data.values:
            _split_key(key)
        with self._write() as s:
            sub = self._editable(s, data.period)
            current = SubmissionData(UnitProfile("", "", ""), data.period, sub.revision, "", [])
            self._fill(s, sub.id, current)
            value_rows = {
                (r.form, r.field): r
                for r in s.scalars(select(ValueRow).where(ValueRow.submission_id == sub.id))
            }
            narrative_rows = {
                (r.form, r.section): r
                for r in s.scalars(select(NarrativeRow).where(NarrativeRow.submission_id == sub.id))
            }
            with s.no_autoflush:
                for key in sorted(set(current.values) | set(data.values)):
                    form, field = _split_key(key)
                    self._put_value(
                        s, sub, data.period, form, field, data.values.get(key, ""), value_rows
                    )
                for key in sorted(set(current.narratives) | set(data.narratives)):
                    form, section = _split_section(key)
                    self._put_narrative(
                        s,
                        sub,
                        data.period,
                        form,
                        section,
                        data.narratives.get(key, ""),
                        narrative_rows,
                    )
            for key in set(current.tables) | set(data.tables):
                table = _table_key(key)
                self._put_table(
                    s, sub, data.period, table.form, table.table, data.tables.get(key, [])
                )
            wanted = {a.problem_id for a in data.accepted}
            for old in current.accepted:
                if old.problem_id not in wanted:
                    s.execute(
                        delete(AcceptedWarningRow).where(
                            AcceptedWarningRow.submission_id == sub.id,
                            AcceptedWarningRow.problem_id == old.problem_id,
                        )
                    )
                    self._form_changed(s, sub, data.period, old.form)
                    self._audit(
                        s,
                        "withdraw_warning",
                        period=data.period,
                        revision=sub.revision,
                        form=old.form,
                        field=old.problem_id,
                        old=old.explanation,
                        new=None,
                    )
            for accepted in data.accepted:
                self._put_accepted(s, sub, data.period, accepted)

    def _check_form(self, form: str) -> None:
        # the syntax of a form code admits any plan's shape; the pack in use says which exist
        if not is_form_code(form) or form not in self._pack.forms:
            raise BadFieldKey(form)

    # ------------------------------------------------------------------ status, signatures, revisions

    def mark_checked(self, period: Period, revision: int | None = None) -> None:
        """The revision passed the checks (draft → checked); any later edit makes it a draft again."""
        with self._write() as s:
            sub = self._require(s, period, revision)
            if sub.status == "draft":
                sub.status = "checked"
                self._audit(
                    s,
                    "mark_checked",
                    period=period,
                    revision=sub.revision,
                    old="draft",
                    new="checked",
                )

    def mark_signed(
        self,
        period: Period,
        revision: int,
        *,
        fingerprint: str,
        digest: str,
        workbook_path: str | None,
        settings: dict[Setting, str | None] | None = None,
        unchanged_since: int | None = None,
    ) -> None:
        """Freeze a revision once its signed workbook is written.

        ``settings`` are written in the same transaction (the export's journal, so that the
        freeze and the record of it cannot be separated by a crash). With ``unchanged_since``
        (a :meth:`change_marker` taken before the data was read for signing) the freeze is
        refused with :class:`ChangedWhileSigning` if anything was saved since — by a second
        program on the same data, say an older EcoDesk that takes no lock — so a frozen
        revision is always the one that was signed.
        """
        with self._write() as s:
            if unchanged_since is not None and self._marker(s) != unchanged_since:
                raise ChangedWhileSigning(period.label, revision)
            self._check_may_sign(s, period, revision)
            for setting, value in (settings or {}).items():
                self._put_setting(s, setting, value)
            sub = self._require(s, period, revision)
            old = f"{sub.status} {sub.fingerprint or ''} {sub.digest or ''}".strip()
            sub.status = "signed"
            sub.signed_at = _now()
            sub.pack_version, sub.pack_digest = self._pack.version, self._pack.digest
            sub.fingerprint, sub.digest, sub.workbook_path = fingerprint, digest, workbook_path
            self._audit(
                s,
                "sign",
                period=period,
                revision=revision,
                field=workbook_path,
                old=old,
                new=f"signed {fingerprint} {digest}",
            )

    def _check_may_sign(
        self, s: Session, period: Period, revision: int, *, reviewed: bool = True
    ) -> None:
        """While people are on: only a head signs, and only a revision whose forms are all
        reviewed inside the office (see ecodesk.store.office)."""
        acting = self._acting(s)
        if acting is None:
            return
        if people.HEAD not in people._roles_of(acting):
            raise people.RoleRequired(acting.name, people.HEAD, tr("store", "签名"))
        if not reviewed:
            return
        from ecodesk.store.office import FormsNotReviewed, not_reviewed, reviews_in

        sub = self._require(s, period, revision)
        stored = s.get(SettingRow, settings.RESPONSIBLE_FORMS.name)
        forms = (
            [c for c in self._pack.forms if c in set(json.loads(stored.value))]
            if stored
            else list(self._pack.forms)
        )
        reviews = reviews_in(s, sub.id)
        missing = not_reviewed(reviews, forms)
        if missing:
            raise FormsNotReviewed(missing, reviews)

    def change_marker(self) -> int:
        """A number that changes whenever anything is saved (the newest audit entry's id)."""
        with self._read() as s:
            return self._marker(s)

    @staticmethod
    def _marker(s: Session) -> int:
        return int(s.scalar(select(func.max(AuditRow.id))) or 0)

    def revert_signing(self, period: Period, revision: int, reason: str) -> None:
        """Undo a freeze whose signed workbook never appeared (an export cut short after the
        freeze and before the file was put in place); the revision becomes a draft again."""
        with self._write() as s:
            sub = self._require(s, period, revision)
            if sub.status != "signed":
                return
            old = f"signed {sub.fingerprint or ''} {sub.digest or ''}".strip()
            sub.status = "draft"
            sub.signed_at = None
            sub.fingerprint = sub.digest = sub.workbook_path = None
            self._audit(  # the program's own repair of an export cut short
                s,
                "unsign",
                period=period,
                revision=revision,
                field=reason,
                old=old,
                new="draft",
                system=True,
            )

    def signature(self, period: Period, revision: int) -> tuple[str, str] | None:
        with self._read() as s:
            sub = self._submission(s, period, revision)
            if sub is None or sub.status != "signed" or not sub.fingerprint or not sub.digest:
                return None
            return sub.fingerprint, sub.digest

    def new_revision(self, period: Period, reason: str) -> int:
        """Start a correction: copy the latest (signed) revision into a new draft; return its number."""
        if not reason.strip():
            raise EcoDeskError(tr("store", "请写明更正原因（会记录在新版本中并随报表报送）。"))
        with self._write() as s:
            return self._open_revision(s, period, reason)

    def _open_revision(self, s: Session, period: Period, reason: str) -> int:
        """:meth:`new_revision` inside the caller's transaction (importing a return uses it)."""
        old = self._require(s, period, None)
        if old.status != "signed":
            raise RevisionNotSigned(period.label, old.revision)
        profile = s.get(UnitProfileRow, 1)
        new = SubmissionRow(
            period_id=old.period_id,
            unit_code=profile.division_code if profile else old.unit_code,
            revision=old.revision + 1,
            status="draft",
            supersedes=old.revision,
            supersede_reason=reason.strip(),
            pack_version=self._pack.version,
            pack_digest=self._pack.digest,
            created_at=_now(),
        )
        s.add(new)
        s.flush()
        for v in s.scalars(select(ValueRow).where(ValueRow.submission_id == old.id)).all():
            s.add(
                ValueRow(
                    submission_id=new.id,
                    form=v.form,
                    field=v.field,
                    text=v.text,
                    updated_at=v.updated_at,
                )
            )
        for n in s.scalars(select(NarrativeRow).where(NarrativeRow.submission_id == old.id)).all():
            s.add(
                NarrativeRow(
                    submission_id=new.id,
                    form=n.form,
                    section=n.section,
                    text=n.text,
                    updated_at=n.updated_at,
                )
            )
        for c in s.scalars(select(TableCellRow).where(TableCellRow.submission_id == old.id)).all():
            s.add(
                TableCellRow(
                    submission_id=new.id,
                    form=c.form,
                    table_code=c.table_code,
                    row_no=c.row_no,
                    column=c.column,
                    text=c.text,
                )
            )
        for a in s.scalars(
            select(AcceptedWarningRow).where(AcceptedWarningRow.submission_id == old.id)
        ).all():
            s.add(
                AcceptedWarningRow(
                    submission_id=new.id,
                    problem_id=a.problem_id,
                    form=a.form,
                    field=a.field,
                    message=a.message,
                    explanation=a.explanation,
                    accepted_at=a.accepted_at,
                    accepted_by=a.accepted_by,
                )
            )
        for f in s.scalars(
            select(AttachmentRow).where(
                AttachmentRow.submission_id == old.id, AttachmentRow.removed_at.is_(None)
            )
        ).all():
            s.add(
                AttachmentRow(
                    submission_id=new.id,
                    **{
                        c: getattr(f, c)
                        for c in (
                            "key",
                            "form",
                            "name",
                            "kind",
                            "media_type",
                            "size",
                            "sha256",
                            "note",
                            "added_at",
                            "added_by",
                        )
                    },
                )
            )
        self._audit(
            s,
            "create_revision",
            period=period,
            revision=new.revision,
            old=str(old.revision),
            new=reason.strip(),
        )
        return new.revision

    def _require(self, s: Session, period: Period, revision: int | None) -> SubmissionRow:
        sub = self._submission(s, period, revision)
        if sub is None:
            raise EcoDeskError(
                tr(
                    "store",
                    "{period} 还没有第 {revision} 版报送。",
                    period=period.label,
                    revision=revision or 1,
                )
            )
        return sub

    # ------------------------------------------------------------------ baseline

    def set_baseline(
        self, period: Period, values: dict[str, str], *, source: str, signature_status: str
    ) -> None:
        """Keep the values of ``period`` (usually last year) read from ``source``, replacing any earlier import."""
        with self._write() as s:
            period_row = self._period_row(s, period)
            row = self._baseline_row(s, period)
            old = f"{row.source} ({row.signature_status})" if row else None
            if row is not None:
                s.delete(row)
                s.flush()
            row = BaselineRow(
                period_id=period_row.id,
                source=source,
                signature_status=signature_status,
                imported_at=_now(),
            )
            s.add(row)
            s.flush()
            for key, text in values.items():
                s.add(BaselineValueRow(baseline_id=row.id, key=key, text=text))
            self._audit(
                s,
                "set_baseline",
                period=period,
                field=source,
                old=old,
                new=tr(
                    "store",
                    "{n} 项，来源 {source}（签名：{status}）",
                    n=len(values),
                    source=source,
                    status=signature_status,
                ),
            )

    def _baseline_row(self, s: Session, period: Period) -> BaselineRow | None:
        return s.scalar(select(BaselineRow).join(PeriodRow).where(PeriodRow.code == str(period)))

    def baseline(self, period: Period) -> Baseline | None:
        with self._read() as s:
            row = self._baseline_row(s, period)
            if row is None:
                return None
            values = {
                v.key: v.text
                for v in s.scalars(
                    select(BaselineValueRow).where(BaselineValueRow.baseline_id == row.id)
                )
            }
            return Baseline(
                period=period,
                values=values,
                source=row.source,
                signature_status=row.signature_status,
                imported_at=_parse_time(row.imported_at),
            )

    def write_import(
        self,
        period: Period,
        *,
        baseline_period: Period,
        baseline: dict[str, str] | None,
        source: str,
        signature_status: str,
        tables: dict[str, list[TableRow]],
        settings: dict[Setting, str | None],
        action: str,
        note: str,
    ) -> None:
        """Write an import of last year's data (or its undo) in ONE transaction, audit-logged.

        ``baseline`` becomes the whole baseline of ``baseline_period`` (``None`` removes it);
        ``tables`` ("form:table" → rows) replace tables of ``period``'s editable revision;
        ``settings`` are set (``None`` deletes the key). For the import of last year's data: an
        import must land completely or not at all, and be undoable as one step.
        """
        for key in tables:
            _table_key(key)
        with self._write() as s:
            row = self._baseline_row(s, baseline_period)
            old = f"{row.source} ({row.signature_status})" if row else None
            if row is not None:
                s.delete(row)
                s.flush()
            if baseline is not None:
                row = BaselineRow(
                    period_id=self._period_row(s, baseline_period).id,
                    source=source,
                    signature_status=signature_status,
                    imported_at=_now(),
                )
                s.add(row)
                s.flush()
                for key, text in baseline.items():
                    s.add(BaselineValueRow(baseline_id=row.id, key=key, text=text))
            new = (
                tr(
                    "store",
                    "{n} 项，来源 {source}（签名：{status}）",
                    n=len(baseline),
                    source=source,
                    status=signature_status,
                )
                if baseline is not None
                else None
            )
            self._audit(s, "set_baseline", period=baseline_period, field=source, old=old, new=new)
            if tables:
                sub = self._editable(s, period)
                for key, rows in tables.items():
                    table = _table_key(key)
                    self._put_table(s, sub, period, table.form, table.table, rows)
            for setting, value in settings.items():
                setting_row = s.get(SettingRow, _setting_name(setting))
                if value is None:
                    if setting_row is not None:
                        s.delete(setting_row)
                elif setting_row is None:
                    s.add(SettingRow(key=setting.name, value=value))
                else:
                    setting_row.value = value
            self._audit(s, action, period=period, field=source, new=note)

    # ------------------------------------------------------------------ audit

    def _audit(
        self,
        s: Session,
        action: str,
        *,
        period: Period | None = None,
        revision: int | None = None,
        form: str | None = None,
        field: str | None = None,
        old: str | None = None,
        new: str | None = None,
        preparer: str | None = None,
        system: bool = False,
    ) -> None:
        acting = self._acting(s, system=system)
        if preparer is None:
            if (
                "preparer" not in s.info
            ):  # once per transaction: bulk writes audit hundreds of changes
                with s.no_autoflush:
                    profile = s.get(UnitProfileRow, 1)
                s.info["preparer"] = profile.preparer if profile else ""
            preparer = s.info["preparer"]
        s.add(
            AuditRow(
                at=_now(),
                os_user=self._os_user,
                preparer=preparer,
                action=action,
                period=str(period) if period else None,
                revision=revision,
                form=form,
                field=field,
                old=old,
                new=new,
                client=self.client,
                person=acting.name if acting is not None else "",
            )
        )

    def _people_on(self, s: Session) -> bool:
        if "people_on" not in s.info:
            with s.no_autoflush:
                s.info["people_on"] = people.people_enabled_in(s)
        return bool(s.info["people_on"])

    def _acting(self, s: Session, *, system: bool = False) -> PersonRow | None:
        """The signed-in person behind this transaction's changes, re-read from the store (a
        head may have changed their roles meanwhile); ``None`` while people are off.

        Raises :class:`~ecodesk.store.people.NotSignedIn` when people are on and nobody is
        signed in (or the account was stopped), except for the program's own ``system`` repairs.
        """
        if "acting" not in s.info:  # once per transaction: bulk writes audit hundreds of changes
            with s.no_autoflush:
                required = self._people_on(s)
                row = s.get(PersonRow, self.person.id) if self.person else None
                if row is not None and not row.active:
                    row = None
            s.info["acting"] = (row, required and row is None)
        acting, missing = s.info["acting"]
        if missing and not system:
            raise people.NotSignedIn()
        return acting  # type: ignore[no-any-return]

    def audit_log(self, period: Period | None = None, limit: int = 200) -> list[AuditEntry]:
        """The newest changes first."""
        query = select(AuditRow).order_by(AuditRow.at.desc(), AuditRow.id.desc()).limit(limit)
        if period is not None:
            query = query.where(AuditRow.period == str(period))
        with self._read() as s:
            return [
                AuditEntry(
                    at=_parse_time(r.at),
                    os_user=r.os_user,
                    preparer=r.preparer,
                    action=r.action,
                    person=r.person,
                    period=r.period,
                    revision=r.revision,
                    form=r.form,
                    field=r.field,
                    old=r.old,
                    new=r.new,
                )
                for r in s.scalars(query)
            ]

    def last_saved_at(self) -> datetime | None:
        with self._read() as s:
            at = s.scalar(select(func.max(AuditRow.at)))
        return _parse_time(at) if at else None
