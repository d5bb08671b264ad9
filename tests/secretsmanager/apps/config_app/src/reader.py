import boto3


def handler(event, context):
    ssm = boto3.client("ssm")
    secrets = boto3.client("secretsmanager")
    by_path = ssm.get_parameters_by_path(Path="/config-app", Recursive=True)
    return {
        "api_url": ssm.get_parameter(Name="/config-app/api-url")["Parameter"]["Value"],
        "names": [p["Name"] for p in by_path["Parameters"]],
        "secret": secrets.get_secret_value(SecretId="config-app/db")["SecretString"],
    }
