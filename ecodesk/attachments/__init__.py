"""Evidence (佐证材料): files attached to a form, an indicator or a table row, bound by the signature.

The API the rest of the program (the window, the command line, export) uses — all here:

- :class:`Attachment` — one file of a revision: ``id, period, revision, key, form, name, kind,
  media_type, size, sha256, note`` (the description), ``added_at, added_by``, ``removed_at``;
  ``short_hash``, ``file_kind`` (its :class:`~.kinds.FileKind`: ``label``, ``is_image``).
- :func:`attach` ``(store, period, key, path, note, *, name=None) -> Attachment`` — key is a form
  (``1.1``), an indicator or field (``1.1:tech_invest``, ``G:forest.num``) or a table row
  (``1.1:projects#3``, rows from 1; renumbered with its row when rows are deleted or inserted,
  see :mod:`ecodesk.store.table_rows`); the description is required; the type is sniffed from the
  bytes (:mod:`.kinds`); refusals are :class:`AttachmentRefused` with a Chinese sentence.
  Limits: :data:`ecodesk.store.settings.ATTACHMENT_FILE_LIMIT_MB` (50) and
  :data:`~ecodesk.store.settings.ATTACHMENT_SUBMISSION_LIMIT_MB` (500).
- :func:`list_attachments` ``(store, period, revision=None, *, include_removed=False)``.
- :func:`detach` ``(store, attachment_id)`` — from a draft only (:class:`AttachmentFrozen` for a
  signed revision); :func:`restore` ``(store, attachment_id)`` undoes it.
- :func:`content_path` ``(store, attachment) -> Path`` — the stored file, to read (a thumbnail)
  or copy, never to write; it has no extension. :class:`AttachmentContentMissing` when this data
  folder lacks it. :func:`viewable_copy` ``(store, attachment) -> Path`` — a copy under the
  file's own name in the data folder's cache, to hand to the system viewer (double-click).
- At the receiver: :func:`ecodesk.attachments.package.extract_attachment`
  ``(package, attached_file, folder) -> Path`` — a checked file out of a package, for opening;
  the consolidation lists each unit's files (``Summary.attachments``, ``attachments_of``).
- :func:`resolve_place` / :func:`place_label` — check a key, and how a person reads it
  (``1.1 森林覆盖率``, ``1.1 项目表第3行``).
- :func:`accepted_extensions` — for a file dialog's filter.
- ``Store.load(period).attachments`` — the revision's files as the signature will bind them
  (:class:`ecodesk.submission.AttachedFile`: ``n, key, label, name, kind, size, sha256, note``),
  for the rules (a claim that needs evidence), the workbook, the printed sheet and export.

The bytes are stored once per content in ``<data folder>/attachments/`` (:mod:`.blobs`), written
atomically and never deleted, so deleting the clerk's original loses nothing. A new revision
carries its predecessor's attachments. On a shared PostgreSQL store the bytes also go into the
database, in chunks, and another PC fetches them into its own data folder when it first needs
them (:mod:`.shared`); a damaged copy there is :class:`AttachmentContentDamaged`, never served.
"""

from ecodesk.attachments.errors import (
    AttachmentContentDamaged,
    AttachmentContentMissing,
    AttachmentFrozen,
    AttachmentNotFound,
    AttachmentRefused,
)
from ecodesk.attachments.kinds import KINDS, FileKind, accepted_extensions, kind_of
from ecodesk.attachments.places import Place, place_label, resolve_place
from ecodesk.attachments.records import (
    Attachment,
    attach,
    content_path,
    detach,
    file_limit,
    get_attachment,
    list_attachments,
    restore,
    submission_limit,
    viewable_copy,
)

__all__ = [
    "KINDS",
    "Attachment",
    "AttachmentContentDamaged",
    "AttachmentContentMissing",
    "AttachmentFrozen",
    "AttachmentNotFound",
    "AttachmentRefused",
    "FileKind",
    "Place",
    "accepted_extensions",
    "attach",
    "content_path",
    "detach",
    "file_limit",
    "get_attachment",
    "kind_of",
    "list_attachments",
    "place_label",
    "resolve_place",
    "restore",
    "submission_limit",
    "viewable_copy",
]
