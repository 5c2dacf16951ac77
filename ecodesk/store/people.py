"""People of an office and their roles: who may fill (填报人), review (审核人) and sign (单位负责人).

On a shared store (a PostgreSQL server) every person signs in; on a single person's SQLite file
people are off unless the office turns them on (:func:`people_required`). The first person of a
store is its head (单位负责人): created without signing in, and from then on only a head adds
people, changes roles or resets someone else's password. One person may hold several roles.

Passwords are kept as a scrypt hash (memory-hard, Python's standard library) with its salt and
parameters (``scrypt$N$r$p$salt$hash``), so a later program can raise the cost and still read
the old hashes. A password is never stored, logged or written to the audit log. A wrong name
and a wrong password get the same answer, after the same work.

Rules the store itself enforces while people are on (see :class:`ecodesk.store.Store`): every
change names a signed-in person in the audit log; only a 填报人 changes the forms; only a head
freezes a revision as signed, and only when every form of it is reviewed
(:mod:`ecodesk.store.office`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from ecodesk.errors import EcoDeskError
from ecodesk.i18n import tr
from ecodesk.store.models import PersonRow, SettingRow
from ecodesk.store.settings import PEOPLE_ENABLED

if TYPE_CHECKING:
    from ecodesk.store.store import Store

log = logging.getLogger(__name__)

FILLER: Final = "filler"  # 填报人
REVIEWER: Final = "reviewer"  # 审核人
HEAD: Final = "head"  # 单位负责人
ROLES: Final = (FILLER, REVIEWER, HEAD)

# scrypt's cost: 2**15 × 8 × 128 bytes = 32 MiB of memory and about 0.1 s per sign-in. The tests
# lower SCRYPT_N (tests/conftest.py), as they do for the signing key's passphrase.
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
HASH_BYTES = 32
SALT_BYTES = 16
MIN_PASSWORD = 8
MAX_NAME = 64


def role_label(role: str) -> str:
    return {
        FILLER: tr("people", "填报人"),
        REVIEWER: tr("people", "审核人"),
        HEAD: tr("people", "单位负责人"),
    }.get(role, role)


def roles_label(roles: Iterable[str]) -> str:
    return "、".join(role_label(r) for r in ROLES if r in set(roles))


def parse_role(text: str) -> str:
    """``填报人``/``filler``, ``审核人``/``reviewer``, ``单位负责人``/``负责人``/``head``."""
    names = {
        "填报人": FILLER,
        "filler": FILLER,
        "审核人": REVIEWER,
        "reviewer": REVIEWER,
        "单位负责人": HEAD,
        "负责人": HEAD,
        "head": HEAD,
    }
    role = names.get(text.strip().lower())
    if role is None:
        raise EcoDeskError(
            tr("people", "没有“{text}”这个角色。角色是：填报人、审核人、单位负责人。", text=text)
        )
    return role


# ---------------------------------------------------------------------------------- errors


class NotSignedIn(EcoDeskError):
    def __init__(self) -> None:
        super().__init__(
            tr(
                "people",
                "本单位已启用人员和角色：请先登录再修改数据（窗口启动时登录；"
                "命令行加 --user 姓名，口令取自环境变量 ECODESK_PASSWORD 或在终端中输入）。",
            )
        )


class RoleRequired(EcoDeskError):
    """The signed-in person lacks the role an action needs."""

    def __init__(self, person: str, role: str, action: str) -> None:
        self.person, self.role = person, role
        super().__init__(
            tr(
                "people",
                "{person} 不是{role}，不能{action}。请由{role}操作，或请单位负责人在“设置 → 人员和角色”中调整角色。",
                person=person,
                role=role_label(role),
                action=action,
            )
        )


class WrongPassword(EcoDeskError):
    def __init__(self) -> None:
        super().__init__(
            tr("people", "姓名或口令不对，没有登录。口令区分大小写；忘记口令请找单位负责人重设。")
        )


class PeopleRefused(EcoDeskError):
    """A change to the people that the rules do not allow (the message says which rule)."""


# ---------------------------------------------------------------------------------- passwords


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def hash_password(password: str) -> str:
    """``scrypt$N$r$p$salt$hash`` for ``password`` (a fresh random salt each time)."""
    salt = secrets.token_bytes(SALT_BYTES)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"),
        salt=salt,
        n=n,
        r=r,
        p=p,
        dklen=HASH_BYTES,
        maxmem=2 * 128 * n * r * p + 2**20,
    )


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` gives ``stored`` (with the parameters stored in it)."""
    try:
        scheme, n_text, r_text, p_text, salt, digest = stored.split("$")
        n, r, p = int(n_text), int(r_text), int(p_text)
        # the parameters come from the database: a cost beyond reason is refused, not computed
        if scheme != "scrypt" or not (2 <= n and 1 <= r and 1 <= p <= 16 and 128 * n * r <= 2**28):
            return False
        expected = base64.b64decode(digest)
        actual = _scrypt(password, base64.b64decode(salt), n, r, p)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise PeopleRefused(tr("people", "口令至少要 {n} 个字符，没有保存。", n=MIN_PASSWORD))


def _check_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise PeopleRefused(tr("people", "请填写姓名。"))
    if len(name) > MAX_NAME:
        raise PeopleRefused(tr("people", "姓名最多 {n} 个字，没有保存。", n=MAX_NAME))
    return name


# ---------------------------------------------------------------------------------- people


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    roles: frozenset[str]
    active: bool = True

    def has(self, role: str) -> bool:
        return role in self.roles

    @property
    def roles_text(self) -> str:
        return roles_label(self.roles)


def _roles_of(row: PersonRow) -> frozenset[str]:
    return frozenset(r for r in row.roles.split(",") if r)


def person_of(row: PersonRow) -> Person:
    return Person(row.id, row.name, _roles_of(row), bool(row.active))


def _roles_text(roles: Iterable[str]) -> str:
    chosen = set(roles)
    unknown = chosen - set(ROLES)
    if unknown:
        raise PeopleRefused(
            tr("people", "没有这些角色：{roles}。", roles="、".join(sorted(unknown)))
        )
    if not chosen:
        raise PeopleRefused(tr("people", "请至少选择一个角色（填报人、审核人、单位负责人）。"))
    return ",".join(r for r in ROLES if r in chosen)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def people_enabled(store: Store) -> bool:
    """Whether people and roles are on for this store (the first person turns them on)."""
    return store.settings_get(PEOPLE_ENABLED) == "1"


def people_enabled_in(s: Session) -> bool:
    row = s.get(SettingRow, PEOPLE_ENABLED.name)
    return row is not None and row.value == "1"


def people_required(store: Store) -> bool:
    """Whether each person must sign in: always on a shared (server) store, on a SQLite file
    only when the office turned people on."""
    return store.db_path is None or people_enabled(store)


def list_people(store: Store, *, include_inactive: bool = False) -> list[Person]:
    with store._read() as s:
        rows = s.scalars(select(PersonRow).order_by(PersonRow.id)).all()
        return [person_of(r) for r in rows if include_inactive or r.active]


def has_people(store: Store) -> bool:
    with store._read() as s:
        return s.scalar(select(PersonRow.id).limit(1)) is not None


def _row_named(s: Session, name: str) -> PersonRow | None:
    return s.scalar(select(PersonRow).where(PersonRow.name == name.strip()))


def acting_as(store: Store, s: Session, role: str, action: str) -> PersonRow:
    """The signed-in person, re-read inside the transaction, who must hold ``role`` to do
    ``action`` (a refusal names both)."""
    if store.person is None:
        raise NotSignedIn()
    row = s.get(PersonRow, store.person.id)
    if row is None or not row.active:
        raise NotSignedIn()
    if role not in _roles_of(row):
        raise RoleRequired(row.name, role, action)
    return row


def _heads(s: Session, *, except_id: int | None = None) -> int:
    return sum(
        1
        for r in s.scalars(select(PersonRow).where(PersonRow.active.is_(True)))
        if HEAD in _roles_of(r) and r.id != except_id
    )


def add_person(store: Store, name: str, roles: Iterable[str], password: str) -> Person:
    """Add a person. The store's first person must be a head and needs no sign-in (it also
    turns people on); every later one is added by a signed-in head."""
    name = _check_name(name)
    roles_text = _roles_text(roles)
    _check_password(password)
    password_hash = hash_password(password)  # before the transaction: it takes a while
    with store._write() as s:
        first = s.scalar(select(PersonRow.id).limit(1)) is None
        if first:
            if HEAD not in roles_text.split(","):
                raise PeopleRefused(
                    tr(
                        "people",
                        "第一个账号必须是单位负责人（由他/她再添加其他人员）。请为“{name}”选上单位负责人。",
                        name=name,
                    )
                )
            creator = ""
        else:
            creator = acting_as(store, s, HEAD, tr("people", "添加人员")).name
        if _row_named(s, name) is not None:
            raise PeopleRefused(tr("people", "已有名为“{name}”的人员，没有重复添加。", name=name))
        row = PersonRow(
            name=name,
            roles=roles_text,
            password_hash=password_hash,
            active=True,
            created_at=_now(),
            created_by=creator,
        )
        s.add(row)
        s.flush()
        if first:
            store._put_setting(s, PEOPLE_ENABLED, "1")
            store.person = person_of(row)  # the head who set the office up is signed in
        store._audit(s, "add_person", field=name, new=roles_text)
        log.info("person %s added with roles %s", name, roles_text)
        return person_of(row)


def authenticate(store: Store, name: str, password: str) -> Person:
    """The active person ``name`` whose password is ``password``; :class:`WrongPassword` else."""
    with store._read() as s:
        row = _row_named(s, name)
        stored = row.password_hash if row is not None and row.active else None
        person = person_of(row) if row is not None else None
    if stored is None:
        hash_password(password)  # the same work as a real check: a name is not told by timing
        log.info("sign-in refused for an unknown or inactive name")
        raise WrongPassword()
    if not verify_password(password, stored):
        log.info("sign-in refused for %s: wrong password", name)
        raise WrongPassword()
    assert person is not None
    log.info("%s signed in", person.name)
    return person


def set_roles(store: Store, name: str, roles: Iterable[str]) -> Person:
    """A head changes someone's roles (the last head keeps the head role)."""
    roles_text = _roles_text(roles)
    with store._write() as s:
        acting_as(store, s, HEAD, tr("people", "调整角色"))
        row = _require_row(s, name)
        if HEAD not in roles_text.split(",") and _heads(s, except_id=row.id) == 0:
            raise PeopleRefused(
                tr(
                    "people",
                    "{name} 是唯一的单位负责人，不能取消这个角色。请先指定另一位单位负责人。",
                    name=row.name,
                )
            )
        old, row.roles = row.roles, roles_text
        if old != roles_text:
            store._audit(s, "set_roles", field=row.name, old=old, new=roles_text)
        return person_of(row)


def set_password(
    store: Store, name: str, new_password: str, *, old_password: str | None = None
) -> None:
    """A person changes their own password (giving the old one), or a head resets anyone's."""
    _check_password(new_password)
    new_hash = hash_password(new_password)
    with store._write() as s:
        row = _require_row(s, name)
        own = store.person is not None and store.person.id == row.id
        if own and old_password is not None:
            if not verify_password(old_password, row.password_hash):
                raise WrongPassword()
        else:
            acting_as(store, s, HEAD, tr("people", "重设他人的口令"))
        row.password_hash = new_hash
        store._audit(s, "set_password", field=row.name)  # that it changed, never what to


def deactivate(store: Store, name: str) -> None:
    """A head removes someone from sign-in; what they did stays in the audit log by name."""
    with store._write() as s:
        acting_as(store, s, HEAD, tr("people", "停用人员"))
        row = _require_row(s, name)
        if HEAD in _roles_of(row) and _heads(s, except_id=row.id) == 0:
            raise PeopleRefused(
                tr(
                    "people",
                    "{name} 是唯一的单位负责人，不能停用。请先指定另一位单位负责人。",
                    name=row.name,
                )
            )
        if row.active:
            row.active = False
            store._audit(s, "deactivate_person", field=row.name, old="active", new="inactive")


def set_people_enabled(store: Store, on: bool) -> None:
    """Turn people and roles on or off on a single person's SQLite store (a head turns them off;
    a shared store always keeps them on). Turning on needs at least one person (the head)."""
    with store._write() as s:
        if on:
            if s.scalar(select(PersonRow.id).limit(1)) is None:
                raise PeopleRefused(tr("people", "请先建立单位负责人的账号，再启用人员和角色。"))
        else:
            if store.db_path is None:
                raise PeopleRefused(
                    tr("people", "共用的数据库服务器上每人都要登录，不能关闭人员和角色。")
                )
            if people_enabled_in(s):
                acting_as(store, s, HEAD, tr("people", "关闭人员和角色"))
        before = people_enabled_in(s)
        if on and not before:
            _reviews_stale_since_off(store, s)
        store._put_setting(s, PEOPLE_ENABLED, "1" if on else None)
        if before != on:
            store._audit(s, "set_people", old="on" if before else "off", new="on" if on else "off")


def _reviews_stale_since_off(store: Store, s: Session) -> None:
    """While people were off, changes did not reset reviews (nobody reviews then): turning them
    on again asks for a fresh review of every form of a revision not yet signed."""
    from ecodesk.store.models import FormReviewRow, SubmissionRow

    stale = s.scalars(
        select(FormReviewRow)
        .join(SubmissionRow, SubmissionRow.id == FormReviewRow.submission_id)
        .where(SubmissionRow.status != "signed", FormReviewRow.state != "changed")
    ).all()
    for review in stale:
        review.state, review.changed_at = "changed", _now()


def _require_row(s: Session, name: str) -> PersonRow:
    row = _row_named(s, name)
    if row is None:
        raise PeopleRefused(tr("people", "没有名为“{name}”的人员。", name=name.strip()))
    return row


# ---------------------------------------------------------------------------------- command line

PASSWORD_ENV = "ECODESK_PASSWORD"  # the --user's password, for scripts
NEW_PASSWORD_ENV = "ECODESK_NEW_PASSWORD"  # a new person's (or a new) password, for scripts


@dataclass
class _CommandLineUser:
    name: str
    password: Callable[[], str]


_command_line_user: _CommandLineUser | None = None


@contextmanager
def user_from_command_line(name: str | None, password: Callable[[], str]) -> Iterator[None]:
    """``ecodesk --user NAME …``: every store the command opens is signed in as ``name``
    (``password`` is asked for once, when the first store opens)."""
    global _command_line_user
    if not name:
        yield
        return
    cached: list[str] = []

    def once() -> str:
        if not cached:
            cached.append(password())
        return cached[0]

    saved, _command_line_user = _command_line_user, _CommandLineUser(name, once)
    try:
        yield
    finally:
        _command_line_user = saved


def sign_in_from_command_line(store: Store) -> None:
    """Called by ``Store.open``: sign in the command line's ``--user``, if one was given."""
    user = _command_line_user
    if user is None:
        return
    if not has_people(store):
        raise PeopleRefused(
            tr(
                "people",
                "这个数据库还没有建立人员账号，不需要 --user。单位负责人的账号用 ecodesk people add 姓名 --role 单位负责人 建立。",
            )
        )
    store.sign_in(user.name, user.password())
