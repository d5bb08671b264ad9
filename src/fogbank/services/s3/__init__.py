"""Amazon S3.

Flow of an object write: the edge sees ``PUT /bucket/key`` (or ``?partNumber&uploadId``) and
lets the provider stream the body (``wire.WireHooks.streams_request_body``); the operation
spools it to ``tmp/`` as it arrives (``spool``: aws-chunked decoding; MD5 and the flexible
checksums of ``checksums`` computed on a digest thread while the next bytes arrive), checks
Content-MD5 / checksums / payload hash (``common.S3Base.receive_body``), renames the written
file into ``bodies/`` and commits the version row (``store``) together with the outbox rows
of its event notifications (``config``: ``object_event``), then sends those
(``deliver_object_event``) and answers. Reads find the version row, evaluate conditionals
and ranges (``conditions``) and answer the file (inline when small, streamed when large).

Modules: ``provider`` (S3Provider, composed of mixins), ``buckets``, ``objects``,
``multipart``, ``listing``, ``attributes`` (GetObjectAttributes), ``post_object`` (browser
form uploads), ``wire`` (edge hooks: streamed uploads, presigned expiry, CORS/website
routing), ``store`` (SQLite + body files), ``spool``, ``checksums``, ``conditions``,
``errors``; ``config`` belongs to bucket configuration (CORS, website, notifications …).
"""
