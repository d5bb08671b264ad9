"""fogbank — the AWS serverless cloud on your own machine.

Flow: ``templates`` loads a SAM/CloudFormation template → ``services.cloudformation``
deploys it by calling the same provider methods the wire API calls → ``services.<name>``
providers keep state in SQLite under ``.fogbank/`` → ``server`` serves the edge port (every
AWS API, parsed and serialised by ``protocol`` from botocore's service models) and the API
front (API Gateway data plane) → ``cli`` and ``testing`` sit on top.
"""

__version__ = "0.1.0"
