"""Mappings and stream checkpoints, as documents in Lambda's SQLite store."""

from __future__ import annotations

from fogbank.core.db import Documents
from fogbank.services.lambda_.mappings.model import MappingRecord


class MappingStore:
    def __init__(self, docs: Documents) -> None:
        self.docs = docs

    def put(self, record: MappingRecord) -> None:
        self.docs.put("esm", record.uuid, record.to_doc())

    def get(self, uuid: str) -> MappingRecord | None:
        doc = self.docs.get("esm", uuid)
        return MappingRecord.from_doc(doc) if doc is not None else None

    def delete(self, uuid: str) -> None:
        self.docs.delete("esm", uuid)
        for key, _ in self.docs.items("esm_checkpoint", prefix=f"{uuid}/"):
            self.docs.delete("esm_checkpoint", key)

    def all(self) -> list[MappingRecord]:
        """In creation order."""
        return [MappingRecord.from_doc(doc) for doc in self.docs.values("esm")]

    def checkpoint(self, uuid: str, shard_id: str) -> str | None:
        """The sequence number of the last record of ``shard_id`` that is done with."""
        doc = self.docs.get("esm_checkpoint", f"{uuid}/{shard_id}")
        return str(doc["sequence_number"]) if doc else None

    def save_checkpoint(self, uuid: str, shard_id: str, sequence_number: str) -> None:
        self.docs.put("esm_checkpoint", f"{uuid}/{shard_id}",
                      {"sequence_number": sequence_number})

    def shard_done(self, uuid: str, shard_id: str) -> bool:
        doc = self.docs.get("esm_checkpoint", f"{uuid}/{shard_id}")
        return bool(doc and doc.get("finished"))

    def finish_shard(self, uuid: str, shard_id: str, sequence_number: str | None) -> None:
        self.docs.put("esm_checkpoint", f"{uuid}/{shard_id}",
                      {"sequence_number": sequence_number, "finished": True})
