"""The SQS provider: every operation group on one shared core."""

from __future__ import annotations

import asyncio

from fogbank.services.sqs.move_tasks import MoveTaskOperations
from fogbank.services.sqs.permissions import PermissionOperations
from fogbank.services.sqs.queue_ops import QueueOperations
from fogbank.services.sqs.receive import ReceiveOperations
from fogbank.services.sqs.send import SendOperations


class SqsProvider(QueueOperations, SendOperations, ReceiveOperations, MoveTaskOperations,
                  PermissionOperations):
    """Amazon SQS (JSON and query protocols).

    Deviations from AWS:
    - Queue names are unique per account across regions (a queue URL carries no region).
    - A queue name may be reused right after DeleteQueue (no QueueDeletedRecently wait).
    - PurgeQueue deletes at once (AWS may take up to 60 seconds).
    - Policy is stored and returned but not enforced; KMS attributes are stored only.
    - SenderId is the account id for wire calls (AWS: the caller's principal id).
    - ReceiveRequestAttemptId is accepted and ignored; FifoThroughputLimit and
      DeduplicationScope are kept, throughput is not limited.
    """

    async def start(self) -> None:
        self.resume_move_tasks()

    async def stop(self) -> None:
        self.stopping = True
        self.waiters.notify_all()  # long polls answer empty instead of touching a closed store
        await asyncio.sleep(0)
        await self.stop_move_tasks()
        self.store.close()
