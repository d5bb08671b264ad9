"""Templates: text → plain CloudFormation, no services involved.

Flow: ``yaml_tags`` parses YAML/JSON (short tags → long form) → ``sam.map_local_code`` turns
local ``CodeUri``/``ContentUri`` directories into hot-reload locations and inlines local
``DefinitionUri`` files → ``sam.translate`` runs aws-sam-translator offline → plain
CloudFormation in a ``LoadedTemplate``. ``validate`` runs the same pipeline and then
``checks`` and ``parameters`` to report every problem at once as ``TemplateProblem``s.
"""

from fogbank.templates.loader import (
    LoadedTemplate,
    find_template,
    find_template_file,
    load_template,
    process_template,
    validate,
)
from fogbank.templates.parameters import resolve_parameters
from fogbank.templates.problems import TemplateError, TemplateProblem
from fogbank.templates.sam import HOT_RELOAD_BUCKET, is_sam
from fogbank.templates.yaml_tags import parse_template_text

__all__ = [
    "HOT_RELOAD_BUCKET",
    "LoadedTemplate",
    "TemplateError",
    "TemplateProblem",
    "find_template",
    "find_template_file",
    "is_sam",
    "load_template",
    "parse_template_text",
    "process_template",
    "resolve_parameters",
    "validate",
]
