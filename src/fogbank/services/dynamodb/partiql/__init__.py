"""PartiQL for DynamoDB: ``parser`` builds a statement tree, ``translate`` renders it as
expression-API text (names/values placeholders), ``operations`` runs it through Query/Scan/
PutItem/UpdateItem/DeleteItem/TransactWriteItems/TransactGetItems."""
