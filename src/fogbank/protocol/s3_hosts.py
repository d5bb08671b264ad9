"""S3 host names: recognising S3 endpoints and virtual-hosted bucket names."""

from __future__ import annotations


def _host_labels(host: str) -> list[str]:
    host = host.strip().lower()
    if host.startswith("["):
        return []
    return host.rsplit(":", 1)[0].split(".") if ":" in host else host.split(".")


def _is_s3_label(label: str) -> bool:
    return label == "s3" or label.startswith("s3-") or label == "s3-website"


def is_s3_host(host: str) -> bool:
    """``s3.localhost``, ``bucket.s3.localhost.localstack.cloud``, ``*.s3.amazonaws.com``…"""
    return any(_is_s3_label(label) for label in _host_labels(host))


def virtual_host_bucket(host: str) -> str | None:
    """The bucket of a virtual-hosted-style host (``<bucket>.s3.<anything>``), else None."""
    labels = _host_labels(host)
    for index, label in enumerate(labels):
        if _is_s3_label(label):
            return ".".join(labels[:index]) or None
    return None
