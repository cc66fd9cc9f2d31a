"""Tables of the knowledge store. Rebuilt from knowledge/ by load-db, so schema changes rebuild too."""
from __future__ import annotations

from sqlalchemy import Column, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()


class Topic(Base):
    __tablename__ = "kb_topics"

    id = Column(String(64), primary_key=True)
    title = Column(String(200), nullable=False)
    start_with = Column(String(64), nullable=False)
    position = Column(Integer, nullable=False)


class Entry(Base):
    __tablename__ = "kb_entries"

    id = Column(String(64), primary_key=True)
    topic_id = Column(String(64), ForeignKey("kb_topics.id"), nullable=False, index=True)
    question = Column(Text, nullable=False)
    answer = Column(Text, nullable=False)  # figures already filled in
    checked = Column(Date, nullable=False)  # the day staff last reviewed it
    facts_as_of = Column(String(7))  # YYYY or YYYY-MM: when its facts were valid; what users are shown
    origin = Column(String(300), nullable=False)  # knowledge/faq/fees.yml:12, for staff
    digest = Column(String(64), nullable=False)  # changes whenever anything users see changes
    sources = relationship("Source", order_by="Source.position", cascade="all, delete-orphan")
    related = relationship("Related", order_by="Related.position", cascade="all, delete-orphan")


class Source(Base):
    __tablename__ = "kb_sources"

    entry_id = Column(String(64), ForeignKey("kb_entries.id"), primary_key=True)
    position = Column(Integer, primary_key=True)
    url = Column(Text, nullable=False)


class Related(Base):
    __tablename__ = "kb_related"

    entry_id = Column(String(64), ForeignKey("kb_entries.id"), primary_key=True)
    position = Column(Integer, primary_key=True)
    related_id = Column(String(64), nullable=False, index=True)


class Meta(Base):
    """Facts about the loaded content, e.g. when it was loaded and its training fingerprint."""

    __tablename__ = "kb_meta"

    key = Column(String(64), primary_key=True)
    value = Column(Text, nullable=False)


class EligibilityRules(Base):
    """The eligibility check's rules from knowledge/eligibility.yml, figures filled in, as one JSON document."""

    __tablename__ = "kb_eligibility"

    id = Column(Integer, primary_key=True)
    rules_json = Column(Text, nullable=False)
