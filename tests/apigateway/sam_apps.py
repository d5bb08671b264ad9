"""Real SAM templates translated by aws-sam-translator, with the few intrinsics their API
bodies use resolved the way the CloudFormation engine will resolve them."""

from __future__ import annotations

import copy
import json
import os
import re
from typing import Any

from samtranslator.translator.transform import transform

from tests.apigateway.harness import ACCOUNT, REGION, function_arn


class _NoPolicies:
    def load(self) -> dict[str, str]:
        return {}


def translate(template: dict[str, Any]) -> dict[str, Any]:
    previous = os.environ.get("AWS_DEFAULT_REGION")
    os.environ["AWS_DEFAULT_REGION"] = REGION
    try:
        return transform(copy.deepcopy(template), {}, _NoPolicies())  # type: ignore[no-any-return]
    finally:
        if previous is None:
            os.environ.pop("AWS_DEFAULT_REGION", None)
        else:
            os.environ["AWS_DEFAULT_REGION"] = previous


def resolve(value: Any, stack_name: str = "sam-app") -> Any:
    """Resolve Ref AWS::StackName and Fn::Sub (pseudo parameters, ``${Fn.Arn}``)."""
    if isinstance(value, list):
        return [resolve(v, stack_name) for v in value]
    if not isinstance(value, dict):
        return value
    if set(value) == {"Ref"} and value["Ref"] == "AWS::StackName":
        return stack_name
    if set(value) == {"Fn::Sub"}:
        spec = value["Fn::Sub"]
        text, extra = (spec[0], spec[1]) if isinstance(spec, list) else (spec, {})
        names = {"AWS::Region": REGION, "AWS::Partition": "aws", "AWS::AccountId": ACCOUNT, **extra}

        def sub(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in names:
                return str(names[name])
            if name.endswith(".Arn"):
                return function_arn(name[:-4])
            raise KeyError(name)

        return re.sub(r"\$\{([^}]+)\}", sub, text)
    return {k: resolve(v, stack_name) for k, v in value.items()}


def resources_of(cfn: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in cfn["Resources"].items() if v["Type"] == resource_type}


AUTH = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:"

SAM_TEMPLATE: dict[str, Any] = {
    "Transform": "AWS::Serverless-2016-10-31",
    "Globals": {"Api": {"Cors": "'*'", "BinaryMediaTypes": ["image~1png"]}},
    "Resources": {
        "RestApi": {
            "Type": "AWS::Serverless::Api",
            "Properties": {
                "StageName": "Prod",
                "Variables": {"color": "blue"},
                "Auth": {
                    "Authorizers": {
                        "TokenAuth": {"FunctionArn": AUTH + "tokenauth"},
                        "RequestAuth": {
                            "FunctionArn": AUTH + "requestauth",
                            "FunctionPayloadType": "REQUEST",
                            "Identity": {"Headers": ["X-User"], "ReauthorizeEvery": 60},
                        },
                    }
                },
            },
        },
        "HttpApi": {
            "Type": "AWS::Serverless::HttpApi",
            "Properties": {
                "CorsConfiguration": {
                    "AllowOrigins": ["https://example.com"],
                    "AllowMethods": ["GET", "POST"],
                    "AllowHeaders": ["Content-Type"],
                    "MaxAge": 600,
                },
                "Auth": {
                    "Authorizers": {
                        "Simple": {
                            "FunctionArn": AUTH + "httpauth",
                            "EnableSimpleResponses": True,
                            "AuthorizerPayloadFormatVersion": "2.0",
                            "Identity": {"Headers": ["Authorization"]},
                        }
                    }
                },
            },
        },
        "Hello": {
            "Type": "AWS::Serverless::Function",
            "Properties": {
                "Runtime": "python3.11",
                "Handler": "app.handler",
                "InlineCode": "x",
                "Events": {
                    "Get": {
                        "Type": "Api",
                        "Properties": {
                            "Path": "/hello/{name}",
                            "Method": "get",
                            "RestApiId": {"Ref": "RestApi"},
                        },
                    },
                    "Proxy": {
                        "Type": "Api",
                        "Properties": {
                            "Path": "/files/{proxy+}",
                            "Method": "any",
                            "RestApiId": {"Ref": "RestApi"},
                        },
                    },
                    "Secret": {
                        "Type": "Api",
                        "Properties": {
                            "Path": "/secret",
                            "Method": "get",
                            "RestApiId": {"Ref": "RestApi"},
                            "Auth": {"Authorizer": "TokenAuth"},
                        },
                    },
                    "Members": {
                        "Type": "Api",
                        "Properties": {
                            "Path": "/members",
                            "Method": "get",
                            "RestApiId": {"Ref": "RestApi"},
                            "Auth": {"Authorizer": "RequestAuth"},
                        },
                    },
                    "Items": {
                        "Type": "HttpApi",
                        "Properties": {
                            "Path": "/items/{id}",
                            "Method": "GET",
                            "ApiId": {"Ref": "HttpApi"},
                        },
                    },
                    "Private": {
                        "Type": "HttpApi",
                        "Properties": {
                            "Path": "/private",
                            "Method": "GET",
                            "ApiId": {"Ref": "HttpApi"},
                            "Auth": {"Authorizer": "Simple"},
                        },
                    },
                    "Catch": {"Type": "HttpApi", "Properties": {"ApiId": {"Ref": "HttpApi"}}},
                },
            },
        },
    },
}


def deploy(cloud: Any, cfn: dict[str, Any]) -> dict[str, str]:
    """Create the template's API resources with the operations the CloudFormation engine
    calls; returns logical id → physical id."""
    ids: dict[str, str] = {}
    order = [
        "AWS::ApiGateway::RestApi",
        "AWS::ApiGatewayV2::Api",
        "AWS::ApiGateway::Deployment",
        "AWS::ApiGateway::Stage",
        "AWS::ApiGatewayV2::Stage",
    ]
    for resource_type in order:
        for logical_id, resource in resources_of(cfn, resource_type).items():
            props = resolve(resource["Properties"])
            if resource_type == "AWS::ApiGateway::RestApi":
                api = cloud.call(
                    "apigateway", "ImportRestApi", body=json.dumps(props["Body"]).encode()
                )
                ids[logical_id] = api["id"]
            elif resource_type == "AWS::ApiGatewayV2::Api":
                api = cloud.call("apigatewayv2", "ImportApi", Body=json.dumps(props["Body"]))
                ids[logical_id] = api["ApiId"]
            elif resource_type == "AWS::ApiGateway::Deployment":
                deployment = cloud.call(
                    "apigateway",
                    "CreateDeployment",
                    restApiId=ids[props["RestApiId"]["Ref"]],
                    stageName=props.get("StageName"),
                    description=props.get("Description"),
                )
                ids[logical_id] = deployment["id"]
            elif resource_type == "AWS::ApiGateway::Stage":
                extra = {"variables": props["Variables"]} if "Variables" in props else {}
                cloud.call(
                    "apigateway",
                    "CreateStage",
                    restApiId=ids[props["RestApiId"]["Ref"]],
                    stageName=props["StageName"],
                    deploymentId=ids[props["DeploymentId"]["Ref"]],
                    **extra,
                )
            else:
                cloud.call(
                    "apigatewayv2",
                    "CreateStage",
                    ApiId=ids[props["ApiId"]["Ref"]],
                    StageName=props["StageName"],
                    AutoDeploy=props.get("AutoDeploy", False),
                )
    return ids
