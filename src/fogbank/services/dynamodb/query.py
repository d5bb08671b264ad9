"""Query and Scan: one SQL range scan over key bytes, then Limit, the 1 MB page, the filter.

Order of work is DynamoDB's: read items in key order until ``Limit`` items were read or 1 MB
of item data was read, apply the FilterExpression to what was read (so a page can be empty
and still carry a LastEvaluatedKey), then projection / Select. Index reads walk
``ddb_index_entries`` (index key, then table key) joined to the items; a GSI returns only its
projected attributes.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from fogbank.protocol.json_fast import EncodedJson, accepts_encoded_json
from fogbank.services.base import RequestContext, operation
from fogbank.services.dynamodb import expressions as ex
from fogbank.services.dynamodb import request_expressions as rx
from fogbank.services.dynamodb.codec import decode_item, decode_items, encode_json, wire_json
from fogbank.services.dynamodb.common import DynamoBase
from fogbank.services.dynamodb.errors import ValidationException
from fogbank.services.dynamodb.keys import encode_key_value, prefix_upper_bound
from fogbank.services.dynamodb.model import IndexMeta, Item, TableMeta

PAGE_LIMIT_BYTES = 1024 * 1024
SELECTS = ("ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES", "SPECIFIC_ATTRIBUTES", "COUNT")
Row = tuple[bytes, int]


@dataclass
class ReadPlan:
    table: TableMeta
    index: IndexMeta | None
    select: str
    projection: Any
    filter: Any
    limit: int | None


def index_view(table: TableMeta, index: IndexMeta, item: Item) -> Item:
    """What an index holds of an item: everything (ALL), or the keys plus included names."""
    if index.projection_type == "ALL":
        return item
    names = set(table.key_names) | {index.hash_key}
    if index.range_key:
        names.add(index.range_key)
    names.update(index.projection.get("NonKeyAttributes") or [])
    return {name: value for name, value in item.items() if name in names}


def resolve_index(table: TableMeta, index_name: str | None) -> IndexMeta | None:
    if index_name is None:
        return None
    index = table.indexes.get(index_name)
    if index is None:
        raise ValidationException(
            f"The table does not have the specified index: {index_name}")
    return index


def resolve_select(select: str | None, index: IndexMeta | None, has_projection: bool) -> str:
    if select is not None and select not in SELECTS:
        raise ValidationException(
            f"1 validation error detected: Value '{select}' at 'select' failed to satisfy "
            "constraint: Member must satisfy enum value set: [SPECIFIC_ATTRIBUTES, COUNT, "
            "ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]")
    if select is None:
        if has_projection:
            return "SPECIFIC_ATTRIBUTES"
        return "ALL_PROJECTED_ATTRIBUTES" if index is not None else "ALL_ATTRIBUTES"
    if has_projection and select != "SPECIFIC_ATTRIBUTES":
        what = "only the Count" if select == "COUNT" else select
        raise ValidationException("Cannot specify the AttributesToGet or ProjectionExpression "
                                  f"when choosing to get {what}")
    if select == "ALL_PROJECTED_ATTRIBUTES" and index is None:
        raise ValidationException("One or more parameter values were invalid: Select type "
                                  "ALL_PROJECTED_ATTRIBUTES is not supported for table scans or "
                                  "queries, use ALL_ATTRIBUTES instead")
    if select == "ALL_ATTRIBUTES" and index is not None and index.kind == "GSI" \
            and index.projection_type != "ALL":
        raise ValidationException(
            "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not "
            f"supported for global secondary index {index.name} because its projection type "
            "is not ALL")
    return select


def top_level_names(node: Any) -> set[str]:
    """Top-level attribute names a parsed condition reads (walks the expression tree)."""
    names: set[str] = set()
    path = getattr(node, "path", None)
    if isinstance(path, tuple) and path:
        names.add(str(path[0]))
    children = getattr(node, "__dataclass_fields__", None)
    if children:
        for name in children:
            child = getattr(node, name)
            for member in child if isinstance(child, tuple | list) else (child,):
                if hasattr(member, "__dataclass_fields__"):
                    names |= top_level_names(member)
    return names


def check_filter_on_keys(filter_: Any, key_names: tuple[str, ...]) -> None:
    if filter_ is None:
        return
    used = top_level_names(getattr(filter_, "root", filter_))
    for name in key_names:
        if name in used:
            raise ValidationException("Filter Expression can only contain non-primary key "
                                      f"attributes: Primary key attribute: {name}")


def within(hash_bytes: bytes, range_bytes: bytes, query_hash: bytes, op: str | None,
           values: list[bytes]) -> bool:
    """Whether a starting key lies inside a Query's key condition."""
    if hash_bytes != query_hash:
        return False
    if op is None:
        return True
    if op == "BETWEEN":
        return values[0] <= range_bytes <= values[1]
    if op == "BEGINS_WITH":
        return range_bytes.startswith(values[0])
    checks = {"=": range_bytes == values[0], "<": range_bytes < values[0],
              "<=": range_bytes <= values[0], ">": range_bytes > values[0],
              ">=": range_bytes >= values[0]}
    return checks[op]


def check_limit(limit: int | None) -> None:
    if limit is not None and limit < 1:
        raise ValidationException(
            f"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy "
            "constraint: Member must have value greater than or equal to 1")


class QueryOperations(DynamoBase):
    def _plan(self, table: TableMeta, index_name: str | None, select: str | None,
              projection: Any, filter_: Any, limit: int | None) -> ReadPlan:
        check_limit(limit)
        index = resolve_index(table, index_name)
        chosen = resolve_select(select, index, projection is not None)
        return ReadPlan(table, index, chosen, projection, filter_, limit)

    def _start_key(self, plan: ReadPlan, start: dict[str, Any] | None) -> tuple[bytes, ...] | None:
        """Key bytes to resume after: ``(hk, rk)`` of the table, or ``(ihk, irk, thk, trk)``."""
        if start is None:
            return None
        table, index = plan.table, plan.index
        names = set(table.key_names)
        if index is not None:
            names.update(name for name in (index.hash_key, index.range_key) if name)
        if set(start) != names:
            raise ValidationException("The provided starting key is invalid: The provided key "
                                      "element does not match the schema")
        try:
            table_key = table.key_from_request(table.key_of(start))
            if index is None:
                return table_key
            index_key = index.key_bytes(start)
        except ValidationException as exc:
            raise ValidationException(
                f"The provided starting key is invalid: {exc.message}") from None
        if index_key is None:
            raise ValidationException("The provided starting key is invalid: The provided key "
                                      "element does not match the schema")
        return (*index_key, *table_key)

    def _page(self, plan: ReadPlan, rows: Iterator[Row], consistent: bool,
              capacity_mode: str | None, encoded: bool = False) -> dict[str, Any] | EncodedJson:
        table, index = plan.table, plan.index
        # Limit and the 1 MB page depend only on row sizes: find the page, then decode it.
        raws: list[bytes] = []
        read_bytes = 0
        stopped = False
        for raw, size in rows:
            raws.append(raw)
            read_bytes += size
            if (plan.limit is not None and len(raws) >= plan.limit) \
                    or read_bytes >= PAGE_LIMIT_BYTES:
                stopped = True
                break
        if encoded and plan.filter is None and plan.projection is None \
                and plan.select == "ALL_ATTRIBUTES" and index is None:
            return self._encoded_page(plan, raws, stopped, read_bytes, consistent, capacity_mode)
        page = decode_items(raws)
        scanned = len(page)
        last: Item | None = page[-1] if page else None
        use_index_view = index is not None and (
            index.kind == "GSI" or plan.select != "ALL_ATTRIBUTES")
        items: list[Item] = []
        count = 0
        for item in page:
            visible = index_view(table, index, item) if use_index_view and index else item
            if plan.filter is None or ex.evaluate(plan.filter, visible):
                count += 1
                if plan.select != "COUNT":
                    items.append(ex.project(plan.projection, visible)
                                 if plan.projection is not None else visible)
        out: dict[str, Any] = {"Count": count, "ScannedCount": scanned}
        if plan.select != "COUNT":
            out["Items"] = items
        if stopped and last is not None:
            lek = table.key_of(last)
            if index is not None:
                lek.update({name: last[name] for name in (index.hash_key, index.range_key)
                            if name})
            out["LastEvaluatedKey"] = lek
        if capacity_mode:
            capacity = self.consumed(table, capacity_mode, read_bytes=read_bytes,
                                     consistent=consistent,
                                     index_name=index.name if index else None)
            if capacity:
                out["ConsumedCapacity"] = capacity
        return out

    def _encoded_page(self, plan: ReadPlan, raws: list[bytes], stopped: bool, read_bytes: int,
                      consistent: bool, capacity_mode: str | None) -> EncodedJson:
        """A page of whole table items for the edge: the stored items spliced in as they are
        (only the last one is decoded, for the LastEvaluatedKey)."""
        table = plan.table
        count = str(len(raws)).encode()
        parts = [b'{"Count":', count, b',"ScannedCount":', count, b',"Items":[',
                 b",".join([wire_json(raw) for raw in raws]), b"]"]
        if stopped and raws:
            parts += [b',"LastEvaluatedKey":', encode_json(table.key_of(decode_item(raws[-1])))]
        if capacity_mode:
            capacity = self.consumed(table, capacity_mode, read_bytes=read_bytes,
                                     consistent=consistent)
            if capacity:
                parts += [b',"ConsumedCapacity":', encode_json(capacity)]
        parts.append(b"}")
        return EncodedJson(b"".join(parts))

    # -- Query ----------------------------------------------------------------------------

    @operation("Query")
    def query(self, ctx: RequestContext, *, table_name: Any = None, index_name: str | None = None,
              key_condition_expression: str | None = None,
              key_conditions: dict[str, Any] | None = None,
              filter_expression: str | None = None, query_filter: dict[str, Any] | None = None,
              conditional_operator: str | None = None,
              projection_expression: str | None = None,
              attributes_to_get: list[str] | None = None, select: str | None = None,
              expression_attribute_names: dict[str, str] | None = None,
              expression_attribute_values: dict[str, Any] | None = None,
              limit: int | None = None, scan_index_forward: bool | None = None,
              exclusive_start_key: dict[str, Any] | None = None, consistent_read: bool = False,
              return_consumed_capacity: str | None = None,
              **_: Any) -> dict[str, Any] | EncodedJson:
        table = self.table(table_name)
        index = resolve_index(table, index_name)
        if index is not None and index.kind == "GSI" and consistent_read:
            raise ValidationException("Consistent reads are not supported on global secondary "
                                      "indexes")
        rx.check_not_mixed(
            {"KeyConditions": key_conditions, "QueryFilter": query_filter,
             "AttributesToGet": attributes_to_get},
            {"KeyConditionExpression": key_condition_expression,
             "FilterExpression": filter_expression, "ProjectionExpression": projection_expression})
        ectx = rx.context(expression_attribute_names, expression_attribute_values,
                          {"KeyConditionExpression": key_condition_expression,
                           "FilterExpression": filter_expression,
                           "ProjectionExpression": projection_expression})
        hash_key = index.hash_key if index else table.hash_key
        range_key = index.range_key if index else table.range_key
        if key_condition_expression is not None:
            key_condition = ex.parse_key_condition(key_condition_expression, ectx,
                                                   hash_key=hash_key, range_key=range_key)
        elif key_conditions:
            key_condition = ex.key_condition_from_legacy(key_conditions, hash_key=hash_key,
                                                         range_key=range_key)
        else:
            raise ValidationException("Either the KeyConditions or KeyConditionExpression "
                                      "parameter must be specified in the request.")
        filter_ = rx.filter_condition(ectx, filter_expression, query_filter,
                                      conditional_operator)
        check_filter_on_keys(filter_, tuple(name for name in (hash_key, range_key) if name))
        projection = rx.projection(ectx, projection_expression, attributes_to_get)
        ectx.check_all_used()
        plan = self._plan(table, index_name, select, projection, filter_, limit)
        start = self._start_key(plan, exclusive_start_key)
        forward = scan_index_forward is not False
        rows = self._query_rows(plan, key_condition, start, forward)
        return self._page(plan, rows, bool(consistent_read), return_consumed_capacity,
                          accepts_encoded_json(ctx, "Query"))

    def _key_bytes(self, value: dict[str, Any], expected: str | None) -> bytes:
        if next(iter(value), None) != expected:
            raise ValidationException("One or more parameter values were invalid: Condition "
                                      "parameter type does not match schema type")
        return encode_key_value(value)

    def _query_rows(self, plan: ReadPlan, key_condition: Any, start: tuple[bytes, ...] | None,
                    forward: bool) -> Iterator[Row]:
        table, index = plan.table, plan.index
        hash_type = index.hash_type if index else table.hash_type
        range_type = index.range_type if index else table.range_type
        hash_bytes = self._key_bytes(key_condition.hash_value, hash_type)
        prefix = "e." if index is not None else ""
        where = [f"{prefix}hk = ?"]
        args: list[Any] = [hash_bytes]
        op = key_condition.range_op
        values = [self._key_bytes(value, range_type) for value in key_condition.range_values]
        if op in ("=", "<", "<=", ">", ">="):
            where.append(f"{prefix}rk {op} ?")
            args.append(values[0])
        elif op == "BETWEEN":
            where.append(f"{prefix}rk >= ? AND {prefix}rk <= ?")
            args.extend(values)
        elif op == "BEGINS_WITH":
            if range_type == "N":
                raise ValidationException(
                    "Invalid KeyConditionExpression: Incorrect operand type for operator or "
                    "function; operator or function: begins_with, operand type: N")
            where.append(f"{prefix}rk >= ?")
            args.append(values[0])
            upper = prefix_upper_bound(values[0])
            if upper is not None:
                where.append(f"{prefix}rk < ?")
                args.append(upper)
        if start is not None and not within(start[0], start[1], hash_bytes, op, values):
            raise ValidationException("The provided starting key is outside query boundaries "
                                      "based on provided conditions")
        direction = "ASC" if forward else "DESC"
        comparison = ">" if forward else "<"
        if index is None:
            if start is not None:
                where.append(f"rk {comparison} ?")
                args.append(start[1])
            sql = (f"SELECT item, size FROM ddb_items WHERE table_id = ? AND {' AND '.join(where)}"
                   f" ORDER BY rk {direction}")
            args.insert(0, table.table_id)
        else:
            if start is not None:
                where.append(f"(e.rk, e.thk, e.trk) {comparison} (?, ?, ?)")
                args.extend(start[1:])
            sql = ("SELECT i.item, i.size FROM ddb_index_entries e JOIN ddb_items i"
                   " ON i.table_id = ? AND i.hk = e.thk AND i.rk = e.trk WHERE e.index_id = ?"
                   f" AND {' AND '.join(where)}"
                   f" ORDER BY e.rk {direction}, e.thk {direction}, e.trk {direction}")
            args[:0] = [table.table_id, index.index_id]
        if plan.limit is not None:
            sql += f" LIMIT {int(plan.limit)}"
        return self.store.rows(sql, tuple(args))

    # -- Scan -----------------------------------------------------------------------------

    @operation("Scan")
    def scan(self, ctx: RequestContext, *, table_name: Any = None, index_name: str | None = None,
             filter_expression: str | None = None, scan_filter: dict[str, Any] | None = None,
             conditional_operator: str | None = None, projection_expression: str | None = None,
             attributes_to_get: list[str] | None = None, select: str | None = None,
             expression_attribute_names: dict[str, str] | None = None,
             expression_attribute_values: dict[str, Any] | None = None,
             limit: int | None = None, exclusive_start_key: dict[str, Any] | None = None,
             segment: int | None = None, total_segments: int | None = None,
             consistent_read: bool = False, return_consumed_capacity: str | None = None,
             **_: Any) -> dict[str, Any] | EncodedJson:
        table = self.table(table_name)
        if segment is not None and total_segments is None:
            raise ValidationException("The TotalSegments parameter is required but was not "
                                      "present in the request when Segment parameter is present")
        if total_segments is not None:
            if segment is None:
                raise ValidationException("The Segment parameter is required but was not "
                                          "present in the request when parameter TotalSegments "
                                          "is present")
            if not 1 <= total_segments <= 1000000:
                raise ValidationException(
                    f"1 validation error detected: Value '{total_segments}' at 'totalSegments' "
                    "failed to satisfy constraint: Member must have value less than or equal "
                    "to 1000000")
            if not 0 <= segment < total_segments:
                raise ValidationException(
                    f"The Segment parameter is zero-based and must be less than parameter "
                    f"TotalSegments: Segment: {segment} is not less than TotalSegments: "
                    f"{total_segments}")
        rx.check_not_mixed(
            {"ScanFilter": scan_filter, "AttributesToGet": attributes_to_get},
            {"FilterExpression": filter_expression, "ProjectionExpression": projection_expression})
        ectx = rx.context(expression_attribute_names, expression_attribute_values,
                          {"FilterExpression": filter_expression,
                           "ProjectionExpression": projection_expression})
        filter_ = rx.filter_condition(ectx, filter_expression, scan_filter, conditional_operator)
        projection = rx.projection(ectx, projection_expression, attributes_to_get)
        ectx.check_all_used()
        plan = self._plan(table, index_name, select, projection, filter_, limit)
        start = self._start_key(plan, exclusive_start_key)
        rows = self._scan_rows(plan, start, segment, total_segments)
        return self._page(plan, rows, bool(consistent_read), return_consumed_capacity,
                          accepts_encoded_json(ctx, "Scan"))

    def _scan_rows(self, plan: ReadPlan, start: tuple[bytes, ...] | None, segment: int | None,
                   total_segments: int | None) -> Iterator[Row]:
        table, index = plan.table, plan.index
        if index is None:
            sql = "SELECT item, size, hk FROM ddb_items WHERE table_id = ?"
            args: list[Any] = [table.table_id]
            if start is not None:
                sql += " AND (hk, rk) > (?, ?)"
                args.extend(start)
            sql += " ORDER BY hk, rk"
        else:
            sql = ("SELECT i.item, i.size, e.hk FROM ddb_index_entries e JOIN ddb_items i"
                   " ON i.table_id = ? AND i.hk = e.thk AND i.rk = e.trk WHERE e.index_id = ?")
            args = [table.table_id, index.index_id]
            if start is not None:
                sql += " AND (e.hk, e.rk, e.thk, e.trk) > (?, ?, ?, ?)"
                args.extend(start)
            sql += " ORDER BY e.hk, e.rk, e.thk, e.trk"
        for raw, size, hash_bytes in self.store.rows(sql, tuple(args)):
            if total_segments is None or zlib.crc32(hash_bytes) % total_segments == segment:
                yield raw, size
