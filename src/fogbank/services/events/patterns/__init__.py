"""EventBridge event patterns: validate once, match many.

``compile_pattern(text_or_dict)`` checks a pattern as EventBridge does (raising
``PatternError`` with EventBridge's reason text) and returns a ``Pattern`` whose
``matches(event)`` evaluates it: every named field must match (AND), the values listed for a
leaf are alternatives (OR), ``$or`` lists alternative sub-patterns, an array in the event
matches when any element does, and arrays of objects are searched element by element.
Leaf operators live in ``matchers.py``; the tree walk in ``pattern.py``.
"""

from fogbank.services.events.patterns.matchers import PatternError
from fogbank.services.events.patterns.pattern import Pattern, compile_pattern

__all__ = ["Pattern", "PatternError", "compile_pattern"]
