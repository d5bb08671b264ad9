"""Where the page and the API are reached from a browser.

On AWS: the bucket's website endpoint (CloudFormation's ``WebsiteURL``) and the HTTP API's
``https://{api-id}.execute-api.{region}.amazonaws.com[/{stage}]``. When the function runs
against a local AWS endpoint (``AWS_ENDPOINT_URL``, set by fogbank and similar tools), the
same endpoints are served by that edge on virtual hosts under ``localhost``
(``{bucket}.s3-website.localhost:{port}``, ``{api-id}.execute-api.localhost:{port}``), which
browsers resolve to the loopback address; an edge on another host is reached by path
(``/{bucket}/index.html``, ``/_aws/execute-api/{api-id}/{stage}``).
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

DEFAULT_STAGE = "$default"
_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "0.0.0.0"})


def _stage_suffix(stage: str) -> str:
    return "" if stage in ("", DEFAULT_STAGE) else "/" + quote(stage, safe="")


def _local_edge(endpoint_url: str) -> tuple[str, str, int | None, bool]:
    """(scheme, host, port, is_loopback) of a local endpoint URL."""
    parts = urlsplit(endpoint_url)
    host = parts.hostname or "localhost"
    loopback = host in _LOOPBACK_HOSTS or host.startswith("127.") or host.endswith(".localhost")
    return parts.scheme or "http", host, parts.port, loopback


def _port_suffix(port: int | None) -> str:
    return f":{port}" if port else ""


def api_base_url(api_id: str, region: str, stage: str = DEFAULT_STAGE,
                 endpoint_url: str | None = None) -> str:
    """Base URL of an HTTP API (no trailing slash)."""
    if not endpoint_url:
        return f"https://{api_id}.execute-api.{region}.amazonaws.com{_stage_suffix(stage)}"
    scheme, host, port, loopback = _local_edge(endpoint_url)
    if loopback:
        return f"{scheme}://{api_id}.execute-api.localhost{_port_suffix(port)}" \
               f"{_stage_suffix(stage)}"
    edge = endpoint_url.rstrip("/")
    return f"{edge}/_aws/execute-api/{api_id}/{quote(stage or DEFAULT_STAGE, safe='$')}"


def website_url(bucket: str, aws_website_url: str, endpoint_url: str | None = None) -> str:
    """URL a user opens to see the site (ends with ``/``)."""
    if not endpoint_url:
        return aws_website_url.rstrip("/") + "/"
    scheme, host, port, loopback = _local_edge(endpoint_url)
    if loopback:
        return f"{scheme}://{bucket}.s3-website.localhost{_port_suffix(port)}/"
    return f"{endpoint_url.rstrip('/')}/{bucket}/index.html"
