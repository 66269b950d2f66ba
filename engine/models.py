"""The tables. Specs (model versions) and running state (instances) are kept apart.

- ``model_versions`` holds every deployed version's files; a version is their content hash.
- ``instances`` holds one serialized workflow per instance, with an optimistic lock column.
- ``open_tasks`` indexes the open human tasks so task lists never deserialize workflows.
- ``events`` is the append-only audit log, hash-chained per instance.
- ``incidents`` records instances whose timers failed (engine/incidents.py).
- ``letters`` keeps the letters sent to participants (UBL § 171; engine/letters/).
"""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator):
    """A timestamp stored in UTC and read back time-zone aware, on every database
    (SQLite keeps no zone: without this, local and UTC times would mix)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("opiflow stores only time-zone aware timestamps")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


class Authority(Base):
    """A contracting authority (ordregiver): a region, municipality or agency."""

    __tablename__ = "authorities"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # lessons of this authority may be found by other authorities
    shares_lessons: Mapped[bool] = mapped_column(Boolean, default=False)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    authority_id: Mapped[int] = mapped_column(ForeignKey("authorities.id"))
    groups: Mapped[list] = mapped_column(JSON, default=list)
    # authorities an auditor may read (names); empty for staff
    audits: Mapped[list] = mapped_column(JSON, default=list)
    password_hash: Mapped[str | None] = mapped_column(String(300), nullable=True)


class ModelVersion(Base):
    """One deployed version of a process model: its files, named by their content hash."""

    __tablename__ = "model_versions"
    id: Mapped[int] = mapped_column(primary_key=True)
    model: Mapped[str] = mapped_column(String(100), index=True)
    version: Mapped[str] = mapped_column(String(64))
    files: Mapped[dict] = mapped_column(JSON)
    deployed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # who deployed it (a designer, or the command line) and, for a version saved in the
    # browser, the authority whose designers own it (None: deployed from the files)
    deployed_by: Mapped[str] = mapped_column(String(100), default="")
    authority_id: Mapped[int | None] = mapped_column(
        ForeignKey("authorities.id"), nullable=True)
    __table_args__ = (UniqueConstraint("model", "version"),)


class ModelDraft(Base):
    """A model saved in the browser with problems: kept, never deployed."""

    __tablename__ = "model_drafts"
    id: Mapped[int] = mapped_column(primary_key=True)
    model: Mapped[str] = mapped_column(String(100), index=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authorities.id"))
    files: Mapped[dict] = mapped_column(JSON)
    problems: Mapped[list] = mapped_column(JSON, default=list)
    saved_by: Mapped[str] = mapped_column(String(100))
    saved_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Instance(Base):
    __tablename__ = "instances"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    model: Mapped[str] = mapped_column(String(100), index=True)
    model_version: Mapped[str] = mapped_column(String(64))
    authority_id: Mapped[int] = mapped_column(ForeignKey("authorities.id"), index=True)
    title: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(20), index=True)  # running|completed|cancelled
    phase: Mapped[str] = mapped_column(String(100), default="")
    state: Mapped[str] = mapped_column(Text)  # the serialized workflow (JSON text)
    lock_version: Mapped[int] = mapped_column(Integer, nullable=False)
    next_timer_at: Mapped[datetime | None] = mapped_column(
        UtcDateTime(), nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    started_by: Mapped[str] = mapped_column(String(100))
    # the head of this instance's audit chain
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64), default="")
    __mapper_args__ = {"version_id_col": lock_version}


class OpenTask(Base):
    """An open (ready) human task, kept in step with the workflow state."""

    __tablename__ = "open_tasks"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    instance_id: Mapped[str] = mapped_column(
        ForeignKey("instances.id", ondelete="CASCADE"), index=True)
    authority_id: Mapped[int] = mapped_column(Integer)
    model: Mapped[str] = mapped_column(String(100))
    spec: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(300))
    # the item of a multi-instance task (which applicant, which bidder)
    item: Mapped[str | None] = mapped_column(String(200), nullable=True)
    lane: Mapped[str | None] = mapped_column(String(100), nullable=True)
    form: Mapped[str | None] = mapped_column(String(200), nullable=True)
    assignee: Mapped[str | None] = mapped_column(String(100), nullable=True)
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    phase: Mapped[str] = mapped_column(String(100), default="")
    __table_args__ = (
        Index("ix_open_tasks_lane_authority", "authority_id", "lane"),
        Index("ix_open_tasks_assignee", "assignee"),
        # the task list's order (Engine.tasks), so a page stops early: migration 0012
        Index("ix_open_tasks_authority_order", "authority_id", text("(due_at IS NULL)"),
              "due_at", "created_at", "id"),
    )


class Event(Base):
    """One audit event. Append-only: (instance_id, seq) orders the log and detects races."""

    __tablename__ = "events"
    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[str] = mapped_column(String(36))
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(30))
    actor: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    task_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    task_spec: Mapped[str | None] = mapped_column(String(200), nullable=True)
    task_title: Mapped[str | None] = mapped_column(String(300), nullable=True)
    # the item of a multi-instance task (which applicant, which bidder): not hashed, like
    # the title; migration 0015
    task_item: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # which of the ready tasks with this spec it was, so replay can find it again
    task_nth: Mapped[int | None] = mapped_column(Integer, nullable=True)
    data: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    snapshot: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # SHA-256 of the instance's stored state after this event (None in older events)
    state_digest: Mapped[str | None] = mapped_column(String(64), nullable=True)
    __table_args__ = (UniqueConstraint("instance_id", "seq", name="uq_events_instance_seq"),)


class Incident(Base):
    """An instance whose timer led into a failing step: retried with back-off, shown to
    staff, and resolved by a later success or by a person (engine/incidents.py)."""

    __tablename__ = "incidents"
    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[str] = mapped_column(
        ForeignKey("instances.id", ondelete="CASCADE"), index=True)
    authority_id: Mapped[int] = mapped_column(Integer)
    element: Mapped[str | None] = mapped_column(String(200), nullable=True)
    error: Mapped[str] = mapped_column(Text)
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime())
    failed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    attempts: Mapped[int] = mapped_column(Integer)
    next_retry_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    resolved_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    resolution: Mapped[str | None] = mapped_column(String(300), nullable=True)
    __table_args__ = (Index("ix_incidents_authority_open", "authority_id", "resolved_at"),)
class LoginFailure(Base):
    """A wrong password: counted per user name and per address for the lockout."""

    __tablename__ = "login_failures"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_name: Mapped[str] = mapped_column(String(100), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())


class WebSession(Base):
    """A logged-in web session; logging out deletes it, so a copied cookie dies too."""

    __tablename__ = "web_sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_name: Mapped[str] = mapped_column(String(100), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


# ------------------------------------------------------------------ the portfolio
class FundingSource(Base):
    """Money a procedure may spend: own budget, a national pool, EU funds, a foundation;
    for the phases of the value chain it names, with a share of each drawdown."""

    __tablename__ = "funding_sources"
    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[str] = mapped_column(
        ForeignKey("instances.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    amount: Mapped[float] = mapped_column(Numeric(18, 2))
    phases: Mapped[list] = mapped_column(JSON, default=list)
    share: Mapped[float | None] = mapped_column(Numeric(6, 2), nullable=True)
    deadline: Mapped[str | None] = mapped_column(String(10), nullable=True)
    conditions: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Drawdown(Base):
    """Money the process itself spent (a fee instalment, a call-off), on one source
    (or on none: an unfunded phase)."""

    __tablename__ = "drawdowns"
    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[str] = mapped_column(
        ForeignKey("instances.id", ondelete="CASCADE"), index=True)
    source_id: Mapped[int | None] = mapped_column(
        ForeignKey("funding_sources.id", ondelete="CASCADE"), nullable=True, index=True)
    key: Mapped[str] = mapped_column(String(100))
    phase: Mapped[str] = mapped_column(String(30))
    amount: Mapped[float] = mapped_column(Numeric(18, 2))
    what: Mapped[str] = mapped_column(String(300), default="")
    at: Mapped[datetime] = mapped_column(UtcDateTime())


class Lesson(Base):
    """"Svært, lært og kært": what was hard, what was learned, what worked well."""

    __tablename__ = "lessons"
    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authorities.id"), index=True)
    instance_id: Mapped[str | None] = mapped_column(
        ForeignKey("instances.id", ondelete="SET NULL"), nullable=True, index=True)
    phase: Mapped[str] = mapped_column(String(100), default="")
    subject: Mapped[str] = mapped_column(String(200), default="")
    hard: Mapped[str] = mapped_column(Text, default="")
    learned: Mapped[str] = mapped_column(Text, default="")
    dear: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str] = mapped_column(String(100))
    department: Mapped[str] = mapped_column(String(200), default="")
    at: Mapped[datetime] = mapped_column(UtcDateTime())


class ProcedureFacts(Base):
    """What the portfolio counts per procedure, kept in step on every save so the
    portfolio never deserializes workflows."""

    __tablename__ = "procedure_facts"
    instance_id: Mapped[str] = mapped_column(
        ForeignKey("instances.id", ondelete="CASCADE"), primary_key=True)
    authority_id: Mapped[int] = mapped_column(Integer, index=True)
    applicants: Mapped[int] = mapped_column(Integer, default=0)
    bidders: Mapped[int] = mapped_column(Integer, default=0)
    fees_paid: Mapped[float] = mapped_column(Numeric(18, 2), default=0)
    ceiling: Mapped[float] = mapped_column(Numeric(18, 2), default=0)
    ceiling_used: Mapped[float] = mapped_column(Numeric(18, 2), default=0)
    reached_purchase: Mapped[bool] = mapped_column(Boolean, default=False)
    reached_implementation: Mapped[bool] = mapped_column(Boolean, default=False)
    # words to find the procedure by: applicants, bidders, the winner, CVR numbers
    search_text: Mapped[str] = mapped_column(Text, default="")


class PhaseChange(Base):
    """When a procedure entered a phase (for cycle times)."""

    __tablename__ = "phase_changes"
    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[str] = mapped_column(
        ForeignKey("instances.id", ondelete="CASCADE"), index=True)
    phase: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UtcDateTime())


class ApiToken(Base):
    """A personal API token: it acts as its user. Only the secret's sha256 is kept."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    name: Mapped[str] = mapped_column(String(60))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class NotificationSettings(Base):
    """What a user is told, how and where: their e-mail, language, kinds and delivery."""

    __tablename__ = "notification_settings"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    email: Mapped[str | None] = mapped_column(String(200), nullable=True)
    language: Mapped[str] = mapped_column(String(5), default="da")
    kinds: Mapped[list] = mapped_column(JSON, default=list)  # the kinds they want
    delivery: Mapped[str] = mapped_column(String(20), default="immediate")  # or digest, inbox
    last_digest_on: Mapped[str | None] = mapped_column(String(10), nullable=True)


class Notification(Base):
    """One message to one user, in their inbox. ``key`` names what it is about, and
    (user, key) is unique: a reminder is made once however many schedulers look."""

    __tablename__ = "notifications"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_name: Mapped[str] = mapped_column(String(100), index=True)
    key: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    instance_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    task_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    # set when e-mailed (or claimed for e-mailing); stays empty for inbox-only users
    emailed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    __table_args__ = (UniqueConstraint("user_name", "key", name="uq_notifications_user_key"),)


class Webhook(Base):
    """An authority's outgoing webhook: the event kinds it wants, POSTed signed to url.
    The secret signs the payloads (HMAC), so it is kept as it is, not hashed."""

    __tablename__ = "webhooks"
    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authorities.id"), index=True)
    url: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str] = mapped_column(String(100))
    kinds: Mapped[list] = mapped_column(JSON, default=list)
    after_event_id: Mapped[int] = mapped_column(Integer, default=0)  # only later events
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class WebhookDelivery(Base):
    """One event to one webhook, and how its attempts went (the delivery log)."""

    __tablename__ = "webhook_deliveries"
    id: Mapped[int] = mapped_column(primary_key=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"),
                                            index=True)
    event_id: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))  # pending, delivered, failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_result: Mapped[str] = mapped_column(String(300), default="")
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    __table_args__ = (UniqueConstraint("webhook_id", "event_id",
                                       name="uq_webhook_deliveries_event"),)
class JointParty(Base):
    """An authority's part in a joint process (joint public scaling): need owner, invited,
    participant, signatory, declined or left; and the child procurement it started, if any.
    The joint process itself belongs to its facilitator (``instances.authority_id``)."""

    __tablename__ = "joint_parties"
    instance_id: Mapped[str] = mapped_column(
        ForeignKey("instances.id", ondelete="CASCADE"), primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authorities.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20))
    child_id: Mapped[str | None] = mapped_column(
        ForeignKey("instances.id"), nullable=True, index=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    __table_args__ = (Index("ix_joint_parties_authority", "authority_id"),)


class JointSummary(Base):
    """What a joint process's page reads, kept in step with the workflow on every save
    (like the open-task index), so the page never deserializes the workflow: the shared
    data and the answers, confirmations, signatures and own procurements gathered."""

    __tablename__ = "joint_summaries"
    instance_id: Mapped[str] = mapped_column(
        ForeignKey("instances.id", ondelete="CASCADE"), primary_key=True)
    data: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Letter(Base):
    """A letter to one participant (UBL § 171: selection, reduction, award,
    cancellation), made in the unit of work of the step that decided it. Written once,
    never changed: the audit event ``letter`` (``event_seq``) records its digest."""

    __tablename__ = "letters"
    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[str] = mapped_column(
        ForeignKey("instances.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    batch: Mapped[str] = mapped_column(String(40), default="")
    addressee: Mapped[str] = mapped_column(String(300))
    subject: Mapped[str] = mapped_column(String(500))
    dated: Mapped[str] = mapped_column(String(10))  # ISO date of the letter
    content: Mapped[dict] = mapped_column(JSON)
    digest: Mapped[str] = mapped_column(String(64))  # SHA-256 of the canonical content
    event_seq: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(100))
    __table_args__ = (UniqueConstraint("instance_id", "kind", "batch", "addressee",
                                       name="uq_letters_addressee"),)
