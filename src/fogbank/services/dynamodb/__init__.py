"""DynamoDB: tables, items, queries, expressions and streams on SQLite.

Flow: the provider validates a request; ``types`` validates and normalises AttributeValues
and computes item sizes; ``expressions`` parses Condition/Filter/Update/Projection/
KeyCondition expressions (and the legacy parameters) into cached ASTs, evaluates them against
items and applies updates; the store persists items in SQLite.

Hot paths: items are stored as the JSON of their wire form, so GetItem and plain Query/Scan
pages answer a wire request with the stored bytes spliced into the response (``EncodedJson``,
see ``fogbank.protocol.json_fast``) instead of decoding and re-encoding them; BatchWriteItem
to a table without indexes or stream writes its puts with one lookup per partition key and
one ``executemany``; ``types.validate_item_sized`` validates and sizes an item in one walk.
"""
