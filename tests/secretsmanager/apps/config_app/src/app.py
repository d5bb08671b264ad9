import os

NAMES = ("API_URL", "API_URL_V1", "HOSTS", "DB_USER", "DB_URL", "API_KEY", "PARAM_NAME",
         "PARAM_TYPE")


def handler(event, context):
    return {name: os.environ.get(name) for name in NAMES}
