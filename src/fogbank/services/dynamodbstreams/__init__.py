"""DynamoDB Streams: reads the change log that DynamoDB writes with every item change.

DynamoDB appends stream records to its own SQLite file in the same transaction as each write
(``fogbank.services.dynamodb.streamlog``); this provider opens that file and serves
ListStreams / DescribeStream / GetShardIterator / GetRecords from it. Shard iterators are
self-contained tokens (stream, position, issue time), so nothing is stored per reader.
"""
