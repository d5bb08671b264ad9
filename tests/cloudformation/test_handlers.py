"""The resource type → handler map is complete and consistent."""

from __future__ import annotations

from fogbank.services.cloudformation.resources import HANDLERS
from fogbank.services.cloudformation.resources.custom import CustomResourceHandler
from fogbank.services.cloudformation.resources.lambda_ import inline_zip

EXPECTED = {
    "AWS::Lambda::Function", "AWS::Lambda::Permission", "AWS::Lambda::LayerVersion",
    "AWS::Lambda::Version", "AWS::Lambda::Alias", "AWS::Lambda::EventSourceMapping",
    "AWS::Lambda::Url", "AWS::IAM::Role", "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy",
    "AWS::Logs::LogGroup", "AWS::ApiGateway::RestApi", "AWS::ApiGateway::Resource",
    "AWS::ApiGateway::Method", "AWS::ApiGateway::Deployment", "AWS::ApiGateway::Stage",
    "AWS::ApiGateway::Authorizer", "AWS::ApiGatewayV2::Api", "AWS::ApiGatewayV2::Stage",
    "AWS::ApiGatewayV2::Route", "AWS::ApiGatewayV2::Integration",
    "AWS::ApiGatewayV2::Deployment", "AWS::ApiGatewayV2::Authorizer",
    "AWS::CloudFormation::CustomResource", "AWS::CloudFormation::WaitConditionHandle",
    "AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable",
}


def test_every_expected_type_has_its_handler() -> None:
    # Each service package adds its own types; these are the ones the core must keep.
    assert EXPECTED <= set(HANDLERS), sorted(EXPECTED - set(HANDLERS))
    for resource_type, handler in HANDLERS.items():
        assert handler.resource_type == resource_type
        for method in ("create", "update", "delete"):
            assert callable(getattr(handler, method))


def test_custom_types_use_the_custom_resource_handler() -> None:
    assert isinstance(HANDLERS.handler_for("Custom::Anything"), CustomResourceHandler)
    assert HANDLERS.handler_for("AWS::GameLift::Fleet") is None


def test_inline_code_is_packaged_like_cloudformation_does() -> None:
    import io
    import zipfile

    python = zipfile.ZipFile(io.BytesIO(inline_zip("print(1)", "python3.12")))
    assert set(python.namelist()) == {"index.py", "cfnresponse.py"}
    node = zipfile.ZipFile(io.BytesIO(inline_zip("exports.handler=1", "nodejs20.x")))
    assert set(node.namelist()) == {"index.js", "node_modules/cfn-response/index.js"}
