"""SSM errors, named like their wire codes."""

from __future__ import annotations

from fogbank.core.errors import ServiceError


class ValidationException(ServiceError):
    """A request parameter failed validation."""


class AccessDeniedException(ServiceError):
    """The caller may not use this name (reserved prefixes)."""


class ParameterNotFound(ServiceError):
    """The parameter could not be found."""


class ParameterVersionNotFound(ServiceError):
    """The requested version of the parameter does not exist."""


class ParameterAlreadyExists(ServiceError):
    """The parameter exists and Overwrite was not set."""

    def __init__(self) -> None:
        super().__init__("The parameter already exists. To overwrite this value, set the"
                         " overwrite option in the request to true.")


class ParameterPatternMismatchException(ServiceError):
    """The value does not match the parameter's AllowedPattern."""


class ParameterMaxVersionLimitExceeded(ServiceError):
    """The oldest of 100 versions has a label and cannot be dropped."""


class ParameterVersionLabelLimitExceeded(ServiceError):
    """A version can carry at most 10 labels."""


class HierarchyLevelLimitExceededException(ServiceError):
    """A parameter name has more than 15 levels."""


class HierarchyTypeMismatchException(ServiceError):
    """Changing a parameter's type between String/StringList and SecureString."""


class UnsupportedParameterType(ServiceError):
    """The parameter type is not supported."""


class InvalidAllowedPatternException(ServiceError):
    """The AllowedPattern is not a valid regular expression."""


class InvalidFilterKey(ServiceError):
    """A filter key is not valid."""


class InvalidFilterOption(ServiceError):
    """A filter option is not valid."""


class InvalidFilterValue(ServiceError):
    """A filter value is not valid."""


class InvalidNextToken(ServiceError):
    """The pagination token is not valid."""

    def __init__(self) -> None:
        super().__init__("The specified token isn't valid.")


class InvalidResourceId(ServiceError):
    """The tagged resource does not exist."""

    def __init__(self) -> None:
        super().__init__("Invalid Resource Id")


class InvalidResourceType(ServiceError):
    """The resource type cannot be tagged here."""

    def __init__(self) -> None:
        super().__init__("Invalid Resource Type")


class TooManyTagsError(ServiceError):
    """More than 50 tags on one resource."""


def not_found(name: str) -> ParameterNotFound:
    return ParameterNotFound(f"Parameter {name} not found.")


def version_not_found(name: str, version: object) -> ParameterVersionNotFound:
    return ParameterVersionNotFound(f"Systems Manager could not find version {version} of"
                                    f" {name}. Verify the version and try again.")
