"""Propose tasks, agencies and deadlines from the Vietnamese text of a conclusion notice."""

from tracker.textimport.parser import MAX_TEXT_CHARS, ProposedTask, parse_directive_text

__all__ = ["MAX_TEXT_CHARS", "ProposedTask", "parse_directive_text"]
