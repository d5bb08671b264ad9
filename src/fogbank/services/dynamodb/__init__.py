"""DynamoDB: tables, items, queries, expressions and streams on SQLite.

Flow: the provider validates a request; ``types`` validates and normalises AttributeValues
and computes item sizes; ``expressions`` parses Condition/Filter/Update/Projection/
KeyCondition expressions (and the legacy parameters) into cached ASTs, evaluates them against
items and applies updates; the store persists items in SQLite.
"""
