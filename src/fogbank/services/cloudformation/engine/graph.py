"""Dependency order of resources: implicit (Ref/GetAtt/Sub) plus explicit ``DependsOn``."""

from __future__ import annotations

from typing import Any

from fogbank.services.cloudformation.engine.errors import IntrinsicError
from fogbank.templates.references import find_cycle, resource_dependencies


def dependency_graph(resources: dict[str, dict[str, Any]]) -> dict[str, set[str]]:
    """``logical id → logical ids it depends on`` within ``resources``."""
    ids = set(resources)
    return {logical_id: resource_dependencies(resource, ids)
            for logical_id, resource in resources.items()}


def creation_order(resources: dict[str, dict[str, Any]]) -> list[str]:
    """Logical ids so that every resource comes after what it depends on; template order
    breaks ties. Raises ``IntrinsicError`` naming a cycle."""
    graph = dependency_graph(resources)
    cycle = find_cycle(graph)
    if cycle:
        raise IntrinsicError(
            f"Circular dependency between resources: [{', '.join(sorted(set(cycle)))}]")
    position = {logical_id: index for index, logical_id in enumerate(resources)}
    done: set[str] = set()
    order: list[str] = []
    while len(order) < len(graph):
        ready = [node for node in graph if node not in done and graph[node] <= done]
        ready.sort(key=position.__getitem__)
        order.append(ready[0])
        done.add(ready[0])
    return order


def deletion_order(resources: dict[str, dict[str, Any]]) -> list[str]:
    """Reverse dependency order (dependents first); cycles are broken, never raised."""
    try:
        return list(reversed(creation_order(resources)))
    except IntrinsicError:
        return list(reversed(list(resources)))
