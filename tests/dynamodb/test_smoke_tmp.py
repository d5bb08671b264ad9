def test_smoke(app, ddb, make_table):
    print(app.stack.outputs if hasattr(app.stack, "outputs") else app.stack)
    print(ddb.list_tables())
    t = make_table("S", "N")
    ddb.put_item(TableName=t, Item={"pk": {"S": "a"}, "sk": {"N": "1"}, "v": {"B": b"xx"}})
    print(ddb.get_item(TableName=t, Key={"pk": {"S": "a"}, "sk": {"N": "1.0"}}))
    print(ddb.describe_table(TableName=t))
