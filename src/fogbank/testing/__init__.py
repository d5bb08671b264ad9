"""Test your application against a local cloud: ``run_app`` and the pytest plugin.

``run_app(path)`` deploys a template into a fresh local cloud on free ports, served from a
background thread, and yields a ``RunningApp`` with ``api_url``, ``client(service)`` (boto3
wired to the edge), ``invoke(function, event)`` and ``logs(function)``. The pytest plugin
(``fogbank.testing.plugin``, registered automatically) wraps it in fixtures::

    @pytest.fixture(scope="module")
    def fogbank_template():
        return "examples/hello"

    def test_hello(fogbank_app):
        assert requests.get(fogbank_app.api_url + "/hello/x").json() == {...}
"""

from fogbank.testing.runner import InvokeResult, RunningApp, run_app

__all__ = ["InvokeResult", "RunningApp", "run_app"]
